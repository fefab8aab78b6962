// Runs one guest in QEMU and turns what comes out into a result: the app's stdout (COM1) and
// stderr (COM2) streamed to callbacks, the kernel log (debugcon) kept, timestamped per line and
// parsed into records, and the app's exit status taken from the exit record, never from
// QEMU's exit code (which carries 8 bits and also means "QEMU failed").
import { existsSync, mkdirSync, createWriteStream, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { execa } from 'execa';
import { ErrorCode, UnipackError } from '../errors.js';
import {
  LineSplitter,
  exitCodeOf,
  outcome,
  parseRecord,
  unsupportedCalls,
  type KernelRecord,
  type UnsupportedCall,
} from './kernel-log.js';
import { probeAccel } from './accel-probe.js';
import { qemuArgs, type QemuArgsOptions } from './qemu-args.js';

export interface RunVmOptions extends QemuArgsOptions {
  /** Kill QEMU after this long and throw ERR_UNIPACK_TIMEOUT. */
  timeoutMs?: number;
  /** The guest's stdin (COM1 receive): 'ignore' (default), 'inherit', a stream, or data to send. */
  stdin?: 'ignore' | 'inherit' | Readable | { data: string | Uint8Array };
  /** The app's stdout; without it, stdout is collected into the result. */
  onStdout?: (chunk: Buffer) => void;
  /** The app's stderr; without it, stderr is collected into the result. */
  onStderr?: (chunk: Buffer) => void;
  /** Each kernel log line as it arrives, with ms since QEMU was started. */
  onLog?: (line: string, atMs: number) => void;
  /** Also write the kernel log to this file. */
  logFile?: string;
  /** Kill QEMU when the host process gets SIGINT/SIGTERM (the CLI sets this). */
  killOnSignals?: boolean;
  /** Stop QEMU when this aborts; its reason (a signal name) becomes the error's hostSignal. */
  abort?: AbortSignal;
  /** unipack's own one-line notes (e.g. why KVM is not used). */
  onNote?: (line: string) => void;
  /** A command QEMU runs under (e.g. `ip netns exec <ns>`): it must exec QEMU in place. */
  wrapper?: string[];
  /** The QEMU binary; default qemu-system-x86_64. */
  qemuBinary?: string;
}

export interface LogLine {
  text: string;
  /** ms since QEMU was started, when the line arrived on the host. */
  atMs: number;
}

export interface RunVmResult {
  /** The exit code for `unipack run`: the app's status, 128+signal, or 70 on a panic. */
  status: number;
  /** The signal that killed the app, from `unipack: signal sig=N`. */
  signal?: number;
  /** The panic record, when the kernel panicked. */
  panic?: KernelRecord;
  records: KernelRecord[];
  unsupported: UnsupportedCall[];
  /** The whole kernel log. */
  log: string;
  logLines: LogLine[];
  /** Collected only when no onStdout/onStderr callback was given. */
  stdout: Buffer;
  stderr: Buffer;
  qemuExitCode: number | undefined;
  qemuStderr: string;
  durationMs: number;
  args: string[];
}

/** A run that went wrong (no exit record, timeout, interrupted), with what was seen so far. */
export class VmError extends UnipackError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly result: Omit<RunVmResult, 'status'>,
    opts: { hint?: string; details?: string; hostSignal?: NodeJS.Signals } = {},
  ) {
    super(code, message, opts);
    if (opts.hostSignal) this.hostSignal = opts.hostSignal;
  }

  /** For ERR_UNIPACK_INTERRUPTED: the signal unipack itself received. */
  readonly hostSignal?: NodeJS.Signals;
}

/** The last `n` lines of a log, for error messages. */
export function logTail(log: string, n = 20): string {
  const lines = log.replace(/\n$/, '').split('\n');
  return lines.slice(-n).join('\n');
}

/**
 * 'auto' → KVM only when the cached probe says it works on this host (accel-probe.ts);
 * UNIPACK_ACCEL=tcg|kvm overrides. Everything else is passed through.
 */
