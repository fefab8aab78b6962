// process.hrtime, performance.now and Date: monotonic, consistent with each other, and a
// Date that is the real time (the guest's clock comes from the RTC and the host's time).
// One reading of the three clocks, taken again until nothing (a context switch to another
// thread, a stalled vCPU) came between them: two hrtime reads around the others within 2 ms.
function reading() {
  for (let i = 0; ; i++) {
    const a = process.hrtime.bigint(), p = performance.now(), d = Date.now(), b = process.hrtime.bigint();
    if (b - a < 2_000_000n || i > 100) return { h: Number(a) / 1e6, p, d };
  }
}
const r0 = reading();
let prev = process.hrtime.bigint(), backwards = 0;
for (let i = 0; i < 200000; i++) { const t = process.hrtime.bigint(); if (t < prev) backwards++; prev = t; }
console.log('hrtime went backwards', backwards, 'times');
const spin = Date.now() + 50; while (Date.now() < spin);
const r1 = reading();
const dh = r1.h - r0.h, dp = r1.p - r0.p, dd = r1.d - r0.d;
console.log('clocks agree within 20 ms', Math.abs(dh - dp) < 20 && Math.abs(dh - dd) < 20, dh >= 50);
const [s, ns] = process.hrtime(); console.log('hrtime() shape', Number.isInteger(s) && ns >= 0 && ns < 1e9);
console.log('year is plausible', new Date().getUTCFullYear() >= 2024);
console.log('timeOrigin near now', Math.abs(performance.timeOrigin + performance.now() - Date.now()) < 1000);
console.log('TZ', Intl.DateTimeFormat().resolvedOptions().timeZone, new Date(86400000 * 365.25 * 30).toString());
console.log(new Date('2024-03-10T12:00:00Z').toLocaleString('en-US', { timeZone: 'America/New_York' }));
