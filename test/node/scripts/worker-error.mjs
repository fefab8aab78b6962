// An error thrown inside a worker reaches the parent as an 'error' event with the same message
// and class name, the worker exits with status 1, and the parent goes on.
import { Worker } from 'node:worker_threads';
const w = new Worker("setTimeout(() => { throw new RangeError('bad range in worker'); }, 1);", { eval: true });
const error = new Promise((res) => w.once('error', res));
const exit = new Promise((res) => w.once('exit', res));   // both listeners first: 'exit' may follow at once
const err = await error;
console.log('error event:', err.constructor.name, err.message);
console.log('exit code:', await exit);
const ok = new Worker("require('node:worker_threads').parentPort.postMessage(6 * 7)", { eval: true });
console.log('after that, a worker still answers', await new Promise((res) => ok.once('message', res)));
