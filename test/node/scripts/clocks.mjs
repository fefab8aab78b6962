// process.hrtime, performance.now and Date: monotonic, consistent with each other, and a
// Date that is the real time (the guest's clock comes from the RTC and the host's time).
const h0 = process.hrtime.bigint(), p0 = performance.now(), d0 = Date.now();
let prev = process.hrtime.bigint(), backwards = 0;
for (let i = 0; i < 200000; i++) { const t = process.hrtime.bigint(); if (t < prev) backwards++; prev = t; }
console.log('hrtime went backwards', backwards, 'times');
const spin = Date.now() + 50; while (Date.now() < spin);
const dh = Number(process.hrtime.bigint() - h0) / 1e6, dp = performance.now() - p0, dd = Date.now() - d0;
console.log('clocks agree within 20 ms', Math.abs(dh - dp) < 20 && Math.abs(dh - dd) < 20, dh >= 50);
const [s, ns] = process.hrtime(); console.log('hrtime() shape', Number.isInteger(s) && ns >= 0 && ns < 1e9);
console.log('year is plausible', new Date().getUTCFullYear() >= 2024);
console.log('timeOrigin near now', Math.abs(performance.timeOrigin + performance.now() - Date.now()) < 1000);
console.log('TZ', Intl.DateTimeFormat().resolvedOptions().timeZone, new Date(86400000 * 365.25 * 30).toString());
console.log(new Date('2024-03-10T12:00:00Z').toLocaleString('en-US', { timeZone: 'America/New_York' }));
