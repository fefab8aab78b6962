// Reads what the packager needs from an ELF file without loading it whole (node is ~100 MB):
// class, byte order, machine, type, the interpreter (PT_INTERP) and the dynamic section's
// DT_NEEDED / DT_SONAME / DT_RPATH / DT_RUNPATH / DT_FLAGS_1, whose strings are found by
// mapping DT_STRTAB's address to a file offset through the PT_LOAD segments.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { ErrorCode, UnipackError } from '../errors.js';

export const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

export const ET = { NONE: 0, REL: 1, EXEC: 2, DYN: 3, CORE: 4 } as const;
export const EM = { X86: 3, X86_64: 62, AARCH64: 183 } as const;
const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const DT_NULL = 0;
const DT_NEEDED = 1;
const DT_STRTAB = 5;
const DT_STRSZ = 10;
const DT_SONAME = 14;
const DT_RPATH = 15;
const DT_RUNPATH = 29;
const DT_FLAGS_1 = 0x6ffffffb;
const DF_1_PIE = 0x08000000;

export type ElfType = 'relocatable' | 'executable' | 'shared' | 'core' | 'unknown';
/**
 * How the file is linked: 'dynamic' (has PT_INTERP), 'static' (neither PT_INTERP nor
 * PT_DYNAMIC), 'static-pie' (ET_DYN with PT_DYNAMIC, no PT_INTERP, DF_1_PIE: relocates
 * itself), 'library' (a shared object without interpreter), 'none' (relocatable, core).
 */
export type Linkage = 'dynamic' | 'static' | 'static-pie' | 'library' | 'none';

export interface Segment {
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
}

export interface ElfInfo {
  class: 32 | 64;
  endian: 'little' | 'big';
  machine: number;
  /** e_type as a word. */
  type: ElfType;
  /** e_type as the number. */
  etype: number;
  entry: number;
  /** True for ET_EXEC and for ET_DYN with PT_INTERP or DF_1_PIE (a PIE executable). */
  executable: boolean;
  linkage: Linkage;
  interpreter?: string;
  needed: string[];
  soname?: string;
  rpath: string[];
  runpath: string[];
  /** True when DT_RUNPATH is present (it disables DT_RPATH even when empty). */
  hasRunpath: boolean;
  flags1: number;
  segments: Segment[];
}

/** True when the first bytes are the ELF magic. */
export function isElfBuffer(head: Uint8Array): boolean {
  return head.length >= 4 && ELF_MAGIC.equals(Buffer.from(head.buffer, head.byteOffset, 4));
}

/** True when the file at `path` starts with the ELF magic (false for unreadable files). */
export function isElfFile(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const b = Buffer.alloc(4);
    return readSync(fd, b, 0, 4, 0) === 4 && isElfBuffer(b);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Random access to the bytes of a file or a buffer. */
interface Source {
  read(offset: number, length: number): Buffer;
  size: number;
  name: string;
}

function bufferSource(buf: Buffer, name: string): Source {
  return {
    name,
    size: buf.length,
    read: (off, len) => {
      if (off < 0 || off + len > buf.length) throw bad(name, `read past the end (offset ${off}, length ${len})`);
      return buf.subarray(off, off + len);
    },
  };
}

function bad(name: string, why: string): UnipackError {
  return new UnipackError(ErrorCode.ELF_INVALID, `${name}: not a valid ELF file: ${why}`);
}

/** Parses the ELF file at `path`. */
export function readElf(path: string): ElfInfo {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    return parse({
      name: path,
      size,
      read: (off, len) => {
        if (off < 0 || off + len > size) throw bad(path, `read past the end (offset ${off}, length ${len})`);
        const b = Buffer.alloc(len);
        let got = 0;
        while (got < len) {
          const n = readSync(fd, b, got, len - got, off + got);
          if (n === 0) throw bad(path, 'truncated');
          got += n;
        }
        return b;
      },
    });
  } finally {
    closeSync(fd);
  }
}

/** Parses an ELF image held in memory. */
export function parseElf(buf: Buffer, name = '<buffer>'): ElfInfo {
  return parse(bufferSource(buf, name));
}

