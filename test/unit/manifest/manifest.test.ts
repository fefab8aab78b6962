// Manifest loading: inference from package.json, the schema validator, and the exact problems
// reported for bad input (file:line:col, field, found, allowed, fix).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManifestError, MANIFEST_DEFAULTS, checkManifest, loadManifest, parsePort, sizeMiB, type ManifestProblem } from '../../../packager/src/manifest/index.js';
import { SUPPORTED_KEYWORDS, didYouMean, keywordsOf, manifestSchema, validate } from '../../../packager/src/manifest/schema.js';
import { parseStartScript } from '../../../packager/src/manifest/infer.js';

function app(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'unipack-manifest-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function problems(dir: string): Array<Pick<ManifestProblem, 'line' | 'column' | 'field' | 'kind' | 'message' | 'fix'> & { file?: string }> {
  return checkManifest(dir).problems.map((p) => ({
    ...(p.file ? { file: p.file.slice(dir.length + 1) } : {}),
    line: p.line,
    column: p.column,
    field: p.field,
    kind: p.kind,
    message: p.message,
    fix: p.fix,
  }));
}

const PKG = JSON.stringify({ name: '@acme/web-api', main: 'server.js', engines: { node: '>=18' } }, null, 2);

describe('inference', () => {
  it('takes name, entry and runtime from package.json, the rest from the defaults', async () => {
    const dir = app({ 'package.json': PKG, 'server.js': '' });
    const m = await loadManifest(dir);
    expect(m).toMatchObject({
      dir,
      name: 'web-api',
      entry: join(dir, 'server.js'),
      runtime: '>=18',
      args: [],
      env: { NODE_ENV: 'production' },
      ports: [],
      cpus: 1,
      machine: 'microvm',
      mounts: [{ path: '/tmp', sizeMiB: 64 }],
      files: { include: ['**'], exclude: [], tests: true },
      kernel: { args: [], debug: false },
      hostname: 'web-api',
    });
    expect(m.sources).toMatchObject({ name: 'package.json name', entry: 'package.json main', runtime: 'package.json engines.node', cpus: 'default' });
  });

  it('finds the entry in scripts.start, resolves main like require, defaults to index.js', async () => {
    expect((await loadManifest(app({ 'package.json': '{"scripts":{"start":"NODE_ENV=x node dist/main.js --port 80"}}', 'dist/main.js': '' }))).entry).toMatch(/dist\/main\.js$/);
    expect((await loadManifest(app({ 'package.json': '{"main":"lib"}', 'lib/index.js': '' }))).entry).toMatch(/lib\/index\.js$/);
    const d = app({ 'package.json': '{}', 'index.js': '' });
    expect((await loadManifest(d)).entry).toBe(join(d, 'index.js'));
    expect((await loadManifest(d)).runtime).toMatch(/^\d+\.x$/); // the host's major line
    expect(parseStartScript('node --enable-source-maps -r dotenv/config dist/main.js a b')).toEqual({ nodeOptions: ['--enable-source-maps', '-r', 'dotenv/config'], file: 'dist/main.js', args: ['a', 'b'] });
    expect(parseStartScript('tsc && node dist/x.js')).toBeUndefined();
  });

  it('a start script with node options becomes command; a missing build output implies the build script', async () => {
    const m = await loadManifest(app({ 'package.json': '{"scripts":{"start":"node --enable-source-maps dist/main.js","build":"tsc"}}' }));
    expect(m.command).toEqual(['node', '--enable-source-maps', 'dist/main.js']);
    expect(m.build).toBe('npm run build');
  });

  it('the manifest overrides inference and resolves ports, sizes, mounts', async () => {
    const dir = app({
      'package.json': PKG,
      'server.js': '',
      'unipack.yaml': [
        '# yaml-language-server: $schema=../manifests/unipack.schema.json',
        'name: api',
        'ports: [8080, "8443:443", "5353:53/udp", {guest: 9000}]',
        'memory: 1G',
        'cpus: 2',
        'env: {PORT: 8080, DEBUG: true}',
        'mounts: [{path: /var/cache, size: 128M}]',
        'machine: q35',
        'kernel: {trace: syscalls, args: [unipack.inject=openat:EACCES]}',
        '',
      ].join('\n'),
    });
    const m = await loadManifest(dir);
    expect(m.name).toBe('api');
    expect(m.ports).toEqual([
      { host: 8080, guest: 8080, proto: 'tcp' },
      { host: 8443, guest: 443, proto: 'tcp' },
      { host: 5353, guest: 53, proto: 'udp' },
      { host: 9000, guest: 9000, proto: 'tcp' },
    ]);
    expect(m.memoryMiB).toBe(1024);
    expect(m.env).toEqual({ NODE_ENV: 'production', PORT: '8080', DEBUG: 'true' });
    expect(m.mounts).toEqual([{ path: '/var/cache', sizeMiB: 128 }]);
    expect(m.kernel).toEqual({ args: ['unipack.inject=openat:EACCES'], trace: 'syscalls', debug: false });
    expect(m.sources.name).toBe('unipack.yaml');
  });

  it('sizes and ports parse as documented', () => {
    expect([sizeMiB(512), sizeMiB('512M'), sizeMiB('1.5G'), sizeMiB('64MiB'), sizeMiB('2048K'), sizeMiB('1k')]).toEqual([512, 512, 1536, 64, 2, 1]);
    expect(parsePort('80')).toEqual({ host: 80, guest: 80, proto: 'tcp' });
    expect(parsePort('70000')).toBeUndefined();
  });
});

