// Boots a root filesystem image in QEMU for `unipack exec` and `unipack run`: the kernel command
// line from the options (stdin mode, trace, injected failures), memory sized to the image, port
// forwards, the app's output streamed or collected, the kernel log kept, and after the run the
// log tail (signal, panic) and the one-line unsupported-call summary on stderr.
import { statSync } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import type { ResolvedManifest } from './manifest/index.js';
import { parseRecord } from './vm/kernel-log.js';
import { memoryForImage } from './image/rootfs.js';
import { defaultKernelPath } from './paths.js';
import { logTail, runVm, type RunVmResult } from './vm/run-vm.js';
import { profileSummary, sockoptSummary, unsupportedSummary } from './vm/kernel-log.js';
import type { Accel, Machine } from './vm/qemu-args.js';
import { frameData, framedStream, stdinHasData } from './vm/stdin.js';

export interface PortForward {
  host: number;
  guest: number;
  proto: 'tcp' | 'udp';
}

/**
 * The app's stdin: 'ignore' (immediate EOF), 'auto' (this process's stdin when it is a pipe or
 * a file, else EOF), 'inherit' (always forward this process's stdin), a stream, or data.
 */
export type StdinOption = 'ignore' | 'auto' | 'inherit' | Readable | { data: string | Uint8Array };

export interface BootImageOptions {
  image: string;
  kernel?: string;
  machine?: Machine;
  /** Guest memory; default max(256, 1.5 × image + 128) MiB. */
  memoryMiB?: number;
  accel?: Accel;
  timeoutMs?: number;
  stdin?: StdinOption;
  /** `unipack.trace=syscalls`: every call in the kernel log. */
  trace?: boolean;
  /** `unipack.profile`: the kernel samples the CPU on each tick; a summary line after the run. */
  profile?: boolean;
  /** `unipack.inject=<syscall>:<errno>[:<nth>]` entries. */
  inject?: string[];
  /** Words appended to the kernel command line. */
  kernelArgs?: string[];
  ports?: PortForward[];
  /** The guest's NIC: user networking (with `ports`, the default), a host TAP device, or none. */
  network?: NetBackend;
  /** Run QEMU inside this network namespace (`ip netns exec`), where a TAP device lives. */
  netns?: string;
  /** Stream the kernel log to stderr. */
  verbose?: boolean;
  logFile?: string;
  /**
   * SIGINT/SIGTERM to this process go to the app as signals (framed stdin, 0xFF N), like a
   * shell's Ctrl-C; the VM is stopped if the app is still running GRACE_MS later, or at once on
   * a second signal. (The CLI sets this for run and exec.)
   */
  killOnSignals?: boolean;
  /** For API callers: when this aborts, the app gets SIGTERM, and the VM stops GRACE_MS later if it is still running. */
  stop?: AbortSignal;
  /** Where the app's output goes; without one it is collected into the result. */
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  /** unipack's own notes (log tail, unsupported summary); default process.stderr. */
  notes?: NodeJS.WritableStream;
  /** Leave the notes to the caller (printRunNotes), e.g. to print them after its own line. */
  deferNotes?: boolean;
}

/** The kernel command line for the options (host-side overrides and diagnostics only). */
export function kernelCmdline(o: Pick<BootImageOptions, 'trace' | 'profile' | 'inject' | 'kernelArgs'> & { stdinMode: 'null' | 'framed' }): string {
  const words: string[] = [];
  if (o.stdinMode !== 'null') words.push(`unipack.stdin=${o.stdinMode}`);
  if (o.trace) words.push('unipack.trace=syscalls');
  if (o.profile) words.push('unipack.profile');
  for (const i of o.inject ?? []) words.push(`unipack.inject=${i}`);
  words.push(...(o.kernelArgs ?? []));
  return words.join(' ');
}

/**
 * How the guest's virtio-net reaches the host. `user`: QEMU's user networking (NAT, DHCP, DNS
 * at 10.0.2.3), with `ports` forwarded; without ports and without an explicit `network` in the
 * manifest there is no NIC at all (nothing could reach the app, and boot skips DHCP). `tap`: a
 * TAP device that already exists on the host (or in `netns`); the guest is a real host on it.
 */
