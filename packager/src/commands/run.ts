// `unipack run [dir]`: boot an app as a unikernel and exit with its status. Image building is
// not there yet, so today this boots the bare kernel (what --kernel-only asks for) with the
// given kernel command line; the app directory is only checked to exist.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ErrorCode, UnipackError } from '../errors.js';
import { defaultKernelPath } from '../paths.js';
import { createReporter, type Reporter } from '../reporter.js';
import { logTail, runVm, type RunVmResult } from '../vm/run-vm.js';
import { unsupportedSummary } from '../vm/kernel-log.js';
import type { Accel, Machine } from '../vm/qemu-args.js';

export interface RunOptions {
  /** The app directory (package.json beside it); default the current directory. */
  dir?: string;
  /** Boot the kernel without an image. Forced on until image building exists. */
  kernelOnly?: boolean;
  /** Kernel ELF; default $UNIPACK_KERNEL or the built kernel/build/kernel.elf. */
  kernel?: string;
  /** Extra kernel command line (diagnostics such as unipack.trace=syscalls). */
  kernelArgs?: string;
  machine?: Machine;
  memoryMiB?: number;
  accel?: Accel;
  timeoutMs?: number;
  /** Stream the kernel log to stderr. */
  verbose?: boolean;
  stdin?: 'ignore' | 'inherit';
  /** Kill QEMU on SIGINT/SIGTERM (the CLI sets this). */
  killOnSignals?: boolean;
  reporter?: Reporter;
  /** Where the app's output goes; default this process's stdout/stderr. */
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

export interface RunResult {
  /** What `unipack run` exits with: the app's status, 128+signal, 70 on a kernel panic. */
  status: number;
  vm: RunVmResult;
  runDir: string;
}

const KEEP_RUNS = 10;

export async function run(opts: RunOptions = {}): Promise<RunResult> {
  const reporter = opts.reporter ?? createReporter();
  const stdout = opts.stdout ?? process.stdout;
  const stderr = opts.stderr ?? process.stderr;
  const appDir = resolve(opts.dir ?? '.');
  if (!existsSync(appDir) || !statSync(appDir).isDirectory()) {
    throw new UnipackError(ErrorCode.APP_MISSING, `app directory not found: ${appDir}`);
  }
  if (!opts.kernelOnly) {
    reporter.info('building images is not implemented yet: booting the bare kernel (as with --kernel-only)');
  }

  const runDir = newRunDir(appDir);
  const kernel = opts.kernel ?? defaultKernelPath();
  const phase = reporter.phase(`boot ${opts.machine ?? 'microvm'}`);
  let vm: RunVmResult;
  try {
    vm = await runVm({
      kernel,
      cmdline: opts.kernelArgs ?? '',
      machine: opts.machine ?? 'microvm',
      memoryMiB: opts.memoryMiB ?? 256,
      accel: opts.accel ?? 'auto',
      ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
      stdin: opts.stdin ?? 'ignore',
      killOnSignals: opts.killOnSignals ?? false,
      logFile: join(runDir, 'kernel.log'),
      onStdout: (b) => stdout.write(b),
      onStderr: (b) => stderr.write(b),
      ...(opts.verbose ? { onLog: (line: string) => stderr.write(`${line}\n`) } : {}),
    });
  } catch (e) {
    phase.fail();
    throw e;
  }
  phase.done(`→ ${describe(vm)}`);
  if ((vm.panic || vm.signal !== undefined) && !opts.verbose) {
    stderr.write(`unipack: kernel log (last lines, full log in ${join(runDir, 'kernel.log')}):\n${logTail(vm.log)}\n`);
  }
  const summary = unsupportedSummary(vm.records);
  if (summary) stderr.write(`${summary}\n`);
  return { status: vm.status, vm, runDir };
}

function describe(vm: RunVmResult): string {
  if (vm.panic) return `kernel panic (exit ${vm.status})`;
  if (vm.signal !== undefined) return `killed by signal ${vm.signal} (exit ${vm.status})`;
  return `exit ${vm.status}`;
}

/** A fresh `.unipack/runs/<id>/` in the app directory; only the newest runs are kept. */
function newRunDir(appDir: string): string {
  const runs = join(appDir, '.unipack', 'runs');
  mkdirSync(runs, { recursive: true });
  const old = readdirSync(runs).sort();
  for (const name of old.slice(0, Math.max(0, old.length - (KEEP_RUNS - 1)))) {
    rmSync(join(runs, name), { recursive: true, force: true });
  }
  const id = `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`;
  const dir = join(runs, id);
  mkdirSync(dir, { recursive: true });
  return dir;
}
