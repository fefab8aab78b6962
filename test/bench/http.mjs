// Throughput and latency with wrk (-t1 -c32) against examples/hello-http (and express-app when
// present) over QEMU user networking with a hostfwd: unikernel vs Linux microVM vs host node.
// Each side: boot, first 200, a warm-up (V8 keeps tiering up and TCG translates each new piece
// of JIT code: ~30 s before numbers settle), then `runs` wrk runs of `duration` s; req/s, p50 and
// p99 as median (min–max). Then the steady-state host RSS of QEMU (and of host node).
// Usage: node test/bench/http.mjs [--smoke] [--runs N] [--duration s] [--warmup s]
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { appImage, httpApps, linuxImage } from './images.mjs';
import { firstHttp200 } from './boot.mjs';
import { rssMiB } from './memory.mjs';
import { fmt, stats } from './stats.mjs';
import { attempt, defaultMemory, freePort, linuxMemory, startVm } from './vm.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const run = promisify(execFile);

const toMs = (v, unit) => Number(v) * ({ us: 1e-3, ms: 1, s: 1000, m: 60_000 }[unit] ?? NaN);

/** Parses wrk --latency output: { rps, p50Ms, p99Ms, requests, errors, non2xx }. */
export function parseWrk(out) {
  const lat = (p) => {
    const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(out);
    return m ? toMs(m[1], m[2]) : undefined;
  };
  const errs = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]),
    p50Ms: lat(50),
    p99Ms: lat(99),
    requests: Number(/(\d+) requests in/.exec(out)?.[1]),
    errors: errs ? errs.slice(1).reduce((a, b) => a + Number(b), 0) : 0,
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
  };
}

async function wrk(port, seconds) {
  const { stdout } = await run('wrk', ['-t1', '-c32', `-d${seconds}s`, '--timeout', '10s', '--latency', `http://127.0.0.1:${port}/`], { timeout: (seconds + 30) * 1000 });
  return parseWrk(stdout);
}

async function measure(port, pid, { runs, duration, warmup }) {
  if (warmup > 0) await wrk(port, warmup);
  const rs = [];
  for (let i = 0; i < runs; i++) rs.push(await wrk(port, duration));
  return {
    rps: stats(rs.map((r) => r.rps)),
    p50Ms: stats(rs.map((r) => r.p50Ms).filter((x) => x !== undefined)),
    p99Ms: stats(rs.map((r) => r.p99Ms).filter((x) => x !== undefined)),
    errors: rs.reduce((a, r) => a + r.errors + r.non2xx, 0),
    rssMiB: rssMiB(pid),
  };
}

async function vmSide(kind, files, memoryMiB, o) {
  const port = await freePort();
  const vm = startVm({ kind, ...files, memoryMiB, hostPort: port });
  try {
    await vm.waitLine(/^READY$/, 60_000);
    await firstHttp200(vm, port);
    return { accel: 'tcg', memoryMiB, ...(await measure(port, vm.proc.pid, o)) };
  } finally {
    await vm.kill();
  }
}

/** The host runs the example from its own directory: install its production dependencies
 * first (a fresh clone has none; the unikernel image gets them from the packager's staging). */
async function ensureDeps(app) {
  const dir = join(root, 'examples', app);
  if (existsSync(join(dir, 'package-lock.json')) && !existsSync(join(dir, 'node_modules'))) {
    await run('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund'], { cwd: dir });
  }
}

async function hostSide(app, nodePath, o) {
  await ensureDeps(app);
  const port = await freePort();
  const p = spawn(nodePath, ['server.js'], { cwd: join(root, 'examples', app), env: { ...process.env, PORT: String(port), NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise((res, rej) => {
      p.stdout.on('data', (b) => b.toString().includes('READY') && res());
      p.once('exit', (c) => rej(new Error(`bench: host ${app} exited ${c}`)));
    });
    return { accel: 'none', ...(await measure(port, p.pid, o)) };
  } finally {
    p.kill('SIGKILL');
  }
}

export async function bench({ runs = 5, duration = 10, warmup = 30, log = console.log } = {}) {
  const o = { runs, duration, warmup };
  const failures = [];
  const result = { failures, wrk: '-t1 -c32', network: 'QEMU user networking (hostfwd)', runs, durationS: duration, warmupS: warmup, apps: {} };
  for (const app of httpApps()) {
    const { image, runtime } = await appImage(app);
    const memoryMiB = defaultMemory(image);
    const r = {};
    r.host = await hostSide(app, runtime.nodePath, o);
    r.unikernel = await attempt(`http ${app} unikernel`, failures, () => vmSide('unikernel', { image }, memoryMiB, o));
    const linux = await linuxImage(image);
    r.linux = await attempt(`http ${app} linux`, failures, () => vmSide('linux', linux, linuxMemory(memoryMiB, linux), o));
    result.apps[app] = r;
    for (const [k, s] of Object.entries(r)) {
      log(`http ${app} ${k.padEnd(10)} ${fmt(s.rps, ' req/s')}  p50 ${fmt(s.p50Ms, ' ms', 2)}  p99 ${fmt(s.p99Ms, ' ms', 1)}  errors ${s.errors}  RSS ${s.rssMiB?.toFixed(0)} MiB`);
    }
  }
  return result;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const smoke = process.argv.includes('--smoke');
  const at = (f, d) => {
    const i = process.argv.indexOf(f);
    return i > 0 ? Number(process.argv[i + 1]) : d;
  };
  await bench(smoke ? { runs: 1, duration: 2, warmup: 1 } : { runs: at('--runs', 5), duration: at('--duration', 10), warmup: at('--warmup', 30) });
}
