// Event-loop order and timers: nextTick, microtasks, immediates, timeouts, intervals.
import { setTimeout as sleep } from 'node:timers/promises';
const order = [];
setTimeout(() => order.push('timeout0'), 0);
setImmediate(() => order.push('immediate'));
process.nextTick(() => order.push('tick'));
queueMicrotask(() => order.push('micro'));
Promise.resolve().then(() => order.push('promise'));
order.push('sync');
await sleep(20);
console.log(order.slice(0, 4).join(','), order.slice(4).sort().join(','));
let n = 0;
await new Promise((res) => {
  const iv = setInterval(() => {
    if (++n === 5) { clearInterval(iv); res(); }
  }, 10);
});
console.log('interval ticks', n);
const t0 = performance.now();
await sleep(100);
const dt = performance.now() - t0;
console.log('slept >= 95ms', dt >= 95, 'and < 2s', dt < 2000);
const t1 = Date.now();
const cleared = setTimeout(() => console.log('never'), 10);
clearTimeout(cleared);
const ref = setTimeout(() => {}, 100000);
ref.unref();
console.log('hasRef', ref.hasRef(), Math.abs(Date.now() - t1) < 1000);
