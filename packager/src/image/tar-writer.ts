// Writes the root filesystem image: a deterministic POSIX (pax) tar. Entries are sorted, mtimes
// fixed, owners 0 with empty names, modes normalised, so the same inputs give the same bytes.
// Files that get mapped (ELF executables, shared libraries, .node addons: detected by the ELF
// magic) have their data start on a 4096-byte boundary of the archive, so the kernel can map
// their pages without copying; the padding is a pax `comment` record in the entry's own
// extended header, which every tar reader skips.
//
// Headers are written here rather than by the `tar` package: node-tar's Pack streams entries
// as it stats them and has no way to place an entry's data at a chosen offset.
import { closeSync, lstatSync, openSync, readSync, readdirSync, readlinkSync, writeSync } from 'node:fs';
import { join, posix } from 'node:path';
import { ErrorCode, UnipackError } from '../errors.js';
import { isElfBuffer } from '../elf/read.js';

export const BLOCK = 512;
export const PAGE = 4096;

export type ImageEntry =
  | {
      type: 'file';
      /** Path inside the image, '/'-separated; a leading '/' or './' is dropped. */
      path: string;
      /** A host file to copy, or the bytes themselves (generated files such as /etc/hosts). */
      source: string | Uint8Array;
      mode?: number;
      /** Page-align the data; default: the data starts with the ELF magic. */
      mapped?: boolean;
    }
  | { type: 'dir'; path: string; mode?: number }
  | { type: 'symlink'; path: string; target: string }
  | { type: 'hardlink'; path: string; /** Path inside the image of the file it links to. */ target: string };

export interface WrittenEntry {
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink';
  size: number;
  mode: number;
  /** Offset of the entry's first header block (its pax header when it has one). */
  headerOffset: number;
  /** Offset of the data (files only; for others, where data would start). */
  dataOffset: number;
  mapped: boolean;
  target?: string;
}

export interface WriteImageOptions {
  /** mtime of every entry, in seconds; default $SOURCE_DATE_EPOCH or 0. */
  mtime?: number;
}

export interface WriteImageResult {
  entries: WrittenEntry[];
  size: number;
}

/** Normalised mode: directories and executables 0755, other files 0644, symlinks 0777. */
export function normaliseMode(type: ImageEntry['type'], mode: number | undefined): number {
  if (type === 'symlink') return 0o777;
  if (type === 'dir') return 0o755;
  return mode !== undefined && (mode & 0o111) !== 0 ? 0o755 : 0o644;
}

/** The image path of an entry: no leading '/', './' or trailing '/', no '..'. */
export function normalisePath(p: string): string {
  const n = posix.normalize(`/${p}`).replace(/^\/+/, '').replace(/\/+$/, '');
  if (n === '' || n === '.' || p.split('/').includes('..')) {
    throw new UnipackError(ErrorCode.IMAGE_INVALID, `invalid path in image: "${p}"`);
  }
  return n;
}

/** Walks a host directory into entries under `prefix`; hard-linked files become hardlinks. */
export function entriesFromDir(hostDir: string, prefix: string): ImageEntry[] {
  const out: ImageEntry[] = [];
  const seen = new Map<string, string>();
  const walk = (host: string, inImage: string) => {
    for (const name of readdirSync(host).sort()) {
      const h = join(host, name);
      const p = `${inImage}/${name}`;
      const st = lstatSync(h);
      if (st.isDirectory()) {
        out.push({ type: 'dir', path: p, mode: st.mode });
        walk(h, p);
      } else if (st.isSymbolicLink()) {
        out.push({ type: 'symlink', path: p, target: readlinkSync(h) });
      } else if (st.isFile()) {
        const key = `${st.dev}:${st.ino}`;
        const first = st.nlink > 1 ? seen.get(key) : undefined;
        if (first) out.push({ type: 'hardlink', path: p, target: first });
        else {
          if (st.nlink > 1) seen.set(key, p);
          out.push({ type: 'file', path: p, source: h, mode: st.mode });
        }
      }
      // sockets, fifos and devices have no place in an image
    }
  };
  walk(hostDir, prefix.replace(/\/+$/, ''));
  return out;
}

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0');
}

