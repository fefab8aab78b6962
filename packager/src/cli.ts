// The command line: flags → options object → API call. The only file that calls process.exit.
import { existsSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ErrorCode, UnipackError, formatBug, formatUserError, isUnipackError, unipackVersion } from './errors.js';

const HELP = `unipack — run unmodified Node.js apps as unikernels

Usage:
  unipack <dir> [options]         the same as unipack run <dir>
  unipack run [dir|image.tar|image dir] [options] [-- args]
                                  build the app's image (or take a built one), boot it in
                                  QEMU and exit with the app's status
  unipack build [dir] [-o out.tar|<image dir>] [--json]
                                  build the app's root filesystem image
  unipack exec [options] <program> [args...]
                                  pack one Linux ELF program (static or dynamic, found on
                                  PATH) with its libraries and run it in the unikernel
  unipack check [dir] [--json]    before building: report what will not work in the unikernel
                                  (child_process/cluster use, native addons with missing
                                  libraries or the wrong ABI, packages known to fail); exits
                                  1 when something will not work
  unipack inspect <file> [--json] show an ELF file's type, interpreter and the shared
                                  libraries it needs, resolved like ld.so does
  unipack --help | --version

The app's stdout and stderr are unipack's stdout and stderr, byte for byte; unipack's own
messages go to stderr. unipack exits with the app's status (128+N if it died of signal N, 70 on
a kernel panic). stdin is forwarded when it is a pipe or a file (or always with --stdin).

Options for run:
  -e, --env K=V          environment for the app (repeatable; over the manifest's env)
  --stdin                forward stdin even when it is a terminal
  --trace                log every system call (unipack.trace=syscalls); implies --verbose
  --profile              sample the CPU each tick; after the run, one line says how much went
                         to the app, to the kernel (its busiest functions) and to idle
  --inject SYSCALL:ERRNO make the kernel fail a call (e.g. openat:ENOENT), for tests
  --offline              use only the host's node or a cached runtime
  --kernel-only          boot the kernel without an image (kernel diagnostics)
  --kernel <path>        kernel ELF (default: $UNIPACK_KERNEL or kernel/build/kernel.elf)
  --kernel-args <text>   more kernel command line, e.g. "unipack.aslr=0"
  --machine <name>       microvm (default) or q35
  --memory <MiB>         guest memory (default max(256, 1.5 × image + 128))
  --accel <name>         tcg, kvm or auto (default auto, which is tcg for now)
  --timeout <seconds>    stop the VM after this long
  --inspect              start node with its inspector, forwarded to host port 9229, for
                         Chrome DevTools (chrome://inspect) or VS Code to attach
  --inspect-brk          the same, and wait for the debugger before the first line
  --inspect-port <n>     the host port for the inspector (default 9229)
  --netns <name>         start QEMU inside this network namespace (ip netns exec), where the
                         manifest's tap device lives
  -v, --verbose          show the kernel log on stderr
  -q, --quiet            no progress lines

Options for build:
  -o, --out <path>       a .tar: the root filesystem alone (default <dir>/.unipack/rootfs.tar);
                         any other path: an image directory with rootfs.tar, kernel.elf (a
                         copy of --kernel) and unipack.lock.json, which "unipack run <dir>" boots
  --kernel <path>        the kernel an image directory gets (default as for run)
  --keep-debug           pack node with its debug sections and symbol table (by default they
                         are stripped; the loaded bytes never change)
  --json                 print a JSON description of the image on stdout
  -e, --env K=V, --offline, -q   as for run

Options for exec (before the program):
  --files HOST:/PATH     add a host file or directory to the image (repeatable)
  --cwd <path>           working directory in the guest (created if missing; default /)
  -e, --env K=V          environment (default PATH and HOME only)
  --keep                 keep the image and kernel log, and say where
  --trace, --profile, --inject, --stdin, --kernel, --kernel-args, --machine, --memory,
  --accel, --timeout, --verbose   as for run

Environment:
  UNIPACK_KERNEL         use this kernel ELF instead of the built one
`;

