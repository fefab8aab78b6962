// prom-client: default process metrics (reads /proc/self/stat, /proc/self/status, fd counts,
// event-loop lag via perf_hooks), counters, histograms, the text exposition format.
const client = require('prom-client');
const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });
const c = new client.Counter({ name: 'jobs_total', help: 'jobs', labelNames: ['kind'], registers: [registry] });
const h = new client.Histogram({ name: 'job_seconds', help: 'job time', buckets: [0.1, 1], registers: [registry] });
c.inc({ kind: 'a' }); c.inc({ kind: 'a' }, 2); c.inc({ kind: 'b' });
h.observe(0.05); h.observe(0.5); h.observe(5);
setTimeout(async () => {
  const text = await registry.metrics();
  const mine = text.split('\n').filter((l) => /^(jobs_total|job_seconds)/.test(l));
  console.log(mine.join('\n'));
  const names = [...new Set(text.split('\n').filter((l) => l.startsWith('# TYPE')).map((l) => l.split(' ')[2]))].sort();
  console.log(names.join('\n'));
  const json = await registry.getMetricsAsJSON();
  const fds = json.find((m) => m.name === 'process_open_fds');
  console.log('open fds metric', fds ? fds.values[0].value > 0 : 'absent');
  const rss = json.find((m) => m.name === 'process_resident_memory_bytes');
  console.log('rss metric', rss ? rss.values[0].value > 0 : 'absent');
}, 300);
