// `unipack exec <program> [args...]`: packs one host Linux ELF program (static or dynamic; found
// on PATH when it is a bare name) with its loader and libraries into a root filesystem and runs
// it in the unikernel: its stdout/stderr are ours, its exit status too (128+N after signal N).
// Nothing is cached: the image goes to a temporary directory that is removed afterwards.
import { accessSync, constants, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, isAbsolute, join, posix, resolve } from 'node:path';
import { bootImage, printRunNotes, type StdinOption } from '../boot-image.js';
import { ErrorCode, UnipackError } from '../errors.js';
import { buildRootfs, type RootfsResult } from '../image/rootfs.js';
import { entriesFromDir, type ImageEntry } from '../image/tar-writer.js';
import { createReporter, type Reporter } from '../reporter.js';
import type { RunVmResult } from '../vm/run-vm.js';
import type { Accel, Machine } from '../vm/qemu-args.js';

/** The environment a program gets in the guest unless told otherwise. */
export const DEFAULT_EXEC_ENV: Readonly<Record<string, string>> = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: '/root',
};

export interface ExecOptions {
  /** A path, or a name looked up on $PATH. */
  program: string;
  args?: string[];
  /** argv[0] as the program sees it; default: `program` as given (like a shell). */
  argv0?: string;
  /** Environment in the guest; default DEFAULT_EXEC_ENV. */
  env?: Record<string, string>;
  /** Working directory in the guest (must exist in the image); default '/'. */
  cwd?: string;
  /** Host files or directories to add: host path → image path. */
  files?: Array<{ host: string; image: string }>;
  /** Empty directories to create in the image (e.g. a working directory). */
  dirs?: string[];
  hostname?: string;
  kernel?: string;
  kernelArgs?: string[];
  machine?: Machine;
  memoryMiB?: number;
  accel?: Accel;
  timeoutMs?: number;
  stdin?: StdinOption;
  trace?: boolean;
  /** `unipack.profile` (see run). */
  profile?: boolean;
  inject?: string[];
  verbose?: boolean;
  /** Keep the work directory (image, kernel log) and report where it is. */
  keep?: boolean;
  /** Work directory to use (kept); default a fresh temporary one. */
  workDir?: string;
  killOnSignals?: boolean;
  reporter?: Reporter;
  /** The program's output; without them it is collected into the result. */
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  /** unipack's notes after the run (log tail, unsupported calls); default process.stderr. */
  notes?: NodeJS.WritableStream;
}

export interface ExecResult {
  status: number;
  vm: RunVmResult;
  image: RootfsResult;
  /** The host path of the program that was packed. */
  program: string;
  workDir?: string;
}

/** Finds a program like execvp: a name with a '/' is a path, others are looked up on PATH. */
export function findProgram(name: string, pathEnv = process.env.PATH ?? ''): string {
  if (name.includes('/')) {
    const p = resolve(name);
    if (!existsSync(p)) throw new UnipackError(ErrorCode.APP_MISSING, `program not found: ${p}`);
    return p;
  }
  for (const dir of pathEnv.split(delimiter).filter(Boolean)) {
    const p = join(dir, name);
    try {
      if (statSync(p).isFile()) {
        accessSync(p, constants.X_OK);
        return isAbsolute(p) ? p : resolve(p);
      }
    } catch {
      // not here
    }
  }
  throw new UnipackError(ErrorCode.APP_MISSING, `program "${name}" not found on PATH`, { hint: 'give its path, e.g. ./prog' });
}

/** Directories the kernel mounts over the image (tmpfs, devfs, procfs): nothing packed there is seen. */
export const SHADOWED_DIRS = ['/tmp', '/dev', '/proc'];

/** Where a program goes in the image: its own path, unless the kernel mounts over that. */
export function imagePathFor(program: string): string {
  const shadowed = SHADOWED_DIRS.some((d) => program === d || program.startsWith(`${d}/`));
  return shadowed ? posix.join('/usr/local/bin', basename(program)) : program;
}

