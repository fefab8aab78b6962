// One guest for the benchmarks, unikernel or Linux microVM, started through the same code so
// both sides get the same QEMU flags: the unikernel's command line comes from the packager
// (qemuArgs, netArgs, kernelCmdline, memoryForImage); the Linux side takes that exact list with
// the kernel, initrd and command line swapped and ACPI left on (see
// scripts/linux-microvm/build.mjs linuxCmdline for why). The harness spawns QEMU itself (not
// runVm) because a server guest must be stopped by the harness and timed line by line.
import { spawn } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { defaultKernelPath, kernelCmdline, memoryForImage, netArgs, qemuArgs } from '../../dist/index.js';
import { buildInitramfs, hostTscKhz, linuxCmdline } from '../../scripts/linux-microvm/build.mjs';

export const ICOUNT = 'shift=0,sleep=off';

/** A free TCP port on the host for a hostfwd. */
export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

let tscKhz;

/**
 * QEMU arguments for one side. kind 'unikernel': { image }; kind 'linux': { vmlinuz, initramfs }.
 * memoryMiB defaults to what `unipack run` picks for the image (both sides get the same).
 */
export function vmArgs({ kind, image, vmlinuz, initramfs, memoryMiB, hostPort, guestPort = 8080, icount, tap, linuxCmdlineEdit = (c) => c }) {
  const ports = hostPort ? [{ host: hostPort, guest: guestPort, proto: 'tcp' }] : [];
  const base = {
    machine: 'microvm',
    accel: 'tcg',
    memoryMiB,
    ...(icount ? { icount } : {}),
    extraArgs: tap ? netArgs('microvm', [], { mode: 'tap', tap: tap.tap }) : netArgs('microvm', ports),
  };
  if (kind === 'unikernel') {
    return qemuArgs({ ...base, kernel: defaultKernelPath(), initrd: image, cmdline: kernelCmdline({ stdinMode: 'null' }) || undefined });
  }
  tscKhz ??= hostTscKhz();
  // Under -icount shift=0 the guest TSC counts instructions: 1 per ns.
  const cmdline = linuxCmdlineEdit(linuxCmdline({ tscKhz: icount ? 1_000_000 : tscKhz }));
  const args = qemuArgs({ ...base, kernel: vmlinuz, initrd: initramfs, cmdline });
  const m = args.indexOf('microvm,acpi=off');
  if (m < 0) throw new Error('bench: qemuArgs no longer says microvm,acpi=off; update vm.mjs');
  args[m] = 'microvm';
  return args;
}

/** The memory `unipack run` would give this image; the Linux side gets the same (see linuxMemory). */
export function defaultMemory(image) {
  return memoryForImage(statSync(image).size);
}

/**
 * The Linux side's -m: the same as the unikernel's, unless its kernel could not unpack the
 * initramfs into it (the cpio and the unpacked tmpfs copy are both in RAM while it unpacks, plus
 * the kernel's own ~96 MiB): with node stripped, `unipack run`'s 256 MiB floor is below that.
 */
export function linuxMemory(memoryMiB, { initramfs }) {
  return Math.max(memoryMiB, Math.ceil((2 * statSync(initramfs).size) / 1048576) + 96);
}

/**
 * Starts one guest. Returns { t0, lines, waitLine(re, ms), exited, kill() }: every line of
 * COM1 (the app's stdout; on Linux also the console) and of the debug console (our kernel's
 * log) with its time since QEMU was spawned.
 */