/** One ustar header block. `name` and `linkname` must fit (callers use pax for longer ones). */
function ustarHeader(f: { name: string; mode: number; size: number; mtime: number; typeflag: string; linkname: string }): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(f.name, 0, 100, 'utf8');
  b.write(octal(f.mode, 8), 100, 'ascii');
  b.write(octal(0, 8), 108, 'ascii'); // uid
  b.write(octal(0, 8), 116, 'ascii'); // gid
  b.write(octal(f.size, 12), 124, 'ascii');
  b.write(octal(f.mtime, 12), 136, 'ascii');
  b.write('        ', 148, 'ascii'); // checksum placeholder
  b.write(f.typeflag, 156, 'ascii');
  b.write(f.linkname, 157, 100, 'utf8');
  b.write('ustar\u000000', 257, 'ascii'); // magic "ustar\0", version "00"
  // uname, gname, devmajor, devminor, prefix: empty
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(`${octal(sum, 7)}\u0000 `, 148, 'ascii');
  return b;
}

/** One pax record "<len> key=value\n", where len counts the whole record. */
export function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bodyLen = Buffer.byteLength(body);
  let len = bodyLen + 1;
  while (String(len).length + bodyLen !== len) len = String(len).length + bodyLen;
  return `${len}${body}`;
}

/** A comment record of exactly `total` bytes (total >= 12), used as padding. */
function paxPadding(total: number): string {
  const fixed = ` comment=\n`.length;
  for (let digits = 2; digits <= 6; digits++) {
    const fill = total - digits - fixed;
    if (fill >= 0 && String(total).length === digits) return `${total} comment=${'x'.repeat(fill)}\n`;
  }
  throw new Error(`pax padding of ${total} bytes`);
}

const MIN_PAD_RECORD = paxPadding(12).length; // "12 comment=\n"

function fits(s: string): boolean {
  return Buffer.byteLength(s) <= 100 && /^[\x20-\x7e]*$/.test(s);
}

interface Planned {
  entry: ImageEntry;
  path: string;
  mode: number;
  size: number;
  mapped: boolean;
}

