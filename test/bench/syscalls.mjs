// Syscall benchmark (issue 3): test/bench/syscalls.c — N getppid() system calls and N
// clock_gettime(CLOCK_MONOTONIC) vDSO calls — on the host, in the unikernel (`unipack exec`,
// microvm, TCG) and in the Linux microVM (the same binary in an image from buildRootfs, TCG) in
// the same invocation; prints per-call ns and unikernel/host and unikernel/Linux ratios. Also
// `node -e 0` end to end: the host's node vs `unipack exec node -e 0` (pack + boot + run) and
// the boot alone (QEMU start → exit record).
// Usage: node test/bench/syscalls.mjs [--smoke] [--n N] [--runs R]   (needs `npm run build`)
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildRootfs, exec } from '../../dist/index.js';
import { linuxImage } from './images.mjs';
import { stats } from './stats.mjs';
import { startVm } from './vm.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const sink = () => new Writable({ write: (_c, _e, cb) => cb() });

function compile() {
  const out = join(root, 'test', 'abi', 'build');
  mkdirSync(out, { recursive: true });
  const bin = join(out, 'bench-syscalls');
  execFileSync('gcc', ['-O2', '-o', bin, join(here, 'syscalls.c')]);
  return bin;
}

async function guestRun(program, args) {
  const r = await exec({ program, args, accel: 'tcg', machine: 'microvm', timeoutMs: 300_000, notes: sink() });
  if (r.status !== 0) throw new Error(`${program} ${args.join(' ')} exited ${r.status} in the unikernel:\n${r.vm.stderr}\n${r.vm.log.split('\n').slice(-10).join('\n')}`);
  return r;
}

/** The same binary in the Linux microVM: its JSON line and the clocksource Linux chose. */
async function linuxRun(bin, n) {
  const dir = mkdtempSync(join(tmpdir(), 'unipack-bench-sys-'));
  try {
    const image = join(dir, 'syscalls.tar');
    buildRootfs({ programs: [{ host: bin, image: '/bench-syscalls' }], boot: { argv: ['/bench-syscalls', String(n)], cwd: '/', net: { mode: 'none' } }, out: image });
    const vm = startVm({ kind: 'linux', ...(await linuxImage(image)), memoryMiB: 256 });
    const line = await vm.waitLine(/^\{"n":/, 300_000).finally(() => vm.kill());
    const ready = vm.lines.find((l) => l.text.startsWith('linux-microvm: ready'));
    return { ...JSON.parse(line.text), clocksource: /clocksource=(\S+)/.exec(ready?.text ?? '')?.[1] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the benchmark; returns its results (also printed). */
export async function bench({ n = 1_000_000, runs = 5, log = console.log } = {}) {
  const bin = compile();
  const host = JSON.parse(execFileSync(bin, [String(n)], { encoding: 'utf8' }));
  const guest = JSON.parse((await guestRun(bin, [String(n)])).vm.stdout.toString());
  const linux = await linuxRun(bin, n);
  const ratio = (k) => guest[k] / host[k];
  const vsLinux = (k) => guest[k] / linux[k];
  log(`syscalls: getppid        host ${host.getppid_ns.toFixed(1)} ns  unikernel ${guest.getppid_ns.toFixed(1)} ns  ratio ${ratio('getppid_ns').toFixed(2)}  linux ${linux.getppid_ns.toFixed(1)} ns  uk/linux ${vsLinux('getppid_ns').toFixed(2)}  (n=${n}, TCG)`);
  log(`syscalls: clock_gettime  host ${host.clock_gettime_ns.toFixed(1)} ns  unikernel ${guest.clock_gettime_ns.toFixed(1)} ns  ratio ${ratio('clock_gettime_ns').toFixed(2)}  linux ${linux.clock_gettime_ns.toFixed(1)} ns (clocksource ${linux.clocksource})  uk/linux ${vsLinux('clock_gettime_ns').toFixed(2)}`);

  const hostNode = [];
  const e2e = [];
  const bootOnly = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const h = spawnSync(process.execPath, ['-e', '0']);
    hostNode.push(performance.now() - t0);
    if (h.status !== 0) throw new Error('node -e 0 failed on the host');
    const t1 = performance.now();
    const g = await guestRun(process.execPath, ['-e', '0']);
    e2e.push(performance.now() - t1);
    bootOnly.push(g.vm.durationMs);
  }
  const result = {
    n,
    host,
    unikernel: guest,
    linux,
    accel: { host: 'none', unikernel: 'tcg', linux: 'tcg' },
    ratio: { getppid: ratio('getppid_ns'), clock_gettime: ratio('clock_gettime_ns') },
    ratioVsLinux: { getppid: vsLinux('getppid_ns'), clock_gettime: vsLinux('clock_gettime_ns') },
    nodeE0: { hostMs: stats(hostNode), unikernelEndToEndMs: stats(e2e), unikernelBootMs: stats(bootOnly) },
  };
  const f = (s) => `median ${s.median.toFixed(0)} ms (min ${s.min.toFixed(0)}, n=${s.n})`;
  log(`node -e 0: host ${f(result.nodeE0.hostMs)}`);
  log(`node -e 0: unikernel end to end (unipack exec: pack + boot + run) ${f(result.nodeE0.unikernelEndToEndMs)}  ratio ${(result.nodeE0.unikernelEndToEndMs.median / result.nodeE0.hostMs.median).toFixed(1)}`);
  log(`node -e 0: unikernel QEMU start → exit ${f(result.nodeE0.unikernelBootMs)}  ratio ${(result.nodeE0.unikernelBootMs.median / result.nodeE0.hostMs.median).toFixed(1)}`);
  return result;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const smoke = process.argv.includes('--smoke');
  const at = (flag) => {
    const i = process.argv.indexOf(flag);
    return i > 0 ? Number(process.argv[i + 1]) : undefined;
  };
  await bench({ n: smoke ? 10_000 : (at('--n') ?? 1_000_000), runs: smoke ? 1 : (at('--runs') ?? 5) });
}
