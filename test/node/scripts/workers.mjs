// worker_threads: messages, SharedArrayBuffer with Atomics, several workers at once.
import { Worker } from 'node:worker_threads';
const src = `
const { parentPort, workerData } = require('node:worker_threads');
let s = 0; for (let i = 0; i < workerData.n; i++) s += i;
const view = new Int32Array(workerData.shared);
Atomics.add(view, 0, workerData.id);
Atomics.notify(view, 0);
parentPort.postMessage({ id: workerData.id, s });
`;
const shared = new SharedArrayBuffer(4);
const results = await Promise.all([1, 2, 3, 4].map((id) => new Promise((res, rej) => {
  const w = new Worker(src, { eval: true, workerData: { id, n: 100000 * id, shared } });
  w.once('message', res);
  w.once('error', rej);
})));
console.log(results.sort((a, b) => a.id - b.id));
console.log('shared sum', new Int32Array(shared)[0]);
const w = new Worker('process.exit(7)', { eval: true });
console.log('worker exit code', await new Promise((r) => w.once('exit', r)));
