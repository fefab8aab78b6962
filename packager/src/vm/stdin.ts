// The guest's stdin over COM1 (kernel `unipack.stdin=framed`): a serial line has no way to say
// "end of file", so the host escapes its bytes — 0xFF becomes 0xFF 0xFF — and ends the stream
// with 0xFF 0x00. `unipack.stdin=null` (the default) gives the app an immediate EOF instead.
import { fstatSync } from 'node:fs';
import { Transform, type Readable } from 'node:stream';

export const FRAME_ESCAPE = 0xff;
export const FRAME_EOF = Buffer.from([0xff, 0x00]);

/** Escapes one chunk (0xFF → 0xFF 0xFF). */
export function frameChunk(chunk: Uint8Array): Buffer {
  let extra = 0;
  for (const b of chunk) if (b === FRAME_ESCAPE) extra++;
  if (extra === 0) return Buffer.from(chunk);
  const out = Buffer.alloc(chunk.length + extra);
  let j = 0;
  for (const b of chunk) {
    out[j++] = b;
    if (b === FRAME_ESCAPE) out[j++] = FRAME_ESCAPE;
  }
  return out;
}

/** The whole framed stream for data known in advance. */
export function frameData(data: string | Uint8Array): Buffer {
  return Buffer.concat([frameChunk(typeof data === 'string' ? Buffer.from(data) : data), FRAME_EOF]);
}

/** A stream that frames what flows through it and adds the EOF mark at its end. */
export function framer(): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      cb(null, frameChunk(chunk));
    },
    flush(cb) {
      cb(null, FRAME_EOF);
    },
  });
}

/** Pipes `input` through a framer. */
export function framedStream(input: Readable): Readable {
  return input.pipe(framer());
}

/**
 * Whether this process's stdin can carry data for the app: a pipe, a file or a socket. A TTY is
 * not forwarded (the app would wait for a user who does not know it is reading), nor is a
 * character device such as /dev/null.
 */
export function stdinHasData(fd = 0): boolean {
  try {
    const st = fstatSync(fd);
    return st.isFIFO() || st.isFile() || st.isSocket();
  } catch {
    return false;
  }
}
