// The runtime binary without its non-loaded sections (.comment, .debug_*, .symtab, .strtab):
// they are never mapped, so the guest does not need them, and they are a good part of node's
// size. `objcopy --strip-all` is not used: it lays the file out again (node's PT_LOAD offsets
// move by a page), so the file would not be the same bytes at the same offsets. Instead the
// file is truncated where the last segment ends: every byte before that stays where it is,
// the section headers of the SHF_ALLOC sections are kept (readelf, gdb and perf still see
// .text, .dynsym, …) with a copy of .shstrtab after them. The only bytes that change inside a
// PT_LOAD segment are the ELF header's e_shoff, e_shnum and e_shstrndx, which describe the file's
// section table and are never used to load or run it. loadedDifference() proves that of the
// result before it is used; anything unexpected (sections out of order, a non-allocated section
// inside a segment, not ELF64 LE) packs the binary as it is. Results are cached by sha256.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseElf } from './read.js';

const PT_LOAD = 1;
const SHF_ALLOC = 0x2;
const SHT_NOBITS = 8;
/** ELF64 header bytes that describe the section table: e_shoff (40..48), e_shnum and e_shstrndx (60..64). */
export const SECTION_TABLE_FIELDS: ReadonlyArray<readonly [number, number]> = [
  [40, 48],
  [60, 64],
];

/** `buf`'s bytes [start, end) with the section-table fields of the ELF header zeroed. */
function masked(buf: Buffer, start: number, end: number): Buffer {
  const b = Buffer.from(buf.subarray(start, end));
  for (const [from, to] of SECTION_TABLE_FIELDS) {
    for (let i = Math.max(from, start); i < Math.min(to, end); i++) b[i - start] = 0;
  }
  return b;
}

/**
 * Why the two ELF files would not load the same, or undefined when they would: type, machine
 * and entry equal, the program header table identical byte for byte at the same offset, and every
 * PT_LOAD segment's file bytes identical (apart from the ELF header's section-table fields).
 */
export function loadedDifference(before: Buffer, after: Buffer): string | undefined {
  let a, b;
  try {
    a = parseElf(before, 'before');
    b = parseElf(after, 'after');
  } catch (e) {
    return `not a readable ELF: ${(e as Error).message}`;
  }
  if (a.class !== 64 || a.endian !== 'little') return 'only 64-bit little-endian ELF is compared';
  if (!masked(before, 0, 64).equals(masked(after, 0, 64))) return 'ELF header differs';
  // the program header table itself, byte for byte (p_align and p_paddr included), at the same place
  const table = (buf: Buffer) => {
    const phoff = Number(buf.readBigUInt64LE(32));
    return { phoff, bytes: buf.subarray(phoff, phoff + buf.readUInt16LE(54) * buf.readUInt16LE(56)) };
  };
  const ta = table(before);
  const tb = table(after);
  if (ta.phoff !== tb.phoff || !ta.bytes.equals(tb.bytes)) return 'program header table differs';
  if (a.segments.length !== b.segments.length) return `${a.segments.length} program headers before, ${b.segments.length} after`;
  for (let i = 0; i < a.segments.length; i++) {
    const s = a.segments[i]!;
    if (s.type !== PT_LOAD) continue;
    const end = s.offset + s.filesz;
    if (end > before.length || end > after.length) return `PT_LOAD ${i} runs past the end of the file`;
    if (!masked(before, s.offset, end).equals(masked(after, s.offset, end))) return `PT_LOAD ${i} (vaddr 0x${s.vaddr.toString(16)}) bytes differ`;
  }
  return undefined;
}