export type NetBackend =
  | { mode: 'user'; always?: boolean }
  | { mode: 'tap'; tap: string }
  | { mode: 'none' }
  /** Frames as UDP datagrams between QEMU (`local`, host:port) and another process (`remote`), e.g. a test's impairment relay. */
  | { mode: 'dgram'; local: string; remote: string };

/** The NIC a resolved manifest asks for: a `network` it declares gives user networking a NIC even without ports. */
export function manifestNet(m: Pick<ResolvedManifest, 'network' | 'sources'>): NetBackend {
  if (m.network.mode === 'tap') return { mode: 'tap', tap: m.network.tap! };
  if (m.network.mode === 'none') return { mode: 'none' };
  return m.sources.network && m.sources.network !== 'default' ? { mode: 'user', always: true } : { mode: 'user' };
}

/** QEMU flags for the guest's NIC (virtio-net on the machine's bus), or none. */
export function netArgs(machine: Machine, ports: readonly PortForward[], net: NetBackend = { mode: 'user' }): string[] {
  const device = ['-device', `${machine === 'q35' ? 'virtio-net-pci' : 'virtio-net-device'},netdev=net0`];
  switch (net.mode) {
    case 'none':
      return [];
    case 'tap':
      // script=no: the device is the user's, already up and addressed; QEMU only attaches.
      return ['-netdev', `tap,id=net0,ifname=${net.tap},script=no,downscript=no`, ...device];
    case 'dgram': {
      const [lh, lp] = net.local.split(':');
      const [rh, rp] = net.remote.split(':');
      return ['-netdev', `dgram,id=net0,local.type=inet,local.host=${lh},local.port=${lp},remote.type=inet,remote.host=${rh},remote.port=${rp}`, ...device];
    }
    case 'user': {
      if (ports.length === 0 && !net.always) return [];
      const fwd = ports.map((p) => `,hostfwd=${p.proto}::${p.host}-:${p.guest}`).join('');
      return ['-netdev', `user,id=net0${fwd}`, ...device];
    }
  }
}

/** How long an app has to end after a forwarded SIGINT/SIGTERM before the VM is stopped. */
export const GRACE_MS = 10_000;
const SIGNAL_NUMBER: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 };

function resolveStdin(s: StdinOption | undefined): { mode: 'null' | 'framed'; source?: Readable; input?: Readable } {
  if (s === undefined || s === 'ignore') return { mode: 'null' };
  if (s === 'auto' && !stdinHasData()) return { mode: 'null' };
  if (s === 'auto' || s === 'inherit') return { mode: 'framed', source: framedStream(process.stdin), input: process.stdin };
  if ('data' in s) return { mode: 'framed', source: Readable.from([frameData(s.data)]) };
  return { mode: 'framed', source: framedStream(s), input: s };
}

/** Kernel records after which COM1 is set up and input is no longer lost. */
const CONSOLE_READY = new Set(['ready', 'exec']);

