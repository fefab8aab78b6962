// Syscall benchmark (issue 3): test/bench/syscalls.c — N getppid() system calls and N
// clock_gettime(CLOCK_MONOTONIC) vDSO calls — on the host and in the unikernel (`unipack exec`,
// microvm, TCG) in the same invocation; prints per-call ns and unikernel/host ratios. Also
// `node -e 0` end to end: the host's node vs `unipack exec node -e 0` (pack + boot + run) and
// the boot alone (QEMU start → exit record).
// Usage: node test/bench/syscalls.mjs [--smoke] [--n N] [--runs R]   (needs `npm run build`)
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { exec } from '../../dist/index.js';
import { stats } from './boot.mjs';

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

/** Runs the benchmark; returns its results (also printed). */
export async function bench({ n = 1_000_000, runs = 5, log = console.log } = {}) {
  const bin = compile();
  const host = JSON.parse(execFileSync(bin, [String(n)], { encoding: 'utf8' }));
  const guest = JSON.parse((await guestRun(bin, [String(n)])).vm.stdout.toString());
  const ratio = (k) => guest[k] / host[k];
  log(`syscalls: getppid        host ${host.getppid_ns.toFixed(1)} ns  unikernel ${guest.getppid_ns.toFixed(1)} ns  ratio ${ratio('getppid_ns').toFixed(2)}  (n=${n}, TCG)`);
  log(`syscalls: clock_gettime  host ${host.clock_gettime_ns.toFixed(1)} ns  unikernel ${guest.clock_gettime_ns.toFixed(1)} ns  ratio ${ratio('clock_gettime_ns').toFixed(2)}`);

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
    ratio: { getppid: ratio('getppid_ns'), clock_gettime: ratio('clock_gettime_ns') },
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
