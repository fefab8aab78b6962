// The kernel log as a machine-readable record (DESIGN.md "Boot contract"): lines
// `unipack: <event> key=value …` among free text. This module parses those lines and derives
// what the app's run ended with. It knows nothing about QEMU; the runner feeds it bytes.

export interface KernelRecord {
  /** The word after "unipack: " (boot, exit, signal, panic, oom, unsupported, ready, …). */
  event: string;
  /** key=value pairs; values may be double-quoted ("a b") with \" and \\ escapes. */
  fields: Record<string, string>;
  /** Words of the line that are not key=value (e.g. a panic message). */
  words: string[];
  /** The line as printed, without the newline. */
  raw: string;
}

export interface UnsupportedCall {
  syscall: string;
  nr: number;
  count: number;
}

/** How the guest's run ended, from the records alone. */
export type Outcome =
  | { kind: 'exit'; status: number }
  | { kind: 'signal'; signal: number; record: KernelRecord }
  | { kind: 'panic'; record: KernelRecord }
  | { kind: 'none' };

/** `unipack run` exits with this when the kernel panicked (sysexits.h EX_SOFTWARE). */
export const PANIC_EXIT_CODE = 70;

const RECORD = /^unipack: ([A-Za-z0-9_.-]+)(?:\s+(.*))?$/;
const TOKEN = /\s*(?:([A-Za-z0-9_.-]+)=("(?:[^"\\]|\\.)*"|\S*)|(\S+))/gy;

/** Parses one log line; undefined when it is not a record. */
export function parseRecord(line: string): KernelRecord | undefined {
  const raw = line.replace(/\r?\n$/, '').replace(/\r$/, '');
  const m = RECORD.exec(raw);
  if (!m) return undefined;
  const fields: Record<string, string> = {};
  const words: string[] = [];
  const rest = m[2] ?? '';
  TOKEN.lastIndex = 0;
  let t: RegExpExecArray | null;
  while (TOKEN.lastIndex < rest.length && (t = TOKEN.exec(rest))) {
    if (t[1] !== undefined) {
      const v = t[2] ?? '';
      fields[t[1]] = v.startsWith('"') && v.endsWith('"') && v.length >= 2 ? v.slice(1, -1).replace(/\\(.)/g, '$1') : v;
    } else if (t[3] !== undefined) {
      words.push(t[3]);
    }
  }
  return { event: m[1]!, fields, words, raw };
}

/** Parses a whole log; returns its records in order. */
export function parseRecords(log: string): KernelRecord[] {
  const out: KernelRecord[] = [];
  for (const line of log.split('\n')) {
    const r = parseRecord(line);
    if (r) out.push(r);
  }
  return out;
}

function int(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = v.startsWith('0x') ? Number.parseInt(v.slice(2), 16) : Number(v);
  return Number.isInteger(n) ? n : undefined;
}

/**
 * What the run ended with. A panic wins over anything before it (a panic while exiting is
 * still a kernel bug); otherwise the last exit or signal record counts.
 */
export function outcome(records: readonly KernelRecord[]): Outcome {
  const panic = records.find((r) => r.event === 'panic');
  if (panic) return { kind: 'panic', record: panic };
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i]!;
    if (r.event === 'exit') {
      const status = int(r.fields.status);
      if (status !== undefined) return { kind: 'exit', status };
    } else if (r.event === 'signal') {
      const signal = int(r.fields.sig);
      if (signal !== undefined) return { kind: 'signal', signal, record: r };
    }
  }
  return { kind: 'none' };
}

/** The exit code `unipack run` uses for an outcome, like a shell: status, 128+signal, 70 on panic. */
export function exitCodeOf(o: Outcome): number | undefined {
  switch (o.kind) {
    case 'exit':
      return o.status;
    case 'signal':
      return 128 + o.signal;
    case 'panic':
      return PANIC_EXIT_CODE;
    case 'none':
      return undefined;
  }
}

/** Unsupported calls, one per syscall name; the kernel refreshes counts, so the last line wins. */
export function unsupportedCalls(records: readonly KernelRecord[]): UnsupportedCall[] {
  const byName = new Map<string, UnsupportedCall>();
  for (const r of records) {
    if (r.event !== 'unsupported') continue;
    const syscall = r.fields.syscall ?? `nr${r.fields.nr ?? '?'}`;
    byName.set(syscall, { syscall, nr: int(r.fields.nr) ?? -1, count: int(r.fields.count) ?? 1 });
  }
  return [...byName.values()];
}

/** The one-line summary printed on stderr at exit, or undefined when the app made none. */
export function unsupportedSummary(records: readonly KernelRecord[]): string | undefined {
  const calls = unsupportedCalls(records);
  if (calls.length === 0) return undefined;
  const list = calls.map((c) => `${c.syscall}×${c.count}`).join(', ');
  return `unipack: the app made ${calls.length} unsupported system call${calls.length === 1 ? '' : 's'} (returned ENOSYS): ${list}`;
}

/** Socket options the kernel refused or accepted without effect (`sockopt` records), as one line. */
export function sockoptSummary(records: readonly KernelRecord[]): string | undefined {
  const opts = records.filter((r) => r.event === 'sockopt').map((r) => `${r.fields.name ?? '?'} (${r.fields.result === 'refused' ? 'refused: ENOPROTOOPT' : 'accepted, no effect'})`);
  if (opts.length === 0) return undefined;
  return `unipack: the app set socket options this kernel does not implement: ${opts.join(', ')}`;
}

/** Splits a byte stream into lines, calling back per complete line (the tail flushes at end). */
export class LineSplitter {
  private pending = '';
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });
  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Uint8Array): void {
    this.pending += this.decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = this.pending.indexOf('\n')) >= 0) {
      this.onLine(this.pending.slice(0, nl).replace(/\r$/, ''));
      this.pending = this.pending.slice(nl + 1);
    }
  }

  end(): void {
    this.pending += this.decoder.decode();
    if (this.pending) this.onLine(this.pending.replace(/\r$/, ''));
    this.pending = '';
  }
}

/** The kernel's `profile` record (unipack.profile) as one line: where the CPU was, by share. */
export function profileSummary(records: readonly KernelRecord[]): string | undefined {
  const r = records.find((rec) => rec.event === 'profile');
  if (!r) return undefined;
  const n = (k: string) => Number(r.fields[k] ?? 0);
  const total = n('samples');
  if (!total) return 'unipack: profile: no samples (the run was shorter than a tick)';
  const pct = (x: number) => `${((100 * x) / total).toFixed(1)} %`;
  const top = (r.fields.top ?? '').split(';').filter(Boolean).slice(0, 6).map((e) => {
    const i = e.lastIndexOf(' ');
    return `${e.slice(0, i)} ${pct(Number(e.slice(i + 1)))}`;
  });
  return `unipack: profile (${total} samples, 1 per ms of CPU): app ${pct(n('user'))}, kernel ${pct(n('kernel'))}` +
    `${top.length ? ` (${top.join(', ')})` : ''}, idle ${pct(n('idle'))}`;
}