describe('problems', () => {
  it('invalid YAML: every syntax error with its position, nothing else checked', () => {
    const dir = app({ 'package.json': PKG, 'server.js': '', 'unipack.yaml': 'name: a\nports: [80\ncpus: 1\n' });
    const ps = problems(dir);
    expect(ps.length).toBeGreaterThan(0);
    expect(ps[0]).toMatchObject({ file: 'unipack.yaml', field: '(syntax)', kind: 'syntax' });
    expect(ps[0]!.line).toBeGreaterThanOrEqual(2);
  });

  it('a key given twice is a syntax error', () => {
    const ps = problems(app({ 'package.json': PKG, 'server.js': '', 'unipack.yaml': 'cpus: 1\ncpus: 2\n' }));
    expect(ps).toMatchObject([{ file: 'unipack.yaml', line: 2, column: 1, kind: 'syntax', message: 'Map keys must be unique' }]);
  });

  it('unknown fields, wrong types, bad values: all at once, in file order, with fixes', () => {
    const dir = app({
      'package.json': PKG,
      'server.js': '',
      'unipack.yaml': ['nmae: api', 'cpus: "2"', 'machine: q36', 'memory: lots', 'kernel:', '  args: unipack.trace=syscalls', '  debgu: true', 'env:', '  1BAD: x', ''].join('\n'),
    });
    expect(problems(dir)).toEqual([
      { file: 'unipack.yaml', line: 1, column: 1, field: 'nmae', kind: 'unknown-field', message: 'unknown field "nmae"', fix: 'did you mean "name"?' },
      { file: 'unipack.yaml', line: 2, column: 7, field: 'cpus', kind: 'type', message: 'expected an integer (1..64), found string "2"', fix: undefined },
      { file: 'unipack.yaml', line: 3, column: 10, field: 'machine', kind: 'enum', message: '"q36" is not allowed', fix: 'did you mean "q35"?' },
      { file: 'unipack.yaml', line: 4, column: 9, field: 'memory', kind: 'pattern', message: '"lots" is not in the expected form', fix: undefined },
      { file: 'unipack.yaml', line: 6, column: 9, field: 'kernel.args', kind: 'type', message: 'expected a list of strings, found string "unipack.trace=syscalls"', fix: 'write it as a list: ["unipack.trace=syscalls"]' },
      { file: 'unipack.yaml', line: 7, column: 3, field: 'kernel.debgu', kind: 'unknown-field', message: 'unknown field "debgu"', fix: 'did you mean "debug"?' },
      { file: 'unipack.yaml', line: 9, column: 3, field: 'env.1BAD', kind: 'pattern', message: '"1BAD" is not a valid name', fix: undefined },
    ]);
  });

  it('a port given twice points at the second with the line of the first', () => {
    const ps = problems(app({ 'package.json': PKG, 'server.js': '', 'unipack.yaml': 'ports:\n  - 8080\n  - "8080:80"\n  - "99999"\n' }));
    expect(ps).toEqual([
      { file: 'unipack.yaml', line: 3, column: 5, field: 'ports[1]', kind: 'duplicate-port', message: 'host port 8080/tcp is given twice (first at line 2)', fix: 'remove one of them or pick another host port ("8081:80")' },
      { file: 'unipack.yaml', line: 4, column: 5, field: 'ports[2]', kind: 'range', message: '"99999" has a port out of range', fix: 'use a port between 1 and 65535' },
    ]);
  });

  it('ports with a tap network: they cannot be forwarded, the error says why and what to do', () => {
    const ps = problems(app({ 'package.json': PKG, 'server.js': '', 'unipack.yaml': 'ports: [8080]\nnetwork: { mode: tap, tap: tap0, address: 10.0.0.2/24 }\n' }));
    expect(ps).toEqual([
      { file: 'unipack.yaml', line: 1, column: 8, field: 'ports', kind: 'conflict', message: 'ports are forwarded only with user networking; on a tap device the guest is reachable at its own address', fix: 'remove ports, or use network: { mode: user }' },
    ]);
  });

  it('a runtime range no Node release satisfies, and one that is not semver', () => {
    const host = process.versions.node.split('.')[0];
    expect(problems(app({ 'package.json': PKG, 'server.js': '', 'unipack.yaml': 'runtime: ">=99"\n' }))).toEqual([
      { file: 'unipack.yaml', line: 1, column: 10, field: 'runtime', kind: 'runtime', message: 'no Node release satisfies ">=99"', fix: `use "${host}.x" (the host's node is ${process.versions.node})` },
    ]);
    expect(problems(app({ 'package.json': PKG, 'server.js': '', 'unipack.yaml': 'runtime: latest\n' }))[0]).toMatchObject({ line: 1, column: 10, kind: 'runtime', message: '"latest" is not a semver range' });
  });

  it('problems in inferred values point into package.json', () => {
    const pkg = '{\n  "name": "x",\n  "main": "missing.js",\n  "engines": { "node": "^4.99" }\n}\n';
    expect(problems(app({ 'package.json': pkg }))).toEqual([
      { file: 'package.json', line: 3, column: 11, field: 'main', kind: 'entry', message: 'entry file "missing.js" does not exist', fix: 'fix package.json, or set entry: <file> in unipack.yaml (or build: <command> if a build step creates it)' },
      { file: 'package.json', line: 4, column: 24, field: 'engines.node', kind: 'runtime', message: 'no Node release satisfies "^4.99"', fix: expect.stringMatching(/^use "\d+\.x"/) },
    ]);
  });

  it('an entry that does not exist, entry with command, tap without a device', () => {
    const ps = problems(app({ 'package.json': PKG, 'server.js': '', 'unipack.yaml': 'entry: src/nope.js\ncommand: [node, a.js]\nnetwork: {mode: tap, gateway: 10.0.0.1}\n' }));
    expect(ps.map((p) => [p.line, p.field, p.kind])).toEqual([
      [1, 'entry', 'entry'],
      [2, 'command', 'conflict'],
      [3, 'network', 'required'],
      [3, 'network.gateway', 'required'],
    ]);
  });

  it('loadManifest throws one ManifestError listing every problem; the message names the file', async () => {
    const dir = app({ 'package.json': PKG, 'server.js': '', 'unipack.yaml': 'cpus: 0\nmachine: pc\n' });
    const e = await loadManifest(dir).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ManifestError);
    const err = e as ManifestError;
    expect(err.code).toBe('ERR_UNIPACK_MANIFEST');
    expect(err.problems).toHaveLength(2);
    expect(err.details).toContain('unipack.yaml:1:7  cpus: 0 is out of range\n    found:   0\n    allowed: 1..64');
    expect(err.details).toContain('unipack.yaml:2:10  machine: "pc" is not allowed\n    found:   "pc"\n    allowed: one of "microvm", "q35"');
  });

  it('a manifest that is not a mapping', () => {
    expect(problems(app({ 'package.json': PKG, 'server.js': '', 'unipack.yaml': '- a\n- b\n' }))[0]).toMatchObject({ line: 1, column: 1, kind: 'type' });
  });
});

