// The compatibility suite's engine: each app under test/compat/apps/<name>/ (its own
// package.json and lockfile) runs with the host's node and in the unikernel through the
// packager's own run() API (manifest → runtime → npm ci staging → rootfs → boot); stdout and
// exit status are compared, and boot time, first-output time, memory and the kernel's
// `unsupported syscall=…` records are kept. Used by run.mjs (`npm run compat`, the matrix)
// and compat-fast.test.ts (the subset in `npm test`). Imports the built packager (dist/).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

export const COMPAT_DIR = dirname(fileURLToPath(import.meta.url));
export const APPS_DIR = join(COMPAT_DIR, 'apps');
export const ROOT = join(COMPAT_DIR, '..', '..');

/** cases.json: per-app category, expectations and notes; packages not run, with reasons. */
export function loadCases() {
  return JSON.parse(readFileSync(join(COMPAT_DIR, 'cases.json'), 'utf8'));
}

/** The apps on disk, sorted. */
export function appNames() {
  return readdirSync(APPS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(APPS_DIR, d.name, 'package.json')))
    .map((d) => d.name)
    .sort();
}

export function appInfo(name) {
  const dir = join(APPS_DIR, name);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8'));
  const deps = Object.keys(pkg.dependencies ?? {});
  const versions = Object.fromEntries(deps.map((d) => [d, lock.packages?.[`node_modules/${d}`]?.version ?? pkg.dependencies[d]]));
  return { name, dir, main: pkg.main ?? 'index.js', deps, versions };
}

/**
 * `npm ci` for the host run, skipped when node_modules was installed from the same lockfile
 * (a hash file in node_modules). Native addons build against the host node's headers.
 */
export function ensureInstalled(name, log = () => {}) {
  const dir = join(APPS_DIR, name);
  const lock = readFileSync(join(dir, 'package-lock.json'));
  if (!JSON.parse(lock).packages || Object.keys(JSON.parse(lock).packages).length <= 1) return 'no dependencies';
  const hash = createHash('sha256').update(lock).update(process.version).digest('hex');
  const stamp = join(dir, 'node_modules', '.compat-lock-hash');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return 'cached';
  log(`${name}: npm ci`);
  const nodedir = existsSync('/usr/include/node/node.h') && process.execPath === '/usr/bin/node' ? { npm_config_nodedir: '/usr' } : {};
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...nodedir } });
  if (r.status !== 0) throw new Error(`${name}: npm ci failed:\n${(r.stderr || r.stdout).slice(-2000)}`);
  writeFileSync(stamp, hash);
  return 'installed';
}

/** The environment the guest app gets (manifest defaults), mirrored on the host. */
async function appEnv() {
  const { BASE_ENV } = await import('../../dist/index.js');
  return { ...BASE_ENV, NODE_ENV: 'production' };
}

/** Runs the app with the host's node: stdout, stderr, status, time to first output, wall time. */
export async function runHost(name, { timeoutMs = 120_000 } = {}) {
  const { dir, main } = appInfo(name);
  const env = await appEnv();
  return new Promise((resolve) => {
    const t0 = performance.now();
    let firstOutputMs;
    const out = [];
    const err = [];
    const child = spawn(process.execPath, [main], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d) => {
      firstOutputMs ??= performance.now() - t0;
      out.push(d);
    });
    child.stderr.on('data', (d) => err.push(d));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        status: code ?? 128 + (signal === 'SIGKILL' ? 9 : 15),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        firstOutputMs,
        wallMs: performance.now() - t0,
      });
    });
  });
}

/**
 * Runs the app in the unikernel with `unipack run`'s code path. Times are measured from the
 * boot phase's start (QEMU spawn): ready = the kernel's `ready` record, first output = the
 * first byte on COM1.
 */
