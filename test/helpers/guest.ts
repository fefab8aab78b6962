// Differential runs: one program on the host and in the unikernel, through the same code path
// as `unipack exec` (the exec() API: rootfs assembly, boot, records). Guests run under TCG with
// the real kernel (kernel/build/kernel.elf or $UNIPACK_KERNEL).
import { spawn } from 'node:child_process';
import { chmodSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { normaliseMode } from '../../packager/src/image/tar-writer.js';
import { constants } from 'node:os';
import { Writable } from 'node:stream';
import { DEFAULT_EXEC_ENV, exec, type ExecOptions } from '../../packager/src/commands/exec.js';
import type { KernelRecord } from '../../packager/src/vm/kernel-log.js';
import type { Machine } from '../../packager/src/vm/qemu-args.js';

export interface Outcome {
  status: number;
  stdout: string;
  stderr: string;
}

export interface GuestOutcome extends Outcome {
  log: string;
  records: KernelRecord[];
  unsupported: Array<{ syscall: string; count: number }>;
  durationMs: number;
}

export const GUEST_ENV: Record<string, string> = { ...DEFAULT_EXEC_ENV, LC_ALL: 'C', TZ: 'UTC' };
/** Where differential programs run in the guest: an empty, writable directory of the image. */
export const GUEST_WORKDIR = '/work';

/** A sink for unipack's own notes (unsupported-call summary, log tail): tests read the records. */
function sink(): Writable {
  return new Writable({ write: (_c, _e, cb) => cb() });
}

export interface GuestOptions {
  argv0?: string;
  cwd?: string;
  env?: Record<string, string>;
  files?: Array<{ host: string; image: string }>;
  inject?: string[];
  trace?: boolean;
  machine?: Machine;
  kernelArgs?: string[];
  timeoutMs?: number;
  stdin?: ExecOptions['stdin'];
  memoryMiB?: number;
}

/** Runs `program` (a host path or a name on PATH) in the unikernel; output collected. */
export async function runInGuest(program: string, args: string[], o: GuestOptions = {}): Promise<GuestOutcome> {
  const r = await exec({
    program,
    args,
    ...(o.argv0 !== undefined ? { argv0: o.argv0 } : {}),
    env: o.env ?? GUEST_ENV,
    cwd: o.cwd ?? GUEST_WORKDIR,
    files: o.files ?? [],
    ...(o.inject ? { inject: o.inject } : {}),
    ...(o.trace ? { trace: true } : {}),
    ...(o.kernelArgs ? { kernelArgs: o.kernelArgs } : {}),
    machine: o.machine ?? 'microvm',
    accel: 'tcg',
    timeoutMs: o.timeoutMs ?? 120_000,
    ...(o.stdin !== undefined ? { stdin: o.stdin } : {}),
    ...(o.memoryMiB !== undefined ? { memoryMiB: o.memoryMiB } : {}),
    notes: sink(),
    dirs: [GUEST_WORKDIR],
  });
  return {
    status: r.status,
    stdout: r.vm.stdout.toString('utf8'),
    stderr: r.vm.stderr.toString('utf8'),
    log: r.vm.log,
    records: r.vm.records,
    unsupported: r.vm.unsupported,
    durationMs: r.vm.durationMs,
  };
}

/**
 * Runs `program` on the host in `cwd` with the same environment the guest gets (asynchronously:
 * a hanging program must not block the test worker). A timeout kills it and shows as status -1.
 */
export function runOnHost(
  program: string,
  args: string[],
  o: { argv0?: string; cwd: string; env?: Record<string, string>; input?: string; timeoutMs?: number },
): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      cwd: o.cwd,
      env: o.env ?? GUEST_ENV,
      stdio: [o.input !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      ...(o.argv0 !== undefined ? { argv0: o.argv0 } : {}),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    if (o.input !== undefined) child.stdin!.end(o.input);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, o.timeoutMs ?? 30_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // Like a shell (and like unipack): 128+N for a program killed by signal N.
      const status = timedOut ? -1 : (code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
      const stderr = Buffer.concat(err).toString('utf8') + (timedOut ? `\n[host run timed out after ${o.timeoutMs ?? 30_000} ms]` : '');
      resolve({ status, stdout: Buffer.concat(out).toString('utf8'), stderr });
    });
  });
}

/** Normalises modes under `dir` the way the image writer does (0755 dirs/executables, 0644 files). */
export function normaliseModes(dir: string): void {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.isSymbolicLink()) continue;
    chmodSync(p, normaliseMode(st.isDirectory() ? 'dir' : 'file', st.mode));
    if (st.isDirectory()) normaliseModes(p);
  }
}

/** What a failed comparison prints: both sides, and the guest's kernel log tail. */
export function explain(host: Outcome, guest: GuestOutcome): string {
  const tail = guest.log.split('\n').slice(-25).join('\n');
  return [
    `host status ${host.status}, guest status ${guest.status}`,
    `--- host stderr ---\n${host.stderr}`,
    `--- guest stderr ---\n${guest.stderr}`,
    `--- guest unsupported --- ${guest.unsupported.map((u) => `${u.syscall}×${u.count}`).join(', ')}`,
    `--- kernel log tail ---\n${tail}`,
  ].join('\n');
}