function parse(src: Source): ElfInfo {
  if (src.size < 52) throw bad(src.name, 'too short');
  const ident = src.read(0, 16);
  if (!isElfBuffer(ident)) throw bad(src.name, 'no ELF magic');
  const cls = ident[4] === 1 ? 32 : ident[4] === 2 ? 64 : undefined;
  const endian = ident[5] === 1 ? 'little' : ident[5] === 2 ? 'big' : undefined;
  if (!cls) throw bad(src.name, `unknown class ${ident[4]}`);
  if (!endian) throw bad(src.name, `unknown data encoding ${ident[5]}`);
  const le = endian === 'little';
  const is64 = cls === 64;

  const hdr = src.read(0, is64 ? 64 : 52);
  const v = new DataView(hdr.buffer, hdr.byteOffset, hdr.byteLength);
  const u16 = (o: number) => v.getUint16(o, le);
  const u32 = (o: number) => v.getUint32(o, le);
  const addr = (o: number) => (is64 ? Number(v.getBigUint64(o, le)) : v.getUint32(o, le));

  const etype = u16(16);
  const machine = u16(18);
  const entry = addr(24);
  const phoff = addr(is64 ? 32 : 28);
  const phentsize = u16(is64 ? 54 : 42);
  const phnum = u16(is64 ? 56 : 44);
  if (phnum > 0 && phentsize < (is64 ? 56 : 32)) throw bad(src.name, `program header entry size ${phentsize}`);

  const segments: Segment[] = [];
  if (phnum > 0) {
    const ph = src.read(phoff, phnum * phentsize);
    const pv = new DataView(ph.buffer, ph.byteOffset, ph.byteLength);
    const a = (o: number) => (is64 ? Number(pv.getBigUint64(o, le)) : pv.getUint32(o, le));
    for (let i = 0; i < phnum; i++) {
      const b = i * phentsize;
      segments.push(
        is64
          ? { type: pv.getUint32(b, le), flags: pv.getUint32(b + 4, le), offset: a(b + 8), vaddr: a(b + 16), filesz: a(b + 32), memsz: a(b + 40) }
          : { type: pv.getUint32(b, le), offset: a(b + 4), vaddr: a(b + 8), filesz: a(b + 16), memsz: a(b + 20), flags: pv.getUint32(b + 24, le) },
      );
    }
  }

  const cstr = (b: Buffer, off: number) => {
    const end = b.indexOf(0, off);
    return b.toString('utf8', off, end < 0 ? b.length : end);
  };

  let interpreter: string | undefined;
  const interp = segments.find((s) => s.type === PT_INTERP);
  if (interp) interpreter = cstr(src.read(interp.offset, interp.filesz), 0);

  const needed: string[] = [];
  let soname: string | undefined;
  let rpath: string[] = [];
  let runpath: string[] = [];
  let hasRunpath = false;
  let flags1 = 0;
  const dyn = segments.find((s) => s.type === PT_DYNAMIC);
  if (dyn && dyn.filesz > 0) {
    const db = src.read(dyn.offset, dyn.filesz);
    const dv = new DataView(db.buffer, db.byteOffset, db.byteLength);
    const entSize = is64 ? 16 : 8;
    const tags: Array<[number, number]> = [];
    for (let o = 0; o + entSize <= db.length; o += entSize) {
      const tag = is64 ? Number(dv.getBigInt64(o, le)) : dv.getInt32(o, le);
      const val = is64 ? Number(dv.getBigUint64(o + 8, le)) : dv.getUint32(o + 4, le);
      if (tag === DT_NULL) break;
      tags.push([tag, val]);
    }
    const strtabAddr = tags.find(([t]) => t === DT_STRTAB)?.[1];
    const strsz = tags.find(([t]) => t === DT_STRSZ)?.[1] ?? 0;
    let strtab: Buffer | undefined;
    if (strtabAddr !== undefined) {
      const off = vaddrToOffset(segments, strtabAddr);
      if (off === undefined) throw bad(src.name, `DT_STRTAB 0x${strtabAddr.toString(16)} is in no PT_LOAD segment`);
      strtab = src.read(off, Math.min(strsz, src.size - off));
    }
    const str = (i: number) => {
      if (!strtab) throw bad(src.name, 'dynamic section without DT_STRTAB');
      if (i >= strtab.length) throw bad(src.name, `string index ${i} past DT_STRSZ`);
      return cstr(strtab, i);
    };
    const split = (s: string) => s.split(':');
    for (const [tag, val] of tags) {
      if (tag === DT_NEEDED) needed.push(str(val));
      else if (tag === DT_SONAME) soname = str(val);
      else if (tag === DT_RPATH) rpath = split(str(val));
      else if (tag === DT_RUNPATH) {
        runpath = split(str(val));
        hasRunpath = true;
      } else if (tag === DT_FLAGS_1) flags1 = val;
    }
  }

  const type: ElfType =
    etype === ET.REL ? 'relocatable' : etype === ET.EXEC ? 'executable' : etype === ET.DYN ? 'shared' : etype === ET.CORE ? 'core' : 'unknown';
  const pie = (flags1 & DF_1_PIE) !== 0;
  let linkage: Linkage;
  if (etype !== ET.EXEC && etype !== ET.DYN) linkage = 'none';
  else if (interpreter !== undefined) linkage = 'dynamic';
  else if (etype === ET.EXEC) linkage = dyn ? 'dynamic' : 'static';
  else linkage = pie ? 'static-pie' : 'library';
  const executable = etype === ET.EXEC || (etype === ET.DYN && (interpreter !== undefined || pie));

  return {
    class: cls,
    endian,
    machine,
    type,
    etype,
    entry,
    executable,
    linkage,
    ...(interpreter !== undefined ? { interpreter } : {}),
    needed,
    ...(soname !== undefined ? { soname } : {}),
    rpath,
    runpath,
    hasRunpath,
    flags1,
    segments,
  };
}

/** Maps a virtual address to its file offset through the PT_LOAD segments. */
export function vaddrToOffset(segments: readonly Segment[], vaddr: number): number | undefined {
  for (const s of segments) {
    if (s.type === PT_LOAD && vaddr >= s.vaddr && vaddr < s.vaddr + s.filesz) return s.offset + (vaddr - s.vaddr);
  }
  return undefined;
}
