// Progress output on stderr. On a TTY each phase is one line rewritten in place (running →
// done); when piped or in CI each phase prints one plain line when it ends. stdout is never
// touched: it belongs to the app.
import type { Writable } from 'node:stream';

export interface Phase {
  /** Ends the phase: "✓ <label> <note> (1.2s)". */
  done(note?: string): void;
  /** Ends the phase as failed: "✗ <label> <note>". */
  fail(note?: string): void;
}

export interface Reporter {
  phase(label: string): Phase;
  /** One line of information ("unipack: …"). */
  info(message: string): void;
  /** The final line of a command ("✓ built … in 1.2s"). */
  summary(message: string): void;
}

export interface ReporterOptions {
  stream?: Writable & { isTTY?: boolean };
  /** Rewrite lines in place; default: stream is a TTY and CI is not set. */
  tty?: boolean;
  /** Print nothing but errors (used by --quiet and by --json callers). */
  quiet?: boolean;
}

export function createReporter(opts: ReporterOptions = {}): Reporter {
  const stream = opts.stream ?? process.stderr;
  const tty = opts.tty ?? (Boolean(stream.isTTY) && !process.env.CI);
  const quiet = opts.quiet ?? false;
  const write = (s: string) => {
    if (!quiet) stream.write(s);
  };

  return {
    phase(label) {
      const start = performance.now();
      if (tty) write(`… ${label}`);
      let ended = false;
      const end = (mark: string, note?: string) => {
        if (ended) return;
        ended = true;
        const secs = ((performance.now() - start) / 1000).toFixed(1);
        const text = `${mark} ${label}${note ? ` ${note}` : ''} (${secs}s)`;
        write(tty ? `\r\x1b[K${text}\n` : `${text}\n`);
      };
      return { done: (note) => end('✓', note), fail: (note) => end('✗', note) };
    },
    info(message) {
      write(`unipack: ${message}\n`);
    },
    summary(message) {
      write(`${message}\n`);
    },
  };
}
