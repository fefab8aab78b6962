// `unipack run [dir|image.tar|image dir]`: builds the app's image (build.ts; into
// <app>/.unipack/rootfs.tar) or takes a built one (an image directory boots with its own
// kernel.elf and the ports, machine and memory in its unipack.lock.json), boots it
// (boot-image.ts) and exits with the app's status. The app's stdout/stderr are ours byte for byte; stdin is forwarded (framed) when it is a pipe or a file;
// ports declared in the manifest are forwarded with QEMU user networking. --kernel-only boots
// the bare kernel without an image (kernel diagnostics).
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { bootImage, manifestNet, printRunNotes, type NetBackend, type PortForward, type StdinOption } from '../boot-image.js';
import { build, buildSummary, type BuildResult } from '../build.js';
import { ErrorCode, UnipackError } from '../errors.js';
import { KERNEL_FILE, ROOTFS_FILE, readImageDir } from '../image/lock.js';
import { defaultKernelPath } from '../paths.js';
import { createReporter, type Reporter } from '../reporter.js';
import { logTail, runVm, type RunVmResult } from '../vm/run-vm.js';
import { unsupportedSummary } from '../vm/kernel-log.js';
import type { Accel, Machine } from '../vm/qemu-args.js';

export interface RunOptions {
  /** The app directory (package.json beside it) or a built image (.tar); default the current directory. */
  dir?: string;
  /** Boot the kernel without an image. */
  kernelOnly?: boolean;
  /** Kernel ELF; default $UNIPACK_KERNEL or the built kernel/build/kernel.elf. */
  kernel?: string;
  /** Extra kernel command line (diagnostics such as unipack.trace=syscalls). */
  kernelArgs?: string;
  machine?: Machine;
  memoryMiB?: number;
  accel?: Accel;
  timeoutMs?: number;
  /** More environment for the app. */
  env?: Record<string, string>;
  /** Start node with its inspector on guest port 9229, forwarded from this host port (user
   * networking; on a tap network connect to the guest's address). `brk` waits for the debugger. */
  inspect?: { port: number; brk?: boolean };
  /** Run QEMU inside this network namespace (for a TAP device that lives there). */
  netns?: string;
  /** The NIC, over what the manifest or the image's lock says (API only). */
  network?: NetBackend;
  /** Arguments after the manifest's. */
  args?: string[];
  /** `unipack.trace=syscalls`. */
  trace?: boolean;
  /** `unipack.profile`: a line after the run says where the CPU was (app, kernel functions, idle). */
  profile?: boolean;
  inject?: string[];
  /** Only the host's node and cached runtimes. */
  offline?: boolean;
  /** Stream the kernel log to stderr. */
  verbose?: boolean;
  /** 'auto' forwards this process's stdin when it is a pipe or a file. */
  stdin?: StdinOption;
  /** Kill QEMU on SIGINT/SIGTERM (the CLI sets this). */
  killOnSignals?: boolean;
  /** When this aborts the app gets SIGTERM (then a hard stop after a grace period), as on Ctrl-C. */
  stop?: AbortSignal;
  reporter?: Reporter;
  /** Where the app's output goes; without them it is collected into the result's vm. */
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  /** unipack's notes after the run (log tail, unsupported calls); default process.stderr. */
  notes?: NodeJS.WritableStream;
}

export interface RunResult {
  /** What `unipack run` exits with: the app's status, 128+signal, 70 on a kernel panic. */
  status: number;
  vm: RunVmResult;
  runDir: string;
  build?: BuildResult;
}

const KEEP_RUNS = 10;