const RUN_OPTIONS = {
  'kernel-only': { type: 'boolean' },
  kernel: { type: 'string' },
  'kernel-args': { type: 'string' },
  machine: { type: 'string' },
  memory: { type: 'string' },
  accel: { type: 'string' },
  timeout: { type: 'string' },
  env: { type: 'string', short: 'e', multiple: true },
  stdin: { type: 'boolean' },
  trace: { type: 'boolean' },
  profile: { type: 'boolean' },
  inject: { type: 'string', multiple: true },
  offline: { type: 'boolean' },
  netns: { type: 'string' },
  inspect: { type: 'boolean' },
  'inspect-brk': { type: 'boolean' },
  'inspect-port': { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} satisfies ParseArgsConfig['options'];

const BUILD_OPTIONS = {
  out: { type: 'string', short: 'o' },
  kernel: { type: 'string' },
  'keep-debug': { type: 'boolean' },
  json: { type: 'boolean' },
  env: { type: 'string', short: 'e', multiple: true },
  offline: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} satisfies ParseArgsConfig['options'];

const EXEC_OPTIONS = {
  files: { type: 'string', multiple: true },
  env: { type: 'string', short: 'e', multiple: true },
  cwd: { type: 'string' },
  trace: { type: 'boolean' },
  profile: { type: 'boolean' },
  inject: { type: 'string', multiple: true },
  stdin: { type: 'boolean' },
  keep: { type: 'boolean' },
  kernel: { type: 'string' },
  'kernel-args': { type: 'string' },
  machine: { type: 'string' },
  memory: { type: 'string' },
  accel: { type: 'string' },
  timeout: { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} satisfies ParseArgsConfig['options'];

const INIT_OPTIONS = {
  force: { type: 'boolean', short: 'f' },
  'dry-run': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} satisfies ParseArgsConfig['options'];

const CHECK_OPTIONS = {
  json: { type: 'boolean' },
  offline: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} satisfies ParseArgsConfig['options'];

const INSPECT_OPTIONS = {
  json: { type: 'boolean' },
  'library-path': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} satisfies ParseArgsConfig['options'];

function usage(message: string): UnipackError {
  return new UnipackError(ErrorCode.USAGE, message, { hint: 'see unipack --help' });
}

function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw usage((e as Error).message);
  }
}

/**
 * Splits `exec`'s arguments at the program: options before it are unipack's, everything from
 * the program on (or after `--`) belongs to the program, so `unipack exec ls -la` works.
 */
export function splitAtProgram(args: readonly string[], options: NonNullable<ParseArgsConfig['options']>): { ours: string[]; program: string[] } {
  const takesValue = new Set<string>();
  for (const [name, o] of Object.entries(options)) {
    if (o.type === 'string') {
      takesValue.add(`--${name}`);
      if (o.short) takesValue.add(`-${o.short}`);
    }
  }
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') return { ours: args.slice(0, i), program: args.slice(i + 1) };
    if (!a.startsWith('-') || a === '-') return { ours: args.slice(0, i), program: args.slice(i) };
    if (takesValue.has(a)) i++;
  }
  return { ours: [...args], program: [] };
}

/** `K=V` words (from -e) into an object. */
function envPairs(words: readonly string[] | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const w of words ?? []) {
    const eq = w.indexOf('=');
    if (eq <= 0) throw usage(`-e takes NAME=VALUE; got "${w}"`);
    env[w.slice(0, eq)] = w.slice(eq + 1);
  }
  return env;
}

/** `--files host:image` pairs (the image path after the last ':'; default the host path). */
function filePairs(words: readonly string[] | undefined): Array<{ host: string; image: string }> {
  return (words ?? []).map((w) => {
    const colon = w.lastIndexOf(':');
    if (colon < 0) return { host: w, image: w };
    const host = w.slice(0, colon);
    const image = w.slice(colon + 1);
    if (!host || !image.startsWith('/')) throw usage(`--files takes HOST:/IMAGE/PATH; got "${w}"`);
    return { host, image };
  });
}

function checkInject(values: readonly string[] | undefined): void {
  for (const i of values ?? []) {
    if (!/^[a-z0-9_]+:[A-Z0-9]+(:\d+)?$/.test(i)) throw usage(`--inject takes SYSCALL:ERRNO[:NTH], e.g. openat:ENOENT; got "${i}"`);
  }
}

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw usage(`--${flag} must be one of ${allowed.join(', ')}; got "${value}"`);
  }
  return value as T;
}

function positiveNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw usage(`--${flag} must be a positive number; got "${value}"`);
  return n;
}

const COMMANDS = new Set(['run', 'build', 'exec', 'inspect', 'init']);

