// Runs the benchmark parts (all, or those named) and writes test/bench/results/latest.json (not
// committed): every figure as median/min/max with the accelerator it used, and a table of
// unikernel ratios against the Linux microVM and host node measured in the same invocation.
// Usage: node test/bench/run.mjs [--smoke] [boot|node-e|memory|http|bulk|syscalls|size|build ...]
//   (`npm run bench`; needs `npm run build`). --smoke: one iteration, tiny durations.
// Benchmarks never fail on a number; they fail only when the harness itself breaks.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';

const smoke = process.argv.includes('--smoke');
const ALL = ['size', 'build', 'syscalls', 'node-e', 'boot', 'memory', 'http', 'bulk'];
const asked = process.argv.slice(2).filter((a) => !a.startsWith('--'));
for (const a of asked) if (!ALL.includes(a)) {
  console.error(`bench: unknown part ${a} (parts: ${ALL.join(', ')})`);
  process.exit(2);
}
const parts = asked.length ? ALL.filter((p) => asked.includes(p)) : ALL;
const here = dirname(fileURLToPath(import.meta.url));

const runners = {
  size: async () => (await import('./size.mjs')).bench({ gzip: !smoke }),
  build: async () => (await import('./build.mjs')).bench({ runs: smoke ? 1 : 3 }),
  syscalls: async () => (await import('./syscalls.mjs')).bench(smoke ? { n: 10_000, runs: 1 } : {}),
  'node-e': async () => (await import('./node-e.mjs')).bench({ runs: smoke ? 1 : 5 }),
  boot: async () => (await import('./boot.mjs')).bench(smoke ? { runs: 1, icountRuns: 1, gzip: false } : { runs: 5, icountRuns: 2 }),
  memory: async () => (await import('./memory.mjs')).bench(smoke ? { resolution: 256, gzip: false } : { resolution: 8 }),
  http: async () => (await import('./http.mjs')).bench(smoke ? { runs: 1, duration: 1, warmup: 0 } : { runs: 5, duration: 10, warmup: 30 }),
  bulk: async () => (await import('./bulk.mjs')).bench(smoke ? { runs: 1, mb: 5 } : { runs: 3, mb: 100 }),
};

const qemu = execFileSync('qemu-system-x86_64', ['--version'], { encoding: 'utf8' }).split('\n')[0];
const results = {
  date: new Date().toISOString(),
  smoke,
  node: process.version,
  qemu,
  host: { cpus: cpus().length, model: cpus()[0]?.model, loadavgAtStart: loadavg() },
  accel: 'every VM figure: TCG (-accel tcg -cpu max); host figures: no VM',
  parts: {},
  errors: {},
};
for (const p of parts) {
  const t0 = performance.now();
  try {
    results.parts[p] = await runners[p]();
  } catch (e) {
    // One broken part does not lose the others; the exit code still says the harness broke.
    results.errors[p] = String(e?.stack ?? e);
    console.error(`bench: ${p} failed: ${e?.stack ?? e}`);
  }
  const took = (performance.now() - t0) / 1000;
  if (results.parts[p]) results.parts[p].durationS = Math.round(took);
  console.error(`bench: ${p} took ${took.toFixed(0)} s`);
}
results.host.loadavgAtEnd = loadavg();
results.failures = Object.values(results.parts).flatMap((r) => r?.failures ?? []);
results.table = table(results.parts);
printTable(results.table);

