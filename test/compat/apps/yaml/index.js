// yaml: parse with anchors/aliases and tags, documents with comments kept, stringify.
const YAML = require('yaml');
const src = `# config
defaults: &d { retries: 3, timeout: 1.5 }
services:
  web: { <<: *d, port: 8080, hosts: [a, b] }
  db:
    <<: *d
    url: !!str 5432
when: 2024-01-02
multi: |
  line one
  line two
`;
const doc = YAML.parseDocument(src, { merge: true });
console.log(JSON.stringify(doc.toJS()));
doc.setIn(['services', 'web', 'port'], 9090);
console.log(doc.toString());
console.log(YAML.stringify({ list: [1, 'two', { three: null }], s: 'a: b' }));
console.log(YAML.parseAllDocuments('a: 1\n---\nb: 2\n').map((d) => JSON.stringify(d.toJS())).join(' '));