export async function bootImage(o: BootImageOptions): Promise<RunVmResult> {
  const machine = o.machine ?? 'microvm';
  const notes = o.notes ?? process.stderr;
  const resolved = resolveStdin(o.stdin);
  const { source, input } = resolved;
  const forward = (o.killOnSignals ?? false) || o.stop !== undefined;
  // Forwarding signals needs the framed line even when the app gets no input: it then sees an
  // immediate end of file, and the line stays open for 0xFF N.
  const mode = forward ? 'framed' : resolved.mode;
  // Input is held back until the kernel has set up COM1.
  const gate = source || forward ? new PassThrough() : undefined;
  let opened = false;
  const pending: Buffer[] = [];
  const send = (b: Buffer) => (opened ? gate!.write(b) : pending.push(b));
  const onLog = (line: string) => {
    if (o.verbose) notes.write(`${line}\n`);
    if (gate && !opened && CONSOLE_READY.has(parseRecord(line)?.event ?? '')) {
      opened = true;
      if (source) source.pipe(gate, { end: !forward });
      else gate.write(Buffer.from([0xff, 0x00]));
      for (const b of pending.splice(0)) gate.write(b);
    }
  };
  const abort = new AbortController();
  let forwarded = 0;
  let grace: NodeJS.Timeout | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    const n = SIGNAL_NUMBER[sig];
    if (forwarded++ > 0 || !n) {
      abort.abort(sig);
      return;
    }
    send(Buffer.from([0xff, n]));
    grace = setTimeout(() => abort.abort(sig), GRACE_MS);
  };
  const onStop = () => onSignal('SIGTERM');
  if (o.stop?.aborted) onStop();
  else o.stop?.addEventListener('abort', onStop, { once: true });
  if (o.killOnSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  const vm = await runVm({
    kernel: o.kernel ?? defaultKernelPath(),
    initrd: o.image,
    cmdline: kernelCmdline({ ...o, stdinMode: mode }),
    machine,
    memoryMiB: memoryForImage(statSync(o.image).size, o.memoryMiB),
    accel: o.accel ?? 'auto',
    ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
    stdin: gate ?? 'ignore',
    abort: abort.signal,
    onNote: (line: string) => notes.write(`${line}\n`),
    ...(o.logFile ? { logFile: o.logFile } : {}),
    ...(o.stdout ? { onStdout: (b: Buffer) => o.stdout!.write(b) } : {}),
    ...(o.stderr ? { onStderr: (b: Buffer) => o.stderr!.write(b) } : {}),
    onLog,
    extraArgs: netArgs(machine, o.ports ?? [], o.network),
    ...(o.netns ? { wrapper: ['ip', 'netns', 'exec', o.netns] } : {}),
  }).finally(() => {
    o.stop?.removeEventListener('abort', onStop);
    if (o.killOnSignals) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    if (grace) clearTimeout(grace);
    gate?.end();
  });
  // The app is gone: stop reading the caller's stdin (it would keep an API caller's process alive).
  if (input) {
    input.unpipe();
    input.pause();
  }
  if (!o.deferNotes) printRunNotes(vm, { notes, verbose: o.verbose ?? false, ...(o.logFile ? { logFile: o.logFile } : {}) });
  return vm;
}

/**
 * What unipack says after a run, on stderr: the kernel log tail when the app died of a signal
 * or the kernel panicked (unless the log was streamed), and the unsupported-call summary line.
 */
export function printRunNotes(vm: RunVmResult, o: { notes?: NodeJS.WritableStream; verbose?: boolean; logFile?: string } = {}): void {
  const notes = o.notes ?? process.stderr;
  // A death by SIGINT or SIGTERM is what the user asked for (Ctrl-C, stop): no log tail, as a shell.
  const asked = vm.signal === 2 || vm.signal === 15;
  if ((vm.panic || (vm.signal !== undefined && !asked)) && !o.verbose) {
    notes.write(`unipack: kernel log (last lines${o.logFile ? `, full log in ${o.logFile}` : ''}):\n${logTail(vm.log)}\n`);
  }
  const oom = oomAdvice(vm);
  if (oom) notes.write(`${oom}\n`);
  const summary = unsupportedSummary(vm.records);
  if (summary) notes.write(`${summary}\n`);
  const opts = sockoptSummary(vm.records);
  if (opts) notes.write(`${opts}\n`);
  const profile = profileSummary(vm.records);
  if (profile) notes.write(`${profile}\n`);
}

/** The kernel's `oom` record as a sentence a user can act on. */
function oomAdvice(vm: RunVmResult): string | undefined {
  const r = vm.records.find((rec) => rec.event === 'oom');
  if (!r) return undefined;
  const mib = (k: string) => Math.round(Number(r.fields[k] ?? 0) / 1024);
  return `unipack: the app ran out of memory: it held ${mib('rss_kib')} MiB of the VM's ${mib('ram_kib')} MiB ` +
    `(the rest is the image and the kernel) and was killed like Linux's OOM killer does (SIGKILL, exit 137). ` +
    `Give it more with \`memory:\` in unipack.yaml or --memory <MiB>.`;
}