/** Runs the CLI; returns the process exit code. */
export async function cli(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP);
    return command === undefined ? 1 : 0;
  }
  if (command === '--version' || command === '-V') {
    process.stdout.write(`${unipackVersion()}\n`);
    return 0;
  }
  // `unipack ./my-app [options]` = `unipack run ./my-app [options]` (an app directory, not a command)
  if (!COMMANDS.has(command) && !command.startsWith('-') && existsSync(command) && statSync(command).isDirectory()) {
    return cli(['run', ...argv]);
  }
  switch (command) {
    case 'run': {
      const dash = rest.indexOf('--');
      const appArgs = dash >= 0 ? rest.slice(dash + 1) : [];
      const { values, positionals } = parse(dash >= 0 ? rest.slice(0, dash) : rest, RUN_OPTIONS);
      if (values.help) {
        process.stdout.write(HELP);
        return 0;
      }
      if (positionals.length > 1) throw usage(`run takes one app directory or image; got ${positionals.join(' ')} (arguments for the app go after --)`);
      const memory = positiveNumber('memory', values.memory);
      const timeout = positiveNumber('timeout', values.timeout);
      const machine = oneOf('machine', values.machine, ['microvm', 'q35'] as const);
      const accel = oneOf('accel', values.accel, ['tcg', 'kvm', 'auto'] as const);
      const inspectPort = positiveNumber('inspect-port', values['inspect-port']);
      if (inspectPort !== undefined && (!Number.isInteger(inspectPort) || inspectPort > 65535)) throw usage(`--inspect-port must be a port (1..65535); got ${values['inspect-port']}`);
      checkInject(values.inject);
      const { run } = await import('./commands/run.js');
      const { createReporter } = await import('./reporter.js');
      const result = await run({
        ...(positionals[0] !== undefined ? { dir: positionals[0] } : {}),
        kernelOnly: values['kernel-only'] ?? false,
        ...(values.kernel !== undefined ? { kernel: values.kernel } : {}),
        ...(values['kernel-args'] !== undefined ? { kernelArgs: values['kernel-args'] } : {}),
        ...(machine ? { machine } : {}),
        ...(accel ? { accel } : {}),
        ...(memory ? { memoryMiB: Math.round(memory) } : {}),
        ...(timeout ? { timeoutMs: timeout * 1000 } : {}),
        ...(values.env ? { env: envPairs(values.env) } : {}),
        ...(appArgs.length ? { args: appArgs } : {}),
        trace: values.trace ?? false,
        ...(values.profile ? { profile: true } : {}),
        inject: values.inject ?? [],
        offline: values.offline ?? false,
        ...(values.netns !== undefined ? { netns: values.netns } : {}),
        ...(values.inspect || values['inspect-brk'] || values['inspect-port'] !== undefined
          ? { inspect: { port: inspectPort ?? 9229, ...(values['inspect-brk'] ? { brk: true } : {}) } }
          : {}),
        verbose: (values.verbose ?? false) || (values.trace ?? false),
        stdin: values.stdin ? 'inherit' : 'auto',
        killOnSignals: true,
        stdout: process.stdout,
        stderr: process.stderr,
        reporter: createReporter({ quiet: values.quiet ?? false }),
      });
      return result.status;
    }
    case 'build': {
      const { values, positionals } = parse(rest, BUILD_OPTIONS);
      if (values.help) {
        process.stdout.write(HELP);
        return 0;
      }
      if (positionals.length > 1) throw usage(`build takes one app directory; got ${positionals.join(' ')}`);
      const { buildCommand } = await import('./commands/build.js');
      await buildCommand({
        ...(positionals[0] !== undefined ? { dir: positionals[0] } : {}),
        ...(values.out !== undefined ? { out: values.out } : {}),
        ...(values.kernel !== undefined ? { kernel: values.kernel } : {}),
        ...(values['keep-debug'] ? { keepDebug: true } : {}),
        ...(values.env ? { env: envPairs(values.env) } : {}),
        offline: values.offline ?? false,
        json: values.json ?? false,
        quiet: values.quiet ?? false,
      });
      return 0;
    }
    case 'exec': {
      const split = splitAtProgram(rest, EXEC_OPTIONS);
      const { values } = parse(split.ours, EXEC_OPTIONS);
      if (values.help) {
        process.stdout.write(HELP);
        return 0;
      }
      if (split.program.length === 0) throw usage('exec needs a program: unipack exec <program> [args...]');
      const memory = positiveNumber('memory', values.memory);
      const timeout = positiveNumber('timeout', values.timeout);
      const machine = oneOf('machine', values.machine, ['microvm', 'q35'] as const);
      const accel = oneOf('accel', values.accel, ['tcg', 'kvm', 'auto'] as const);
      checkInject(values.inject);
      const env = values.env ? { ...(await import('./commands/exec.js')).DEFAULT_EXEC_ENV, ...envPairs(values.env) } : undefined;
      const { exec } = await import('./commands/exec.js');
      const { createReporter } = await import('./reporter.js');
      const [program, ...args] = split.program;
      const result = await exec({
        program: program!,
        args,
        ...(env ? { env } : {}),
        ...(values.cwd !== undefined ? { cwd: values.cwd } : {}),
        files: filePairs(values.files),
        trace: values.trace ?? false,
        ...(values.profile ? { profile: true } : {}),
        inject: values.inject ?? [],
        ...(values.kernel !== undefined ? { kernel: values.kernel } : {}),
        ...(values['kernel-args'] !== undefined ? { kernelArgs: values['kernel-args'].split(/\s+/).filter(Boolean) } : {}),
        ...(machine ? { machine } : {}),
        ...(accel ? { accel } : {}),
        ...(memory ? { memoryMiB: Math.round(memory) } : {}),
        ...(timeout ? { timeoutMs: timeout * 1000 } : {}),
        verbose: (values.verbose ?? false) || (values.trace ?? false),
        keep: values.keep ?? false,
        stdin: values.stdin ? 'inherit' : 'auto',
        killOnSignals: true,
        stdout: process.stdout,
        stderr: process.stderr,
        reporter: createReporter({ quiet: !(values.verbose ?? false) || (values.quiet ?? false) }),
      });
      return result.status;
    }
    case 'inspect': {
      const { values, positionals } = parse(rest, INSPECT_OPTIONS);
      if (values.help) {
        process.stdout.write(HELP);
        return 0;
      }
      if (positionals.length !== 1) throw usage('inspect takes exactly one file');
      const { imageTarOf, inspectImage, formatImageReport } = await import('./commands/inspect-image.js');
      if (imageTarOf(positionals[0]!)) {
        const report = await inspectImage(positionals[0]!);
        process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatImageReport(report));
        return 0;
      }
      const { inspect, formatInspect } = await import('./commands/inspect.js');
      const report = inspect({
        file: positionals[0]!,
        ...(values['library-path'] !== undefined ? { libraryPath: values['library-path'] } : {}),
      });
      process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatInspect(report));
      return 0;
    }
    case 'check': {
      const { values, positionals } = parse(rest, CHECK_OPTIONS);
      if (values.help) {
        process.stdout.write(HELP);
        return 0;
      }
      if (positionals.length > 1) throw usage(`check takes one app directory; got ${positionals.join(' ')}`);
      const { check, formatCheck } = await import('./commands/check.js');
      const report = await check({
        ...(positionals[0] !== undefined ? { dir: positionals[0] } : {}),
        offline: values.offline ?? false,
        onProgress: (m) => process.stderr.write(`unipack: ${m}\n`),
      });
      if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else process.stderr.write(formatCheck(report));
      return report.ok ? 0 : 1;
    }
    case 'init': {
      const { values, positionals } = parse(rest, INIT_OPTIONS);
      if (values.help) {
        process.stdout.write(HELP);
        return 0;
      }
      if (positionals.length > 1) throw usage(`init takes one app directory; got ${positionals.join(' ')}`);
      const { init } = await import('./commands/init.js');
      const r = init({ ...(positionals[0] !== undefined ? { dir: positionals[0] } : {}), force: values.force ?? false, dryRun: values['dry-run'] ?? false });
      if (values['dry-run']) process.stdout.write(r.text);
      else process.stderr.write(`✓ wrote ${r.file}\n`);
      for (const n of r.notes) process.stderr.write(`unipack: note: ${n}\n`);
      return 0;
    }
    default:
      throw usage(`unknown command "${command}"`);
  }
}

/** Like a shell: 128 + the number of the signal that stopped unipack (SIGINT 130, SIGTERM 143). */
function interruptedCode(e: UnipackError): number {
  const sig = (e as UnipackError & { hostSignal?: NodeJS.Signals }).hostSignal;
  return 128 + (sig ? (constants.signals[sig] ?? 2) : 2);
}

/** Entry point for bin/unipack.js: runs the CLI and exits with its code. */
export async function main(argv: string[]): Promise<never> {
  // A reader that went away (`unipack run app | head`): stop as a shell pipeline member does,
  // with 128 + SIGPIPE, not with a stack trace. QEMU goes with us (execa's cleanup).
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(141);
    throw e;
  });
  let code: number;
  try {
    code = await cli(argv);
  } catch (e) {
    if (isUnipackError(e)) {
      process.stderr.write(`${formatUserError(e)}\n`);
      code = e.code === ErrorCode.USAGE ? 2 : e.code === ErrorCode.INTERRUPTED ? interruptedCode(e) : 1;
    } else {
      process.stderr.write(`${formatBug(e, argv)}\n`);
      code = 1;
    }
  }
  process.exit(code);
}