async function chooseAccel(opts: RunVmOptions, binary: string): Promise<'tcg' | 'kvm'> {
  const env = process.env.UNIPACK_ACCEL;
  const want = opts.accel ?? 'auto';
  if (want !== 'auto') return want;
  if (env === 'tcg' || env === 'kvm') return env;
  const verdict = await probeAccel(opts.kernel, {
    bootKvm: async (timeoutMs) => {
      const r = await runVm({ kernel: opts.kernel, accel: 'kvm', cmdline: 'unipack.probe', timeoutMs, qemuBinary: binary }).catch(
        (e: Error) => ({ failed: e.message }),
      );
      if ('failed' in r) return { log: '', failed: String(r.failed) };
      return { log: r.log, ...(r.status !== undefined ? { status: r.status } : {}) };
    },
  });
  // Only where there is a /dev/kvm to be disappointed by: say once why it is not used.
  if (!verdict.kvm && verdict.reason !== 'no usable /dev/kvm' && !kvmNoteShown) {
    kvmNoteShown = true;
    opts.onNote?.(`unipack: using TCG, not KVM: ${verdict.reason} (cached; UNIPACK_ACCEL=kvm forces it)`);
  }
  return verdict.kvm ? 'kvm' : 'tcg';
}

let kvmNoteShown = false;