export async function run(opts: RunOptions = {}): Promise<RunResult> {
  const reporter = opts.reporter ?? createReporter();
  const notes = opts.notes ?? process.stderr;
  const target = resolve(opts.dir ?? '.');
  if (!existsSync(target)) throw new UnipackError(ErrorCode.APP_MISSING, `app directory not found: ${target}`);
  const imageLock = readImageDir(target);
  const isImage = statSync(target).isFile() || imageLock !== undefined;
  if (isImage && !imageLock && !target.endsWith('.tar')) {
    throw new UnipackError(ErrorCode.APP_MISSING, `${target} is neither an app directory nor an image (.tar)`);
  }
  if (opts.kernelOnly) return runKernelOnly(opts, isImage && !imageLock ? dirname(target) : target, reporter, notes);

  let image = imageLock ? join(target, ROOTFS_FILE) : target;
  // an image directory boots with its own kernel and the ports, machine and memory it was built with
  const kernel = opts.kernel ?? (imageLock ? join(target, KERNEL_FILE) : undefined);
  let built: BuildResult | undefined;
  let ports: PortForward[] = [];
  let network: NetBackend | undefined;
  let machine = opts.machine;
  let memoryMiB = opts.memoryMiB;
  let trace = opts.trace ?? false;
  const kernelArgs = opts.kernelArgs ? opts.kernelArgs.split(/\s+/).filter(Boolean) : [];
  if (imageLock) {
    ports = imageLock.ports ?? [];
    network = imageLock.network;
    machine ??= imageLock.machine;
    memoryMiB ??= imageLock.memoryMiB;
    kernelArgs.unshift(...(imageLock.kernelArgs ?? []));
  }
  if (isImage) {
    if (opts.inspect) {
      throw new UnipackError(ErrorCode.USAGE, '--inspect needs the app directory: the inspector is switched on in the image it builds', {
        hint: 'unipack run <app dir> --inspect',
      });
    }
    if ((opts.env && Object.keys(opts.env).length > 0) || (opts.args && opts.args.length > 0)) {
      throw new UnipackError(ErrorCode.USAGE, 'environment (-e) and arguments can only be given when building: the image holds them', {
        hint: 'unipack run <app dir> -e K=V -- args',
      });
    }
  } else {
    const env = opts.inspect ? { ...opts.env, NODE_OPTIONS: inspectOptions(opts.env?.NODE_OPTIONS, opts.inspect) } : opts.env;
    built = await build({
      dir: target,
      ...(env ? { env } : {}),
      ...(opts.args ? { args: opts.args } : {}),
      ...(opts.offline ? { offline: true } : {}),
      reporter,
    });
    reporter.summary(buildSummary(built));
    image = built.image;
    ports = built.manifest.ports;
    network = manifestNet(built.manifest);
    if (opts.inspect && network.mode === 'user') {
      if (ports.some((p) => p.proto === 'tcp' && p.host === opts.inspect!.port)) {
        throw new UnipackError(ErrorCode.USAGE, `--inspect: host port ${opts.inspect.port} is already forwarded to the app`, { hint: 'pick another with --inspect-port <n>' });
      }
      ports = [...ports, { host: opts.inspect.port, guest: INSPECT_PORT, proto: 'tcp' }];
    }
    if (opts.inspect) {
      const where = network.mode === 'tap' ? `the guest's address, port ${INSPECT_PORT}` : `127.0.0.1:${opts.inspect.port}`;
      notes.write(`unipack: node's inspector listens on ${where}${opts.inspect.brk ? ' and waits for a debugger' : ''}: open chrome://inspect (Configure… → add it) or attach VS Code ("type": "node", "request": "attach", "port": ${opts.inspect.port})\n`);
    }
    machine ??= built.manifest.machine;
    memoryMiB ??= built.manifest.memoryMiB;
    trace ||= built.manifest.kernel.trace === 'syscalls';
    kernelArgs.unshift(...built.manifest.kernel.args);
  }

  const runDir = newRunDir(isImage && !imageLock ? dirname(target) : target);
  const phase = reporter.phase(`boot ${machine ?? 'microvm'}`);
  const nic = opts.network ?? network;
  let vm: RunVmResult;
  try {
    vm = await bootImage({
      image,
      ...(kernel !== undefined ? { kernel } : {}),
      ...(machine ? { machine } : {}),
      ...(memoryMiB ? { memoryMiB } : {}),
      ...(opts.accel ? { accel: opts.accel } : {}),
      ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
      stdin: opts.stdin ?? 'ignore',
      trace,
      ...(opts.profile ? { profile: true } : {}),
      inject: opts.inject ?? [],
      kernelArgs,
      ports,
      ...(nic ? { network: nic } : {}),
      ...(opts.netns ? { netns: opts.netns } : {}),
      verbose: opts.verbose ?? false,
      logFile: join(runDir, 'kernel.log'),
      killOnSignals: opts.killOnSignals ?? false,
      ...(opts.stop ? { stop: opts.stop } : {}),
      ...(opts.stdout ? { stdout: opts.stdout } : {}),
      ...(opts.stderr ? { stderr: opts.stderr } : {}),
      notes,
      deferNotes: true,
    });
  } catch (e) {
    phase.fail();
    throw e;
  }
  phase.done(`→ ${describe(vm)}`);
  printRunNotes(vm, { notes, verbose: opts.verbose ?? false, logFile: join(runDir, 'kernel.log') });
  return { status: vm.status, vm, runDir, ...(built ? { build: built } : {}) };
}

/** The bare kernel, no image: kernel diagnostics (--kernel-args is its whole command line). */
async function runKernelOnly(opts: RunOptions, appDir: string, reporter: Reporter, notes: NodeJS.WritableStream): Promise<RunResult> {
  const runDir = newRunDir(appDir);
  const phase = reporter.phase(`boot ${opts.machine ?? 'microvm'}`);
  let vm: RunVmResult;
  try {
    vm = await runVm({
      kernel: opts.kernel ?? defaultKernelPath(),
      cmdline: opts.kernelArgs ?? '',
      machine: opts.machine ?? 'microvm',
      memoryMiB: opts.memoryMiB ?? 256,
      accel: opts.accel ?? 'auto',
      ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
      stdin: opts.stdin === 'auto' || opts.stdin === 'inherit' ? 'inherit' : 'ignore',
      killOnSignals: opts.killOnSignals ?? false,
      logFile: join(runDir, 'kernel.log'),
      ...(opts.stdout ? { onStdout: (b: Buffer) => opts.stdout!.write(b) } : {}),
      ...(opts.stderr ? { onStderr: (b: Buffer) => opts.stderr!.write(b) } : {}),
      ...(opts.verbose ? { onLog: (line: string) => notes.write(`${line}\n`) } : {}),
    });
  } catch (e) {
    phase.fail();
    throw e;
  }
  phase.done(`→ ${describe(vm)}`);
  printRunNotes(vm, { notes, verbose: opts.verbose ?? false, logFile: join(runDir, 'kernel.log') });
  return { status: vm.status, vm, runDir };
}

function describe(vm: RunVmResult): string {
  if (vm.panic) return `kernel panic (exit ${vm.status})`;
  if (vm.records.some((r) => r.event === 'oom')) return `out of memory, killed (exit ${vm.status})`;
  if (vm.signal !== undefined) return `killed by signal ${vm.signal} (exit ${vm.status})`;
  return `exit ${vm.status}`;
}

/** The inspector's port inside the guest. */
export const INSPECT_PORT = 9229;

/** NODE_OPTIONS with the inspector on all guest addresses (so the forward reaches it). */
function inspectOptions(existing: string | undefined, o: { brk?: boolean }): string {
  const flag = `--inspect${o.brk ? '-brk' : ''}=0.0.0.0:${INSPECT_PORT}`;
  return existing ? `${existing} ${flag}` : flag;
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