export function startVm(opts) {
  const args = vmArgs(opts);
  const t0 = performance.now();
  // On a TAP network QEMU runs in the namespace that holds the tap (ip execs it: same pid).
  const [cmd, argv] = opts.tap ? ['ip', ['netns', 'exec', opts.tap.netns, 'qemu-system-x86_64', ...args]] : ['qemu-system-x86_64', args];
  const proc = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'] });
  const lines = [];
  const waiters = [];
  const stderr = [];
  const onLine = (source) => {
    let buf = '';
    return (b) => {
      buf += b.toString('latin1');
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const text = buf.slice(0, i).replace(/\r$/, '');
        buf = buf.slice(i + 1);
        const l = { source, text, atMs: performance.now() - t0 };
        lines.push(l);
        for (const w of [...waiters]) if (w.re.test(text)) w.done(l);
      }
    };
  };
  proc.stdout.on('data', onLine('com1'));
  proc.stdio[3].on('data', onLine('com2'));
  proc.stdio[4].on('data', onLine('log'));
  proc.stderr.on('data', (b) => stderr.push(b));
  const exited = new Promise((res) => proc.on('exit', (code, sig) => res({ code, sig, atMs: performance.now() - t0 })));
  const vm = {
    t0,
    args,
    lines,
    proc,
    exited,
    stderr: () => Buffer.concat(stderr).toString(),
    /** Resolves with the first line matching re (already seen or to come); rejects on exit or timeout. */
    waitLine(re, ms = 120_000) {
      const seen = lines.find((l) => re.test(l.text));
      if (seen) return Promise.resolve(seen);
      return new Promise((res, rej) => {
        const w = {
          re,
          done: (l) => {
            clearTimeout(timer);
            waiters.splice(waiters.indexOf(w), 1);
            res(l);
          },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          rej(Object.assign(new Error(`bench: no line matching ${re} within ${ms} ms (${opts.kind})\n${vm.tail()}`), { vmLines: lines }));
        }, ms);
        waiters.push(w);
        exited.then((e) => {
          if (!waiters.includes(w)) return;
          clearTimeout(timer);
          waiters.splice(waiters.indexOf(w), 1);
          rej(Object.assign(new Error(`bench: the ${opts.kind} VM ended (code ${e.code}) before a line matching ${re}\n${vm.tail()}`), { vmLines: lines }));
        });
      });
    },
    tail(n = 25) {
      return [...lines.slice(-n).map((l) => `  [${l.source}] ${l.text}`), vm.stderr().trim()].filter(Boolean).join('\n');
    },
    async kill() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
    },
  };
  return vm;
}

/** The Linux microVM files for an image (built into the cache when missing). */
export async function linuxFor(image, { gzip = false, log } = {}) {
  const r = await buildInitramfs({ image, gzip, log });
  return { vmlinuz: r.kernel.vmlinuz, initramfs: r.initramfs, kernelVersion: r.kernel.version };
}

const failureDir = join(dirname(fileURLToPath(import.meta.url)), 'results', 'failures');

/**
 * Runs one measurement, retrying once when the guest fails (a boot that never reaches READY is
 * a finding for the kernel team, not a reason to lose the run): each failure is pushed on
 * `failures` with its reason and the guest's full output is kept in test/bench/results/failures/.
 */
export async function attempt(label, failures, fn, tries = 2) {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (e) {
      const msg = String(e?.message ?? e);
      mkdirSync(failureDir, { recursive: true });
      const file = join(failureDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${label.replace(/\W+/g, '_')}.log`);
      writeFileSync(file, `${msg}\n${e?.vmLines ? e.vmLines.map((l) => `${l.atMs.toFixed(0)} [${l.source}] ${l.text}`).join('\n') : ''}\n`);
      const tsc = /tsc_hz=(\d+)/.exec(msg)?.[1];
      failures.push({ label, attempt: i, reason: msg.split('\n')[0], ...(tsc ? { tscHz: Number(tsc) } : {}), log: file });
      console.error(`bench: ${label} failed (attempt ${i}): ${msg.split('\n')[0]}${tsc ? ` [kernel tsc_hz=${tsc}]` : ''}; log in ${file}`);
      if (i >= tries) throw e;
    }
  }
}

/** Runs `node server.js` in dir on the host with PORT set, waits for READY, gives fn the port and
 * the pid, and kills the server afterwards (the host baseline of the http and bulk parts). */
export async function withHostServer(nodePath, dir, env, fn) {
  const port = await freePort();
  const p = spawn(nodePath, ['server.js'], { cwd: dir, env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise((res, rej) => {
      p.stdout.on('data', (b) => b.toString().includes('READY') && res());
      p.once('exit', (c) => rej(new Error(`bench: host server in ${dir} exited ${c}`)));
    });
    return await fn(port, p.pid);
  } finally {
    p.kill('SIGKILL');
  }
}