export async function runVm(opts: RunVmOptions): Promise<RunVmResult> {
  if (!existsSync(opts.kernel)) {
    throw new UnipackError(ErrorCode.KERNEL_MISSING, `kernel not found: ${opts.kernel}`, {
      hint: 'build it with `npm run build` (make -C kernel), or point UNIPACK_KERNEL at a kernel ELF',
    });
  }
  if (opts.initrd && !existsSync(opts.initrd)) {
    throw new UnipackError(ErrorCode.INITRD_MISSING, `initrd not found: ${opts.initrd}`);
  }
  const binary = opts.qemuBinary ?? 'qemu-system-x86_64';
  const args = qemuArgs({ ...opts, accel: await chooseAccel(opts, binary) });

  let logStream: WriteStream | undefined;
  if (opts.logFile) {
    mkdirSync(dirname(opts.logFile), { recursive: true });
    logStream = createWriteStream(opts.logFile);
  }

  const stdinOpt = opts.stdin ?? 'ignore';
  const feed = typeof stdinOpt === 'object' && 'data' in stdinOpt ? stdinOpt.data : undefined;
  // A stream without a file descriptor (a Transform) cannot be a child's stdio: pipe it in.
  const source = typeof stdinOpt === 'object' && !('data' in stdinOpt) ? stdinOpt : undefined;
  const start = performance.now();
  const wrapped = opts.wrapper?.length ? [...opts.wrapper.slice(1), binary, ...args] : args;
  const proc = execa(opts.wrapper?.length ? opts.wrapper[0]! : binary, wrapped, {
    stdio: [
      feed !== undefined || source ? 'pipe' : (stdinOpt as 'ignore' | 'inherit'),
      'pipe',
      'pipe',
      'pipe',
      'pipe',
    ],
    buffer: false,
    reject: false,
    stripFinalNewline: false,
    forceKillAfterDelay: 2000,
  });
  if (feed !== undefined) proc.stdin?.end(feed);
  if (source && proc.stdin) {
    // The guest may end before reading everything: a closed pipe is not an error.
    proc.stdin.on('error', () => {});
    source.pipe(proc.stdin);
  }

  const outChunks: Buffer[] = [];
  const errChunks: Buffer[] = [];
  const qemuErr: Buffer[] = [];
  const logChunks: string[] = [];
  const logLines: LogLine[] = [];
  const records: KernelRecord[] = [];
  const splitter = new LineSplitter((text) => {
    const atMs = performance.now() - start;
    logLines.push({ text, atMs });
    const r = parseRecord(text);
    if (r) records.push(r);
    opts.onLog?.(text, atMs);
  });

  const ended = (s: Readable | null | undefined) =>
    s && !s.closed ? new Promise<void>((res) => s.once('close', () => res())) : Promise.resolve();
  const com2 = proc.stdio[3] as Readable;
  const dbg = proc.stdio[4] as Readable;
  // Listen for the ends now: they may come before the process promise settles.
  const allEnded = Promise.all([ended(proc.stdout), ended(com2), ended(dbg), ended(proc.stderr)]);
  proc.stdout?.on('data', (b: Buffer) => (opts.onStdout ? opts.onStdout(b) : outChunks.push(b)));
  com2.on('data', (b: Buffer) => (opts.onStderr ? opts.onStderr(b) : errChunks.push(b)));
  proc.stderr?.on('data', (b: Buffer) => qemuErr.push(b));
  dbg.on('data', (b: Buffer) => {
    logChunks.push(b.toString('latin1'));
    logStream?.write(b);
    splitter.push(b);
  });

  let stopReason: 'timeout' | 'interrupted' | undefined;
  let stopSignal: NodeJS.Signals | undefined;
  const stop = (reason: 'timeout' | 'interrupted') => {
    stopReason ??= reason;
    proc.kill('SIGTERM');
  };
  const timer = opts.timeoutMs ? setTimeout(() => stop('timeout'), opts.timeoutMs) : undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    stopSignal = sig;
    stop('interrupted');
  };
  if (opts.killOnSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  const onAbort = () => onSignal((opts.abort?.reason as NodeJS.Signals | undefined) ?? 'SIGTERM');
  if (opts.abort?.aborted) onAbort();
  else opts.abort?.addEventListener('abort', onAbort, { once: true });

  let spawnError: unknown;
  let exitCode: number | undefined;
  try {
    const res = await proc;
    exitCode = res.exitCode;
    if (res.failed && (res as { code?: string }).code === 'ENOENT') spawnError = res;
    await allEnded;
  } finally {
    if (timer) clearTimeout(timer);
    if (opts.killOnSignals) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    opts.abort?.removeEventListener('abort', onAbort);
    splitter.end();
    if (logStream) await new Promise<void>((res) => logStream!.end(() => res()));
  }

  if (spawnError) {
    throw new UnipackError(ErrorCode.QEMU_MISSING, `${binary} not found`, {
      hint: 'install QEMU: apt-get install qemu-system-x86 (npm test does this through scripts/bootstrap.sh)',
    });
  }

  const log = logChunks.join('');
  const base = {
    records,
    unsupported: unsupportedCalls(records),
    log,
    logLines,
    stdout: Buffer.concat(outChunks),
    stderr: Buffer.concat(errChunks),
    qemuExitCode: exitCode,
    qemuStderr: Buffer.concat(qemuErr).toString('utf8'),
    durationMs: performance.now() - start,
    args,
  };

  if (stopReason === 'timeout') {
    throw new VmError(ErrorCode.TIMEOUT, `the VM did not finish within ${opts.timeoutMs} ms and was stopped`, base, {
      details: log ? `kernel log (last lines):\n${logTail(log)}` : 'the kernel printed nothing',
    });
  }
  if (stopReason === 'interrupted') {
    throw new VmError(ErrorCode.INTERRUPTED, `stopped by ${stopSignal ?? 'a signal'}`, base, stopSignal ? { hostSignal: stopSignal } : {});
  }

  const o = outcome(records);
  const status = exitCodeOf(o);
  if (status === undefined) {
    const qemuSays = base.qemuStderr.trim();
    throw new VmError(
      ErrorCode.QEMU_FAILED,
      `the VM stopped without an exit record (QEMU exit code ${exitCode ?? 'none'})`,
      base,
      {
        details: [
          qemuSays ? `QEMU said:\n${qemuSays}` : 'QEMU printed nothing on stderr',
          log ? `kernel log (last lines):\n${logTail(log)}` : 'the kernel printed nothing',
        ].join('\n'),
        hint: `QEMU command: ${binary} ${args.join(' ')}`,
      },
    );
  }
  return {
    ...base,
    status,
    ...(o.kind === 'signal' ? { signal: o.signal } : {}),
    ...(o.kind === 'panic' ? { panic: o.record } : {}),
  };
}