describe('schema', () => {
  const schema = manifestSchema();

  it('uses only keywords the validator implements', () => {
    const used = [...keywordsOf(schema)].filter((k) => !SUPPORTED_KEYWORDS.has(k) && !/^[A-Za-z$][\w$]*$/.test(k) === false);
    const propertyNames = new Set<string>();
    const collect = (s: unknown) => {
      if (!s || typeof s !== 'object') return;
      for (const [k, v] of Object.entries(s)) {
        if (k === 'properties' || k === '$defs') for (const [n, sub] of Object.entries(v as object)) (propertyNames.add(n), collect(sub));
        else collect(v);
      }
    };
    collect(schema);
    expect(used.filter((k) => !propertyNames.has(k))).toEqual([]);
  });

  it('the built-in defaults are valid and agree with the schema\'s documented defaults', () => {
    expect(validate(MANIFEST_DEFAULTS)).toEqual([]);
    const props = schema.properties!;
    for (const [k, v] of Object.entries(MANIFEST_DEFAULTS)) {
      if (props[k]!.default !== undefined) expect([k, props[k]!.default]).toEqual([k, v]);
      else for (const [sub, sv] of Object.entries(v as object)) expect([k, sub, props[k]!.properties![sub]!.default]).toEqual([k, sub, sv]);
    }
  });

  it('the documented example manifests are valid', () => {
    for (const f of ['minimal.yaml', 'full.yaml']) {
      const text = readFileSync(join(__dirname, '../../../manifests/examples', f), 'utf8');
      expect(text).toMatch(/^# yaml-language-server: \$schema=\.\.\/unipack\.schema\.json$/m);
      const dir = app({ 'package.json': PKG, 'server.js': '', 'dist/main.js': '', 'unipack.yaml': text });
      expect([f, problems(dir)]).toEqual([f, []]);
    }
  });

  it('did-you-mean only suggests close names', () => {
    expect(didYouMean('prots', ['ports', 'name'])).toBe('ports');
    expect(didYouMean('zzzzzz', ['ports', 'name'])).toBeUndefined();
  });
});
