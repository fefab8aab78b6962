// Boot benchmark on microvm (TCG), unikernel vs Linux microVM, one guest at a time:
// - examples/hello-http: QEMU start → kernel ready marker (ours: `unipack: ready` on the debug
//   console; Linux: init's `linux-microvm: ready`, i.e. after modules and eth0, just before the
//   app starts) → the app's first line (READY on COM1) → the first HTTP 200 through the hostfwd
//   (polled every 15 ms: QEMU's hostfwd listener has a tiny backlog).
// - Deterministic: guest instructions to the ready marker under `-icount shift=0,sleep=off`
//   (ours: tsc_delta - idle_tsc; Linux: tsc - idle from init, decompressor included).
// - Our kernel alone (no image, `unipack.exit=0`): QEMU start → ready and → exit, as before.
// Usage: node test/bench/boot.mjs [--smoke] [--runs N]   (needs `npm run build` first)
import { pathToFileURL } from 'node:url';
import { defaultKernelPath, runVm } from '../../dist/index.js';
import { appImage, linuxImage } from './images.mjs';
import { fmt, sleep, stats } from './stats.mjs';
import { attempt, defaultMemory, freePort, ICOUNT, linuxMemory, startVm } from './vm.mjs';

export { stats } from './stats.mjs';

const READY = 'unipack: ready';
const MARKER = { unikernel: /^unipack: ready\b/, linux: /^linux-microvm: ready\b/ };

/** Polls http://127.0.0.1:port/ until a 200; returns the time (ms since QEMU start). */
export async function firstHttp200(vm, port, timeoutMs = 60_000) {
  const end = performance.now() + timeoutMs;
  while (performance.now() < end) {
    if (vm.proc.exitCode !== null || vm.proc.signalCode !== null) throw new Error(`bench: the VM ended before answering HTTP\n${vm.tail()}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000), headers: { connection: 'close' } });
      await r.arrayBuffer();
      if (r.status === 200) return performance.now() - vm.t0;
    } catch {
      // not listening yet
    }
    await sleep(15);
  }
  throw new Error(`bench: no HTTP 200 within ${timeoutMs} ms\n${vm.tail()}`);
}

/** One boot of hello-http: { kernelReadyMs, appFirstLineMs, firstHttp200Ms }. */
async function appBoot(kind, files, memoryMiB) {
  const port = await freePort();
  const vm = startVm({ kind, ...files, memoryMiB, hostPort: port });
  try {
    const ready = await vm.waitLine(MARKER[kind], 60_000);
    const first = await vm.waitLine(/^READY$/, 60_000);
    const ok = await firstHttp200(vm, port);
    return { kernelReadyMs: ready.atMs, appFirstLineMs: first.atMs, firstHttp200Ms: ok };
  } finally {
    await vm.kill();
  }
}

/** Guest instructions to the ready marker under -icount (deterministic). */
async function icountBoot(kind, files, memoryMiB) {
  const vm = startVm({ kind, ...files, memoryMiB, hostPort: await freePort(), icount: ICOUNT });
  try {
    const l = await vm.waitLine(MARKER[kind], 300_000);
    const f = Object.fromEntries(l.text.split(' ').filter((w) => w.includes('=')).map((w) => w.split('=')));
    if (kind === 'unikernel') return Number(f.tsc_delta) - Number(f.idle_tsc);
    return Number(f.tsc) - Number(f.idle_ms) * 1e6;
  } finally {
    await vm.kill();
  }
}

async function kernelAlone(extra) {
  const r = await runVm({ kernel: defaultKernelPath(), machine: 'microvm', accel: 'tcg', memoryMiB: 256, cmdline: 'unipack.exit=0', timeoutMs: 120_000, ...extra });
  const ready = r.logLines.find((l) => l.text.startsWith(READY));
  if (!ready) throw new Error(`no "${READY}" line in the kernel log:\n${r.log}`);
  const rec = r.records.find((x) => x.event === 'ready');
  return { readyMs: ready.atMs, insns: Number(rec.fields.tsc_delta) - Number(rec.fields.idle_tsc ?? 0), totalMs: r.durationMs };
}

/** Runs the boot benchmark; returns its results (also printed on stdout). */
export async function bench({ runs = 5, icountRuns = 2, gzip = true, log = console.log } = {}) {
  const { image } = await appImage('hello-http');
  const memoryMiB = defaultMemory(image);
  const sides = { unikernel: { kind: 'unikernel', files: { image } }, linux: { kind: 'linux', files: await linuxImage(image) } };
  if (gzip) sides.linuxGzip = { kind: 'linux', files: await linuxImage(image, { gzip: true }) };
  const failures = [];
  const raw = Object.fromEntries(Object.keys(sides).map((k) => [k, { kernelReadyMs: [], appFirstLineMs: [], firstHttp200Ms: [], readyInstructions: [] }]));
  // Interleaved so a burst of load from elsewhere hits both sides alike.
  for (let i = 0; i < runs; i++) {
    for (const [k, s] of Object.entries(sides)) {
      const b = await attempt(`boot ${k}`, failures, () => appBoot(s.kind, s.files, s.kind === 'linux' ? linuxMemory(memoryMiB, s.files) : memoryMiB));
      for (const f of ['kernelReadyMs', 'appFirstLineMs', 'firstHttp200Ms']) raw[k][f].push(b[f]);
    }
  }
  for (let i = 0; i < icountRuns; i++) for (const [k, s] of Object.entries(sides)) raw[k].readyInstructions.push(await attempt(`boot icount ${k}`, failures, () => icountBoot(s.kind, s.files, s.kind === 'linux' ? linuxMemory(memoryMiB, s.files) : memoryMiB)));
  const alone = { readyMs: [], totalMs: [], insns: [] };
  for (let i = 0; i < runs; i++) {
    const b = await kernelAlone({});
    alone.readyMs.push(b.readyMs);
    alone.totalMs.push(b.totalMs);
  }
  for (let i = 0; i < icountRuns; i++) alone.insns.push((await kernelAlone({ icount: ICOUNT })).insns);

  const result = {
    app: 'hello-http',
    machine: 'microvm',
    accel: 'tcg',
    memoryMiB,
    sides: Object.fromEntries(Object.entries(raw).map(([k, r]) => [k, Object.fromEntries(Object.entries(r).map(([f, xs]) => [f, stats(xs)]))])),
    failures,
    kernelAlone: { readyWallMs: stats(alone.readyMs), exitWallMs: stats(alone.totalMs), readyGuestInstructions: stats(alone.insns), accel: 'tcg' },
  };
  for (const [k, s] of Object.entries(result.sides)) {
    log(`boot ${k.padEnd(10)} kernel ready ${fmt(s.kernelReadyMs, ' ms')}  READY ${fmt(s.appFirstLineMs, ' ms')}  first 200 ${fmt(s.firstHttp200Ms, ' ms')}  instructions to ready (icount) ${fmt(s.readyInstructions)}`);
  }
  log(`boot kernel alone  QEMU start → ready ${fmt(result.kernelAlone.readyWallMs, ' ms', 1)}  → exit ${fmt(result.kernelAlone.exitWallMs, ' ms', 1)}  instructions ${fmt(result.kernelAlone.readyGuestInstructions)}`);
  return result;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const smoke = process.argv.includes('--smoke');
  const i = process.argv.indexOf('--runs');
  const runs = smoke ? 1 : i > 0 ? Number(process.argv[i + 1]) : 5;
  await bench({ runs, icountRuns: smoke ? 1 : 2, gzip: !smoke });
}
