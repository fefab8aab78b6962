// Boot benchmark on microvm (TCG): wall time from QEMU start to the kernel's `unipack: ready`
// line, over ≥10 boots; and, under `-icount shift=0,sleep=off` (where the guest TSC counts
// instructions), the guest instruction count to ready from `unipack: ready tsc_delta=N`.
// Usage: node test/bench/boot.mjs [--smoke] [--runs N]   (needs `npm run build` first)
import { pathToFileURL } from 'node:url';
import { runVm, defaultKernelPath } from '../../dist/index.js';

const READY = 'unipack: ready';

export function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return {
    n: s.length,
    median: s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2,
    min: s[0],
    max: s[s.length - 1],
  };
}

async function bootOnce(extra) {
  const r = await runVm({
    kernel: defaultKernelPath(),
    machine: 'microvm',
    accel: 'tcg',
    memoryMiB: 256,
    cmdline: 'unipack.exit=0',
    timeoutMs: 120_000,
    ...extra,
  });
  const ready = r.logLines.find((l) => l.text.startsWith(READY));
  if (!ready) throw new Error(`no "${READY}" line in the kernel log:\n${r.log}`);
  const rec = r.records.find((x) => x.event === 'ready');
  return { readyMs: ready.atMs, tscDelta: rec?.fields.tsc_delta ? Number(rec.fields.tsc_delta) : undefined, totalMs: r.durationMs };
}

/** Runs the boot benchmark; returns its results (also printed on stdout). */
export async function bench({ runs = 10, log = console.log } = {}) {
  const wall = [];
  const total = [];
  for (let i = 0; i < runs; i++) {
    const b = await bootOnce({});
    wall.push(b.readyMs);
    total.push(b.totalMs);
  }
  const insns = [];
  for (let i = 0; i < Math.min(runs, 3); i++) {
    const b = await bootOnce({ icount: 'shift=0,sleep=off' });
    if (b.tscDelta === undefined) throw new Error('the ready line has no tsc_delta=');
    insns.push(b.tscDelta);
  }
  const result = {
    machine: 'microvm',
    accel: 'tcg',
    readyWallMs: stats(wall),
    exitWallMs: stats(total),
    readyGuestInstructions: stats(insns),
  };
  const f = (s, unit, d = 1) => `median ${s.median.toFixed(d)}${unit}  min ${s.min.toFixed(d)}${unit}  max ${s.max.toFixed(d)}${unit}  (n=${s.n})`;
  log(`boot: QEMU start → ready   ${f(result.readyWallMs, ' ms')}`);
  log(`boot: QEMU start → exit    ${f(result.exitWallMs, ' ms')}`);
  log(`boot: guest instructions to ready (icount)  ${f(result.readyGuestInstructions, '', 0)}`);
  return result;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const smoke = process.argv.includes('--smoke');
  const i = process.argv.indexOf('--runs');
  const runs = smoke ? 1 : i > 0 ? Number(process.argv[i + 1]) : 10;
  await bench({ runs });
}
