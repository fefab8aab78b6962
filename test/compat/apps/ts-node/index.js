// ts-node: registers a require hook and compiles TypeScript on the fly with the typescript
// compiler (type-checking on: reads lib.*.d.ts from node_modules/typescript).
require('ts-node').register({ transpileOnly: false, compilerOptions: { module: 'commonjs', target: 'es2020', strict: true } });
const { Queue, describe } = require('./src/queue.ts');
const q = new Queue();
q.push(3); q.push(1); q.push(2);
console.log(describe(q));
try { require('./src/bad.ts'); } catch (e) { console.log('type error', /TS2322/.test(e.message)); }