/** Opens a file-entry's source and reports its size and whether it starts with the ELF magic. */
function probeFile(source: string | Uint8Array): { size: number; elf: boolean } {
  if (typeof source !== 'string') return { size: source.length, elf: isElfBuffer(source) };
  const st = lstatSync(source);
  if (!st.isFile()) throw new UnipackError(ErrorCode.IMAGE_INVALID, `not a regular file: ${source}`);
  const fd = openSync(source, 'r');
  try {
    const head = Buffer.alloc(4);
    const n = readSync(fd, head, 0, 4, 0);
    return { size: st.size, elf: n === 4 && isElfBuffer(head) };
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `entries` as a tar to `outPath`. Missing parent directories are added (0755); two
 * entries for one path are an error. Returns where each entry landed.
 */
export function writeImage(entries: readonly ImageEntry[], outPath: string, opts: WriteImageOptions = {}): WriteImageResult {
  const envEpoch = process.env.SOURCE_DATE_EPOCH;
  const mtime = opts.mtime ?? (envEpoch && /^\d+$/.test(envEpoch) ? Number(envEpoch) : 0);

  const byPath = new Map<string, Planned>();
  for (const entry of entries) {
    const path = normalisePath(entry.path);
    if (byPath.has(path)) throw new UnipackError(ErrorCode.IMAGE_INVALID, `two entries for /${path} in the image`);
    let size = 0;
    let mapped = false;
    if (entry.type === 'file') {
      const probe = probeFile(entry.source);
      size = probe.size;
      mapped = entry.mapped ?? probe.elf;
    }
    byPath.set(path, { entry, path, mode: normaliseMode(entry.type, 'mode' in entry ? entry.mode : undefined), size, mapped });
  }
  for (const path of [...byPath.keys()]) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      if (!byPath.has(parent)) byPath.set(parent, { entry: { type: 'dir', path: parent }, path: parent, mode: 0o755, size: 0, mapped: false });
    }
  }
  // Byte order of the UTF-8 path: stable across locales, and a parent sorts before its children.
  const planned = [...byPath.values()].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  // Hard links: in each group of paths naming one file, the first in archive order carries
  // the data and the others link to it (a reader must meet the data before the links).
  const groups = new Map<string, Planned[]>();
  for (const p of planned) {
    if (p.entry.type !== 'hardlink') continue;
    const t = byPath.get(normalisePath(p.entry.target));
    if (!t || t.entry.type !== 'file') {
      throw new UnipackError(ErrorCode.IMAGE_INVALID, `hard link /${p.path} points to /${p.entry.target}, which is not a file in the image`);
    }
    groups.set(t.path, [...(groups.get(t.path) ?? [t]), p]);
  }
  for (const [, members] of groups) {
    const data = members[0]!;
    const first = members.reduce((a, b) => (Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)) <= 0 ? a : b));
    if (first === data) continue;
    const fileEntry = data.entry as Extract<ImageEntry, { type: 'file' }>;
    first.entry = { ...fileEntry, path: first.path };
    first.size = data.size;
    first.mapped = data.mapped;
    first.mode = data.mode;
    for (const m of members) if (m !== first) {
      m.entry = { type: 'hardlink', path: m.path, target: first.path };
      m.size = 0;
      m.mapped = false;
    }
  }

  const fd = openSync(outPath, 'w');
  let offset = 0;
  const put = (b: Uint8Array) => {
    let done = 0;
    while (done < b.length) done += writeSync(fd, b, done, b.length - done);
    offset += b.length;
  };
  const zeroPad = (n: number) => {
    const rem = n % BLOCK;
    if (rem) put(Buffer.alloc(BLOCK - rem));
  };

  const written: WrittenEntry[] = [];
  try {
    for (const p of planned) {
      const e = p.entry;
      const typeflag = { file: '0', hardlink: '1', symlink: '2', dir: '5' }[e.type];
      const tarName = e.type === 'dir' ? `${p.path}/` : p.path;
      const linkname = e.type === 'symlink' ? e.target : e.type === 'hardlink' ? normalisePath(e.target) : '';

      let records = '';
      if (!fits(tarName)) records += paxRecord('path', tarName);
      if (!fits(linkname)) records += paxRecord('linkpath', linkname);
      if (p.size > 0o77777777777) records += paxRecord('size', String(p.size));

      const headerOffset = offset;
      if (p.mapped) {
        // Data lands at offset + pax header + pax data + ustar header; grow the pax data with a
        // comment record until that is page-aligned (pax data is a whole number of blocks).
        let paxData = records.length === 0 ? 0 : Math.ceil(Buffer.byteLength(records) / BLOCK) * BLOCK;
        const dataAt = (n: number) => offset + (n === 0 ? 0 : BLOCK + n) + BLOCK;
        while (dataAt(paxData) % PAGE !== 0 || (paxData > 0 && paxData - Buffer.byteLength(records) !== 0 && paxData - Buffer.byteLength(records) < MIN_PAD_RECORD)) {
          paxData += BLOCK;
        }
        const fill = paxData - Buffer.byteLength(records);
        if (fill > 0) records += paxPadding(fill);
      }
      if (records) {
        const body = Buffer.from(records, 'utf8');
        put(ustarHeader({ name: paxName(p.path), mode: 0o644, size: body.length, mtime, typeflag: 'x', linkname: '' }));
        put(body);
        zeroPad(body.length);
      }
      put(
        ustarHeader({
          name: fits(tarName) ? tarName : truncateUtf8(tarName, 100),
          mode: p.mode,
          size: e.type === 'file' ? Math.min(p.size, 0o77777777777) : 0,
          mtime,
          typeflag,
          linkname: fits(linkname) ? linkname : truncateUtf8(linkname, 100),
        }),
      );
      const dataOffset = offset;
      if (e.type === 'file') {
        copyData(e.source, p.size, put);
        zeroPad(p.size);
      }
      written.push({
        path: p.path,
        type: e.type,
        size: e.type === 'file' ? p.size : 0,
        mode: p.mode,
        headerOffset,
        dataOffset,
        mapped: p.mapped,
        ...(linkname ? { target: linkname } : {}),
      });
    }
    put(Buffer.alloc(2 * BLOCK)); // end-of-archive marker
  } finally {
    closeSync(fd);
  }
  return { entries: written, size: offset };
}

/** The name field of an entry's pax header, as GNU tar spells it ("PaxHeaders/<base>"). */
function paxName(path: string): string {
  const base = path.split('/').pop() ?? path;
  return truncateUtf8(`PaxHeaders/${base}`, 100);
}

function truncateUtf8(s: string, bytes: number): string {
  let out = '';
  for (const ch of s) {
    if (Buffer.byteLength(out + ch) > bytes) break;
    out += ch;
  }
  return out;
}

function copyData(source: string | Uint8Array, size: number, put: (b: Uint8Array) => void): void {
  if (typeof source !== 'string') {
    put(source);
    return;
  }
  const fd = openSync(source, 'r');
  try {
    const chunk = Buffer.alloc(1 << 20);
    let done = 0;
    while (done < size) {
      const n = readSync(fd, chunk, 0, Math.min(chunk.length, size - done), done);
      if (n === 0) throw new UnipackError(ErrorCode.IMAGE_INVALID, `${source} shrank while being written to the image`);
      put(chunk.subarray(0, n));
      done += n;
    }
  } finally {
    closeSync(fd);
  }
}