export async function runGuest(name, { timeoutMs = 180_000, trace = false, kernelArgs } = {}) {
  const { run, createReporter } = await import('../../dist/index.js');
  const { dir } = appInfo(name);
  const base = createReporter({ quiet: true });
  let bootStart;
  const reporter = {
    ...base,
    phase(label) {
      if (label.startsWith('boot')) bootStart = performance.now();
      return base.phase(label);
    },
  };
  let firstOutputAt;
  const out = [];
  const err = [];
  const stdout = new Writable({
    write(c, _e, cb) {
      firstOutputAt ??= performance.now();
      out.push(Buffer.from(c));
      cb();
    },
  });
  const stderr = new Writable({
    write(c, _e, cb) {
      err.push(Buffer.from(c));
      cb();
    },
  });
  const notes = new Writable({ write: (_c, _e, cb) => cb() });
  const t0 = performance.now();
  let r;
  let error;
  try {
    r = await run({ dir, accel: 'tcg', timeoutMs, offline: true, trace, ...(kernelArgs ? { kernelArgs } : {}), reporter, stdout, stderr, notes });
  } catch (e) {
    error = e;
  }
  const vm = r?.vm ?? error?.result;
  const ready = vm?.logLines?.find((l) => /^unipack: ready\b/.test(l.text));
  const memLine = vm?.logLines?.find((l) => /^unipack: memory ram=/.test(l.text));
  return {
    status: r ? r.status : undefined,
    error: error ? { code: error.code ?? 'ERR', message: String(error.message ?? error).split('\n')[0] } : undefined,
    stdout: Buffer.concat(out).toString('utf8'),
    stderr: Buffer.concat(err).toString('utf8'),
    log: vm?.log ?? '',
    unsupported: vm?.unsupported ?? [],
    panic: vm?.panic,
    signal: vm?.signal,
    readyMs: ready?.atMs,
    firstOutputMs: firstOutputAt !== undefined && bootStart !== undefined ? firstOutputAt - bootStart : undefined,
    bootToExitMs: vm?.durationMs,
    totalMs: performance.now() - t0,
    guestRamMiB: memLine ? Math.round(Number(/ram=(\d+)/.exec(memLine.text)[1]) / 2 ** 20) : undefined,
    imageMiB: r?.build ? Math.round((r.build.size / 2 ** 20) * 10) / 10 : undefined,
    runDir: r?.runDir,
  };
}

/** The first line where two outputs differ, 1-based, with both sides. */
export function firstDifference(a, b) {
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) return { line: i + 1, host: la[i] ?? '<end of output>', guest: lb[i] ?? '<end of output>' };
  }
  return undefined;
}

/** The last meaningful line of the guest's stderr (an exception message), for the matrix. */
export function stderrGist(stderr) {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const err = lines.find((l) => /^(\w*Error|Error)\b.*:/.test(l) || /^\[?Error/.test(l));
  return (err ?? lines.at(-1) ?? '').slice(0, 200);
}

/** Host vs guest for one app: the matrix row. */
export async function runCase(name, opts = {}) {
  const info = appInfo(name);
  const install = ensureInstalled(name, opts.log);
  const host = await runHost(name);
  const guest = await runGuest(name, opts);
  const diff = firstDifference(host.stdout, guest.stdout);
  const pass = !guest.error && diff === undefined && guest.status === host.status;
  let why;
  if (!pass) {
    if (guest.error) why = `${guest.error.code}: ${guest.error.message}`;
    else if (guest.panic) why = `kernel panic: ${guest.panic.raw ?? JSON.stringify(guest.panic)}`;
    else if (guest.signal) why = `killed by signal ${guest.signal}`;
    else if (guest.status !== host.status) why = `exit status ${guest.status} (host ${host.status})${stderrGist(guest.stderr) ? `: ${stderrGist(guest.stderr)}` : ''}`;
    else why = 'output differs';
  }
  return {
    name,
    packages: info.versions,
    result: pass ? 'pass' : 'fail',
    why,
    diff,
    hostStatus: host.status,
    guestStatus: guest.status,
    unsupported: guest.unsupported.map((u) => ({ syscall: u.syscall, nr: u.nr, count: u.count })),
    readyMs: guest.readyMs,
    firstOutputMs: guest.firstOutputMs,
    hostFirstOutputMs: host.firstOutputMs,
    bootToExitMs: guest.bootToExitMs,
    guestRamMiB: guest.guestRamMiB,
    imageMiB: guest.imageMiB,
    install,
    host,
    guest,
  };
}
