// piscina: a worker_threads pool (MessageChannel, Atomics.wait/notify, transferables).
const path = require('path');
const Piscina = require('piscina');
const pool = new Piscina({ filename: path.join(__dirname, 'worker.js'), minThreads: 2, maxThreads: 2 });
(async () => {
  const results = await Promise.all([10, 20, 25, 30].map((n) => pool.run({ n })));
  console.log('fib', results.join(','));
  const buf = new Uint8Array([1, 2, 3, 4]).buffer;
  console.log('sum', await pool.run(buf, { name: 'sum', transferList: [buf] }), 'detached', buf.byteLength);
  console.log('threads', pool.threads.length, 'completed', pool.completed);
  await pool.destroy();
  console.log('destroyed');
})();