/** The ELF without its non-allocated sections (see the top of the file), or why not. */
export function truncateNonLoaded(buf: Buffer): Buffer | string {
  if (buf.length < 64 || buf.readUInt32BE(0) !== 0x7f454c46 || buf[4] !== 2 || buf[5] !== 1) return 'not a 64-bit little-endian ELF';
  const elf = parseElf(buf);
  const shoff = Number(buf.readBigUInt64LE(40));
  const shentsize = buf.readUInt16LE(58);
  const shnum = buf.readUInt16LE(60);
  const shstrndx = buf.readUInt16LE(62);
  if (shoff === 0 || shnum === 0 || shentsize !== 64 || shoff + shnum * 64 > buf.length) return 'no usable section header table';
  const end = Math.max(...elf.segments.filter((s) => s.filesz > 0).map((s) => s.offset + s.filesz), 64);
  const sh = (i: number) => {
    const o = shoff + i * 64;
    return { o, type: buf.readUInt32LE(o + 4), flags: Number(buf.readBigUInt64LE(o + 8)), offset: Number(buf.readBigUInt64LE(o + 24)), size: Number(buf.readBigUInt64LE(o + 32)) };
  };
  let keep = 1;
  while (keep < shnum && (sh(keep).flags & SHF_ALLOC) !== 0) keep++;
  for (let i = 1; i < shnum; i++) {
    const s = sh(i);
    if (i < keep && s.type !== SHT_NOBITS && s.offset + s.size > end) return `allocated section ${i} lies past the last segment`;
    if (i >= keep && (s.flags & SHF_ALLOC) !== 0) return `allocated section ${i} comes after a non-allocated one`;
    if (i >= keep && s.type !== SHT_NOBITS && s.size > 0 && s.offset < end) return `non-allocated section ${i} lies inside the segments`;
  }
  if (keep >= shnum) return 'nothing to strip';
  if (shstrndx < keep || shstrndx >= shnum) return 'no .shstrtab among the stripped sections';
  const str = sh(shstrndx);
  const strAt = end;
  const tableAt = Math.ceil((strAt + str.size) / 8) * 8;
  const out = Buffer.alloc(tableAt + (keep + 1) * 64);
  buf.copy(out, 0, 0, end);
  buf.copy(out, strAt, str.offset, str.offset + str.size);
  buf.copy(out, tableAt, shoff, shoff + keep * 64);
  buf.copy(out, tableAt + keep * 64, str.o, str.o + 64);
  out.writeBigUInt64LE(BigInt(strAt), tableAt + keep * 64 + 24);
  out.writeBigUInt64LE(BigInt(tableAt), 40);
  out.writeUInt16LE(keep + 1, 60);
  out.writeUInt16LE(keep, 62);
  return out;
}

export interface StripResult {
  /** The file to pack: the stripped copy, or the input itself. */
  path: string;
  stripped: boolean;
  sizeBefore: number;
  sizeAfter: number;
  /** Why the input is used as it is. */
  reason?: string;
}

/** A copy of `elf` without its non-loaded sections, under `cacheRoot`/stripped/<sha256>/. */
export function stripNonLoaded(elf: string, cacheRoot: string): StripResult {
  const input = readFileSync(elf);
  const sizeBefore = input.length;
  const asIs = (reason: string): StripResult => ({ path: elf, stripped: false, sizeBefore, sizeAfter: sizeBefore, reason });
  const key = createHash('sha256').update(input).digest('hex');
  const out = join(cacheRoot, 'stripped', key, 'elf');
  if (existsSync(out)) return { path: out, stripped: true, sizeBefore, sizeAfter: statSync(out).size };
  let after: Buffer | string;
  try {
    after = truncateNonLoaded(input);
  } catch (e) {
    return asIs(`unreadable ELF: ${(e as Error).message}`);
  }
  if (typeof after === 'string') return asIs(after);
  const diff = loadedDifference(input, after);
  if (diff) return asIs(`stripping would change what is loaded (${diff})`);
  mkdirSync(join(cacheRoot, 'stripped', key), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  writeFileSync(tmp, after, { mode: 0o755 });
  renameSync(tmp, out);
  return { path: out, stripped: true, sizeBefore, sizeAfter: after.length };
}
