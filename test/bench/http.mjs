// Throughput and latency with wrk (-t1 -c32) against examples/hello-http (and express-app when
// present): over TAP (both VMs on a tap device in a network namespace, static addresses, wrk in
// the namespace) and over QEMU user networking with a hostfwd — unikernel vs Linux microVM vs
// host node (on loopback, no VM).
// Each side: boot, first 200, a warm-up (V8 keeps tiering up and TCG translates each new piece
// of JIT code: ~30 s before numbers settle), then `runs` wrk runs of `duration` s; req/s, p50 and
// p99 as median (min–max). Then the steady-state host RSS of QEMU (and of host node).
// Usage: node test/bench/http.mjs [--smoke] [--runs N] [--duration s] [--warmup s] [--networks tap,user]
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { appImage, httpApps, linuxImage, TAP_NET } from './images.mjs';
import { rssMiB } from './memory.mjs';
import { fmt, stats } from './stats.mjs';
import { attempt, defaultMemory, freePort, linuxMemory, startVm, withHostServer } from './vm.mjs';

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

/** Where wrk and curl reach a server: a URL, and the namespace they must run in (TAP). */
const local = (port) => ({ url: `http://127.0.0.1:${port}/`, netns: undefined });

function inNs(target, cmd, args) {
  return target.netns ? ['ip', ['netns', 'exec', target.netns, cmd, ...args]] : [cmd, args];
}

export async function wrk(target, seconds, connections = 32) {
  const [cmd, args] = inNs(target, 'wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', '--latency', target.url]);
  const { stdout } = await run(cmd, args, { timeout: (seconds + 30) * 1000 });
  return parseWrk(stdout);
}

/** Waits for the first 200 through curl in the target's namespace. */
async function first200(vm, target, timeoutMs = 60_000) {
  const end = performance.now() + timeoutMs;
  while (performance.now() < end) {
    if (vm.proc.exitCode !== null || vm.proc.signalCode !== null) throw new Error(`bench: the VM ended before answering HTTP\n${vm.tail()}`);
    const [cmd, args] = inNs(target, 'curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-m', '2', target.url]);
    const code = await run(cmd, args).then((r) => r.stdout, () => '');
    if (code === '200') return performance.now() - vm.t0;
    await new Promise((r) => setTimeout(r, 15));
  }
  throw new Error(`bench: no HTTP 200 within ${timeoutMs} ms\n${vm.tail()}`);
}

/** A network namespace with TAP_NET's tap for the TAP figures (one per process, shared by the
 * parts that use it); removed at exit. */
let tapNs;
export function tapNamespace() {
  if (tapNs) return tapNs;
  const ns = `unipack-bench-${process.pid}`;
  const ip = (...a) => execFileSync('ip', a, { stdio: ['ignore', 'ignore', 'pipe'] });
  ip('netns', 'add', ns);
  process.on('exit', () => { try { ip('netns', 'delete', ns); } catch { /* gone */ } });
  ip('netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up');
  ip('netns', 'exec', ns, 'ip', 'tuntap', 'add', 'dev', TAP_NET.tap, 'mode', 'tap');
  ip('netns', 'exec', ns, 'ip', 'addr', 'add', `${TAP_NET.host}/24`, 'dev', TAP_NET.tap);
  ip('netns', 'exec', ns, 'ip', 'link', 'set', TAP_NET.tap, 'up');
  tapNs = ns;
  return ns;
}

async function measure(target, pid, { runs, duration, warmup }) {
  if (warmup > 0) await wrk(target, warmup);
  const rs = [];
  for (let i = 0; i < runs; i++) rs.push(await wrk(target, duration));
  return {
    rps: stats(rs.map((r) => r.rps)),
    p50Ms: stats(rs.map((r) => r.p50Ms).filter((x) => x !== undefined)),
    p99Ms: stats(rs.map((r) => r.p99Ms).filter((x) => x !== undefined)),
    errors: rs.reduce((a, r) => a + r.errors + r.non2xx, 0),
    rssMiB: rssMiB(pid),
  };
}

async function vmSide(kind, files, memoryMiB, o) {
  const port = o.netns ? undefined : await freePort();
  const vm = startVm({ kind, ...files, memoryMiB, ...(o.netns ? { tap: { netns: o.netns, tap: TAP_NET.tap } } : { hostPort: port }) });
  const target = o.netns ? { url: `http://${TAP_NET.guest}:8080/`, netns: o.netns } : local(port);
  try {
    await vm.waitLine(/^READY$/, 60_000);
    await first200(vm, target);
    return { accel: 'tcg', memoryMiB, ...(await measure(target, vm.proc.pid, o)) };
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
  return withHostServer(nodePath, join(root, 'examples', app), { NODE_ENV: 'production' }, async (port, pid) => ({ accel: 'none', ...(await measure(local(port), pid, o)) }));
}

export async function bench({ runs = 5, duration = 10, warmup = 30, networks = ['tap', 'user'], log = console.log } = {}) {
  const failures = [];
  const result = { failures, wrk: '-t1 -c32', runs, durationS: duration, warmupS: warmup, networks: {}, apps: {} };
  for (const network of networks) {
    // TAP: both VMs on a tap in a namespace, wrk and curl in it too; user: QEMU's slirp with a hostfwd.
    const netns = network === 'tap' ? tapNamespace() : undefined;
    const o = { runs, duration, warmup, netns };
    result.networks[network] = network === 'tap' ? `TAP in a network namespace, guest ${TAP_NET.guest} (static)` : 'QEMU user networking (hostfwd)';
    const apps = {};
    for (const app of httpApps()) {
      const { image, runtime } = await appImage(app, { tap: network === 'tap' });
      const memoryMiB = defaultMemory(image);
      const r = {};
      r.host = await hostSide(app, runtime.nodePath, o);
      r.unikernel = await attempt(`http ${app} ${network} unikernel`, failures, () => vmSide('unikernel', { image }, memoryMiB, o));
      const linux = await linuxImage(image);
      r.linux = await attempt(`http ${app} ${network} linux`, failures, () => vmSide('linux', linux, linuxMemory(memoryMiB, linux), o));
      apps[app] = r;
      for (const [k, s] of Object.entries(r)) {
        log(`http ${app} ${network} ${k.padEnd(10)} ${fmt(s.rps, ' req/s')}  p50 ${fmt(s.p50Ms, ' ms', 2)}  p99 ${fmt(s.p99Ms, ' ms', 1)}  errors ${s.errors}  RSS ${s.rssMiB?.toFixed(0)} MiB`);
      }
    }
    result.apps[network] = apps;
  }
  return result;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const smoke = process.argv.includes('--smoke');
  const at = (f, d) => {
    const i = process.argv.indexOf(f);
    return i > 0 ? Number(process.argv[i + 1]) : d;
  };
  const ni = process.argv.indexOf('--networks');
  const networks = ni > 0 ? process.argv[ni + 1].split(',') : undefined;
  await bench({ ...(smoke ? { runs: 1, duration: 2, warmup: 1 } : { runs: at('--runs', 5), duration: at('--duration', 10), warmup: at('--warmup', 30) }), ...(networks ? { networks } : {}) });
}