const out = join(here, 'results', 'latest.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
if (results.failures.length) {
  console.log(`\n${results.failures.length} guest run(s) failed and were retried (kernel findings, logs kept):`);
  for (const f of results.failures) console.log(`  ${f.label}: ${f.reason}${f.tscHz ? ` (kernel tsc_hz=${f.tscHz})` : ''}  ${f.log}`);
}
console.log(`bench: results in ${out}`);
process.exitCode = Object.keys(results.errors).length ? 1 : 0;

/** Rows { figure, unit, unikernel, linux, host, better } of medians (lower is better unless said). */
function table(p) {
  const rows = [];
  const add = (figure, unit, uk, linux, host, better = 'lower') => rows.push({ figure, unit, unikernel: uk, linux, host, better });
  if (p.boot) {
    const s = p.boot.sides;
    add('boot: QEMU start → kernel ready marker', 'ms', s.unikernel.kernelReadyMs?.median, s.linux.kernelReadyMs?.median);
    add('boot: QEMU start → app first line (READY)', 'ms', s.unikernel.appFirstLineMs?.median, s.linux.appFirstLineMs?.median);
    add('boot: QEMU start → first HTTP 200', 'ms', s.unikernel.firstHttp200Ms?.median, s.linux.firstHttp200Ms?.median);
    if (s.linuxGzip) add('boot: QEMU start → READY (Linux gzip initramfs)', 'ms', s.unikernel.appFirstLineMs?.median, s.linuxGzip.appFirstLineMs?.median);
    add('boot: guest instructions to ready marker (icount)', 'insns', s.unikernel.readyInstructions?.median, s.linux.readyInstructions?.median);
  }
  if (p['node-e']) add('node -e 0 end to end', 'ms', p['node-e'].ms.unikernel.median, p['node-e'].ms.linux.median, p['node-e'].ms.host.median);
  if (p.memory) {
    const s = p.memory.sides;
    add('memory: smallest -m serving 1000 requests', 'MiB', s.unikernel.floorMiB, s.linux.floorMiB);
    if (s.linuxGzip) add('memory: smallest -m (Linux gzip initramfs)', 'MiB', s.unikernel.floorMiB, s.linuxGzip.floorMiB);
    add(`memory: QEMU host RSS after 1000 requests at -m ${p.memory.defaultMemoryMiB}`, 'MiB', s.unikernel.qemuRssMiBAtDefault, s.linux.qemuRssMiBAtDefault);
  }
  if (p.http) {
    for (const [net, apps] of Object.entries(p.http.apps)) {
      for (const [app, r] of Object.entries(apps)) {
        add(`http ${app} (${net}): req/s (wrk -t1 -c32)`, 'req/s', r.unikernel.rps?.median, r.linux.rps?.median, r.host.rps?.median, 'higher');
        add(`http ${app} (${net}): p50 latency`, 'ms', r.unikernel.p50Ms?.median, r.linux.p50Ms?.median, r.host.p50Ms?.median);
        add(`http ${app} (${net}): p99 latency`, 'ms', r.unikernel.p99Ms?.median, r.linux.p99Ms?.median, r.host.p99Ms?.median);
        add(`http ${app} (${net}): steady-state host RSS (QEMU / node)`, 'MiB', r.unikernel.rssMiB, r.linux.rssMiB, r.host.rssMiB);
      }
    }
  }
  if (p.bulk) {
    const b = p.bulk;
    add(`bulk ${b.bytes / 1e6} MB into the app over TAP (host: loopback)`, 'MB/s', b.unikernel?.up?.median, b.linux?.up?.median, b.host?.up?.median, 'higher');
    add(`bulk ${b.bytes / 1e6} MB out of the app over TAP (host: loopback)`, 'MB/s', b.unikernel?.down?.median, b.linux?.down?.median, b.host?.down?.median, 'higher');
  }
  if (p.syscalls) {
    const s = p.syscalls;
    add('syscall: getppid', 'ns', s.unikernel.getppid_ns, s.linux?.getppid_ns, s.host.getppid_ns);
    add('vDSO: clock_gettime', 'ns', s.unikernel.clock_gettime_ns, s.linux?.clock_gettime_ns, s.host.clock_gettime_ns);
  }
  if (p.size) {
    const MiB = 1048576;
    add('size: image + kernel (Linux: bzImage + cpio)', 'MiB', p.size.unikernel.totalBytes / MiB, p.size.linux.totalBytes / MiB, p.size.rawBytes / MiB);
    if (p.size.linux.totalGzipBytes) add('size: vs Linux bzImage + cpio.gz (host column: raw files)', 'MiB', p.size.unikernel.totalBytes / MiB, p.size.linux.totalGzipBytes / MiB, p.size.rawBytes / MiB);
  }
  if (p.build) {
    add('build express-app: cold (empty unipack cache; host column: npm ci --omit=dev)', 'ms', p.build.coldMs.median, undefined, p.build.npmCiMs.median);
    add('build express-app: warm (host column: npm ci --omit=dev)', 'ms', p.build.warmMs.median, undefined, p.build.npmCiMs.median);
  }
  for (const r of rows) {
    r.ukOverLinux = r.unikernel !== undefined && r.linux ? r.unikernel / r.linux : undefined;
    r.ukOverHost = r.unikernel !== undefined && r.host ? r.unikernel / r.host : undefined;
  }
  return rows;
}

function printTable(rows) {
  const n = (x) => (x === undefined || Number.isNaN(x) ? '—' : x >= 1e6 ? x.toExponential(3) : x.toLocaleString('en-US', { maximumFractionDigits: x < 10 ? 2 : 0 }));
  const r2 = (x) => (x === undefined ? '—' : `${x.toFixed(2)}×`);
  const head = ['figure (medians; all VMs under TCG)', 'unit', 'unikernel', 'Linux microVM', 'host', 'uk/Linux', 'uk/host'];
  const body = rows.map((r) => [`${r.figure}${r.better === 'higher' ? ' ↑' : ''}`, r.unit, n(r.unikernel), n(r.linux), n(r.host), r2(r.ukOverLinux), r2(r.ukOverHost)]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (c) => c.map((x, i) => (i === 0 ? x.padEnd(w[i]) : x.padStart(w[i]))).join('  ');
  console.log(`\n${line(head)}\n${w.map((x) => '-'.repeat(x)).join('  ')}\n${body.map(line).join('\n')}\n(↑: higher is better; otherwise lower is better)`);
}