/** `--files host:image` entries: a directory is added recursively, a file as it is. */
export function fileEntries(files: ReadonlyArray<{ host: string; image: string }>): ImageEntry[] {
  const out: ImageEntry[] = [];
  for (const f of files) {
    const host = resolve(f.host);
    if (!existsSync(host)) throw new UnipackError(ErrorCode.APP_MISSING, `--files: ${host} not found`);
    const image = posix.normalize(`/${f.image}`);
    const under = SHADOWED_DIRS.find((d) => image === d || image.startsWith(`${d}/`));
    if (under) {
      throw new UnipackError(ErrorCode.USAGE, `--files: ${image} is under ${under}, which the kernel mounts over: the file would not be seen`, {
        hint: 'put it elsewhere, e.g. --files host:/data/…',
      });
    }
    const st = statSync(host);
    if (st.isDirectory()) out.push({ type: 'dir', path: image, mode: st.mode }, ...entriesFromDir(host, image));
    else out.push({ type: 'file', path: image, source: host, mode: st.mode });
  }
  return out;
}

export async function exec(opts: ExecOptions): Promise<ExecResult> {
  const reporter = opts.reporter ?? createReporter({ quiet: true });
  const program = findProgram(opts.program);
  const imagePath = imagePathFor(program);
  const workDir = opts.workDir ?? mkdtempSync(join(tmpdir(), 'unipack-exec-'));
  const keep = opts.keep || opts.workDir !== undefined;
  try {
    const pack = reporter.phase(`pack ${program}`);
    let image: RootfsResult;
    try {
      image = buildRootfs({
        programs: [{ host: program, image: imagePath }],
        entries: fileEntries(opts.files ?? []),
        dirs: [...(opts.dirs ?? []), ...(opts.cwd !== undefined ? [opts.cwd] : [])],
        boot: {
          argv: [opts.argv0 ?? opts.program, ...(opts.args ?? [])],
          exe: imagePath,
          env: opts.env ?? { ...DEFAULT_EXEC_ENV },
          cwd: opts.cwd ?? '/',
          ...(opts.hostname !== undefined ? { hostname: opts.hostname } : {}),
        },
        out: join(workDir, 'rootfs.tar'),
      });
    } catch (e) {
      pack.fail();
      throw e;
    }
    pack.done(`(${image.libraries.length} libraries, ${(image.size / 1048576).toFixed(1)} MiB)`);

    const phase = reporter.phase(`boot ${opts.machine ?? 'microvm'}`);
    let vm: RunVmResult;
    try {
      vm = await bootImage({
        image: image.out,
        ...(opts.kernel !== undefined ? { kernel: opts.kernel } : {}),
        ...(opts.machine !== undefined ? { machine: opts.machine } : {}),
        ...(opts.memoryMiB !== undefined ? { memoryMiB: opts.memoryMiB } : {}),
        ...(opts.accel !== undefined ? { accel: opts.accel } : {}),
        ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
        stdin: opts.stdin ?? 'ignore',
        trace: opts.trace ?? false,
        ...(opts.profile ? { profile: true } : {}),
        inject: opts.inject ?? [],
        kernelArgs: opts.kernelArgs ?? [],
        verbose: opts.verbose ?? false,
        logFile: join(workDir, 'kernel.log'),
        killOnSignals: opts.killOnSignals ?? false,
        ...(opts.stdout ? { stdout: opts.stdout } : {}),
        ...(opts.stderr ? { stderr: opts.stderr } : {}),
        ...(opts.notes ? { notes: opts.notes } : {}),
        deferNotes: true,
      });
    } catch (e) {
      phase.fail();
      throw e;
    }
    phase.done(`→ exit ${vm.status}`);
    printRunNotes(vm, { ...(opts.notes ? { notes: opts.notes } : {}), verbose: opts.verbose ?? false, ...(keep ? { logFile: join(workDir, 'kernel.log') } : {}) });
    if (keep) reporter.info(`kept ${workDir} (rootfs.tar, kernel.log)`);
    return { status: vm.status, vm, image, program, ...(keep ? { workDir } : {}) };
  } finally {
    if (!keep) rmSync(workDir, { recursive: true, force: true });
  }
}
