// The ELF reader and the ld.so-style resolver, on the host's node, on shared objects and a
// static binary compiled here, and on any real .node addon found in node_modules.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { ErrorCode } from '../../../packager/src/errors.js';
import { EM, isElfFile, parseElf, readElf } from '../../../packager/src/elf/read.js';
import { expandTokens, ldSoConfDirs, resolveLibraries, symlinkChain } from '../../../packager/src/elf/resolve.js';
import { loadedDifference, stripNonLoaded } from '../../../packager/src/elf/strip.js';
import { fakeKernel, repoRoot } from '../../helpers/fake-kernel.js';

let work: string;
const cc = (args: string[]) => execFileSync('gcc', args, { cwd: work, stdio: 'pipe' });

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'unipack-elf-'));
  mkdirSync(join(work, 'lib'));
  mkdirSync(join(work, 'rpathlib'));
  writeFileSync(join(work, 'dep.c'), 'int dep(void) { return 41; }\n');
  writeFileSync(join(work, 'addon.c'), 'int dep(void);\nint addon(void) { return dep() + 1; }\n');
  writeFileSync(join(work, 'main.c'), 'int addon(void);\nint main(void) { return addon(); }\n');
  writeFileSync(join(work, 'static.c'), 'int main(void) { return 0; }\n');
  // libdep.so.1 (soname), found through the addon's RUNPATH $ORIGIN/lib, via a symlink chain
  cc(['-shared', '-fPIC', '-Wl,-soname,libdep.so.1', '-o', 'lib/libdep.so.1.0.0', 'dep.c']);
  symlinkSync('libdep.so.1.0.0', join(work, 'lib', 'libdep.so.1'));
  // the addon: a .node-named shared object like node-gyp builds, RUNPATH=$ORIGIN/lib
  cc(['-shared', '-fPIC', '-o', 'addon.node', 'addon.c', '-Llib', '-l:libdep.so.1', '-Wl,--enable-new-dtags,-rpath,$ORIGIN/lib']);
  // an executable with an old-style DT_RPATH pointing at a copy of the addon
  cc(['-shared', '-fPIC', '-o', 'rpathlib/libaddon.so', 'addon.c', '-Llib', '-l:libdep.so.1', '-Wl,--enable-new-dtags,-rpath,$ORIGIN/../lib']);
  cc(['-o', 'main-rpath', 'main.c', '-Lrpathlib', '-laddon', '-Wl,--disable-new-dtags,-rpath,$ORIGIN/rpathlib']);
  // a static binary (musl) and a static-pie one
  execFileSync('musl-gcc', ['-static', '-o', 'static', 'static.c'], { cwd: work, stdio: 'pipe' });
  // (Debian's musl-gcc wrapper cannot link static-pie: it keeps PT_INTERP; glibc's can.)
  cc(['-static-pie', '-o', 'static-pie', 'static.c']);
  // needs a library that does not exist
  writeFileSync(join(work, 'missing.c'), 'int nope(void);\nint main(void) { return nope(); }\n');
  writeFileSync(join(work, 'nope.c'), 'int nope(void) { return 0; }\n');
  cc(['-shared', '-fPIC', '-Wl,-soname,libnope.so.7', '-o', 'libnope.so.7', 'nope.c']);
  cc(['-o', 'missing', 'missing.c', '-L.', '-l:libnope.so.7']);
});

describe('readElf', () => {
  test('host node: ELF64 x86-64 executable with interpreter and needed libraries', () => {
    const e = readElf(process.execPath);
    expect(e.class).toBe(64);
    expect(e.endian).toBe('little');
    expect(e.machine).toBe(EM.X86_64);
    expect(e.executable).toBe(true);
    expect(e.linkage).toBe('dynamic');
    expect(e.interpreter).toMatch(/ld-linux-x86-64\.so\.2$/);
    expect(e.needed).toContain('libc.so.6');
    // agrees with binutils
    const readelf = execFileSync('readelf', ['-d', '-W', process.execPath], { encoding: 'utf8' });
    const fromReadelf = [...readelf.matchAll(/\(NEEDED\)\s+Shared library: \[(.+)\]/g)].map((m) => m[1]);
    expect(e.needed).toEqual(fromReadelf);
  });

  test('shared object: soname, RUNPATH with $ORIGIN, needed', () => {
    const dep = readElf(join(work, 'lib', 'libdep.so.1.0.0'));
    expect(dep.type).toBe('shared');
    expect(dep.linkage).toBe('library');
    expect(dep.executable).toBe(false);
    expect(dep.soname).toBe('libdep.so.1');
    const addon = readElf(join(work, 'addon.node'));
    expect(addon.needed).toContain('libdep.so.1');
    expect(addon.runpath).toEqual(['$ORIGIN/lib']);
    expect(addon.hasRunpath).toBe(true);
    expect(addon.rpath).toEqual([]);
    const main = readElf(join(work, 'main-rpath'));
    expect(main.rpath).toEqual(['$ORIGIN/rpathlib']);
    expect(main.hasRunpath).toBe(false);
  });

  test('static and static-pie', () => {
    const s = readElf(join(work, 'static'));
    expect(s.linkage).toBe('static');
    expect(s.interpreter).toBeUndefined();
    expect(s.needed).toEqual([]);
    const sp = readElf(join(work, 'static-pie'));
    expect(sp.type).toBe('shared');
    expect(sp.linkage).toBe('static-pie');
    expect(sp.executable).toBe(true);
  });

  test('32-bit ELF (the fake PVH kernel) and invalid input', () => {
    const e = readElf(fakeKernel());
    expect(e.class).toBe(32);
    expect(e.machine).toBe(EM.X86);
    expect(e.type).toBe('executable');
    expect(e.linkage).toBe('static');
    expect(e.entry).toBeGreaterThan(0x100000 - 1);
    const invalid = expect.objectContaining({ code: ErrorCode.ELF_INVALID });
    expect(() => parseElf(Buffer.from('#!/bin/sh\n'.padEnd(64)))).toThrow(invalid);
    expect(() => parseElf(readFileSync('/bin/true').subarray(0, 100), 'truncated')).toThrow(invalid);
    expect(isElfFile(join(work, 'static.c'))).toBe(false);
    expect(isElfFile(join(work, 'static'))).toBe(true);
  });
});

describe('resolveLibraries', () => {
  test('host node: interpreter plus the closure, with real paths and symlink chains', () => {
    const r = resolveLibraries(process.execPath);
    expect(r.interpreter?.name).toMatch(/ld-linux-x86-64\.so\.2$/);
    expect(r.interpreter?.realPath).toBe(realpathSync(r.interpreter!.path));
    const names = r.libraries.map((l) => l.name);
    for (const n of ['libc.so.6', 'libm.so.6', 'libstdc++.so.6', 'libgcc_s.so.1']) expect(names).toContain(n);
    for (const l of r.libraries) {
      expect(l.realPath).toBe(realpathSync(l.path));
      expect(statSync(l.realPath).isFile()).toBe(true);
      expect(l.elf.machine).toBe(EM.X86_64);
    }
    // matches the host's ldd where both name a library (ldd also lists the vDSO)
    const ldd = execFileSync('ldd', [process.execPath], { encoding: 'utf8' });
    for (const m of ldd.matchAll(/^\s*(\S+) => (\S+)/gm)) {
      const ours = r.libraries.find((l) => l.name === m[1]);
      expect(ours, `ldd lists ${m[1]}`).toBeDefined();
      expect(ours!.realPath).toBe(realpathSync(m[2]!));
    }
  });

  test('RUNPATH $ORIGIN and the symlink chain from the soname to the file', () => {
    const r = resolveLibraries(join(work, 'addon.node'));
    expect(r.interpreter).toBeUndefined();
    const dep = r.libraries.find((l) => l.name === 'libdep.so.1')!;
    expect(dep.path).toBe(join(work, 'lib', 'libdep.so.1'));
    expect(dep.realPath).toBe(realpathSync(join(work, 'lib', 'libdep.so.1.0.0')));
    expect(dep.links.at(-1)).toEqual({ path: join(work, 'lib', 'libdep.so.1'), target: 'libdep.so.1.0.0' });
    expect(dep.neededBy).toEqual([join(work, 'addon.node')]);
  });

  test('DT_RPATH of the executable, then the library’s own RUNPATH', () => {
    const r = resolveLibraries(join(work, 'main-rpath'));
    const names = r.libraries.map((l) => l.name);
    expect(names.slice(0, 2)).toEqual(['libaddon.so', 'libc.so.6']);
    expect(r.libraries.find((l) => l.name === 'libaddon.so')!.path).toBe(join(work, 'rpathlib', 'libaddon.so'));
    expect(r.libraries.find((l) => l.name === 'libdep.so.1')!.path).toBe(join(work, 'rpathlib', '..', 'lib', 'libdep.so.1'));
  });

  test('LD_LIBRARY_PATH finds what the default paths do not', () => {
    const r = resolveLibraries(join(work, 'missing'), { libraryPath: work });
    expect(r.libraries.find((l) => l.name === 'libnope.so.7')?.path).toBe(join(work, 'libnope.so.7'));
  });

  test('a missing library names who needs it and where it looked', () => {
    let err: unknown;
    try {
      resolveLibraries(join(work, 'missing'));
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: ErrorCode.LIBRARY_MISSING });
    const e = err as { message: string; details: string };
    expect(e.message).toContain('libnope.so.7');
    expect(e.message).toContain(join(work, 'missing'));
    expect(e.details).toContain('/usr/lib/x86_64-linux-gnu/libnope.so.7');
  });

  test('static binaries need nothing', () => {
    const r = resolveLibraries(join(work, 'static'));
    expect(r.interpreter).toBeUndefined();
    expect(r.libraries).toEqual([]);
  });

  test('real .node addons found in node_modules resolve completely', () => {
    // Whatever addons the dev dependencies bring (none is required): each must be ELF and resolve.
    const found: string[] = [];
    const walk = (d: string, depth: number) => {
      if (depth > 6) return;
      for (const n of readdirSync(d, { withFileTypes: true })) {
        if (n.isDirectory()) walk(join(d, n.name), depth + 1);
        else if (n.isFile() && n.name.endsWith('.node')) found.push(join(d, n.name));
      }
    };
    walk(join(repoRoot, 'node_modules'), 0);
    found.push(join(work, 'addon.node'));
    for (const f of found) {
      expect(isElfFile(f), f).toBe(true);
      const r = resolveLibraries(f);
      for (const l of r.libraries) expect(statSync(l.realPath).isFile()).toBe(true);
    }
  });
});

describe('resolver pieces', () => {
  test('$ORIGIN, ${ORIGIN}, $LIB, $PLATFORM', () => {
    expect(expandTokens('$ORIGIN/../lib:${ORIGIN}/x/$LIB/$PLATFORM', '/o', 'lib64', 'x86_64')).toBe('/o/../lib:/o/x/lib64/x86_64');
    expect(expandTokens('$ORIGINAL', '/o', 'l', 'p')).toBe('$ORIGINAL');
  });

  test('symlinkChain follows directory components too', () => {
    const d = mkdtempSync(join(tmpdir(), 'unipack-chain-'));
    mkdirSync(join(d, 'real'));
    writeFileSync(join(d, 'real', 'f.so.1.2'), '');
    symlinkSync('f.so.1.2', join(d, 'real', 'f.so.1'));
    symlinkSync('real', join(d, 'alias'));
    const c = symlinkChain(join(d, 'alias', 'f.so.1'));
    expect(c.realPath).toBe(realpathSync(join(d, 'real', 'f.so.1.2')));
    expect(c.links).toEqual([
      { path: join(d, 'alias'), target: 'real' },
      { path: join(d, 'real', 'f.so.1'), target: 'f.so.1.2' },
    ]);
  });

  test('ld.so.conf with include globs', () => {
    const root = mkdtempSync(join(tmpdir(), 'unipack-ldconf-'));
    mkdirSync(join(root, 'etc', 'ld.so.conf.d'), { recursive: true });
    writeFileSync(join(root, 'etc', 'ld.so.conf'), '# comment\ninclude /etc/ld.so.conf.d/*.conf\n/opt/first\n');
    writeFileSync(join(root, 'etc', 'ld.so.conf.d', 'b.conf'), '/opt/b # trailing\n');
    writeFileSync(join(root, 'etc', 'ld.so.conf.d', 'a.conf'), '/opt/a\n\n');
    writeFileSync(join(root, 'etc', 'ld.so.conf.d', 'skip.txt'), '/opt/skip\n');
    expect(ldSoConfDirs('/etc/ld.so.conf', root)).toEqual(['/opt/a', '/opt/b', '/opt/first']);
  });
});

describe('stripNonLoaded: node without .debug_*/.symtab/.strtab, the loaded bytes unchanged', () => {
  const node = realpathSync(process.execPath);
  const sections = (p: string) => execFileSync('readelf', ['-SW', p], { encoding: 'utf8', maxBuffer: 1 << 24 });

  test('every PT_LOAD segment has the same file bytes and program header; debug sections are gone', () => {
    const cache = mkdtempSync(join(tmpdir(), 'unipack-strip-'));
    const r = stripNonLoaded(node, cache);
    expect(r.stripped, r.reason).toBe(true);
    expect(r.path).not.toBe(node);
    const before = readFileSync(node);
    const after = readFileSync(r.path);
    expect(r.sizeBefore).toBe(before.length);
    expect(r.sizeAfter).toBe(after.length);
    expect(after.length).toBeLessThan(before.length);
    // checked here independently of loadedDifference: segment by segment
    const a = parseElf(before);
    const b = parseElf(after);
    expect(b.segments).toEqual(a.segments);
    expect(b.entry).toBe(a.entry);
    const loads = a.segments.filter((s) => s.type === 1);
    expect(loads.length).toBeGreaterThan(1);
    // every PT_LOAD byte is the same, except the ELF header's e_shoff/e_shnum/e_shstrndx
    const changed: number[] = [];
    for (const s of loads) {
      expect(s.offset + s.filesz).toBeLessThanOrEqual(after.length);
      const from = Math.max(s.offset, 64);
      const x = before.subarray(from, s.offset + s.filesz);
      const y = after.subarray(from, s.offset + s.filesz);
      expect(createHash('sha256').update(y).digest('hex'), `PT_LOAD at 0x${s.vaddr.toString(16)}`).toBe(createHash('sha256').update(x).digest('hex'));
      for (let i = s.offset; i < Math.min(64, s.offset + s.filesz); i++) if (before[i] !== after[i]) changed.push(i);
    }
    expect(changed.every((i) => (i >= 40 && i < 48) || (i >= 60 && i < 64)), String(changed)).toBe(true);
    expect(changed.length).toBeGreaterThan(0);
    // the program header table did not move or change
    const phoff = Number(before.readBigUInt64LE(32));
    const phsize = before.readUInt16LE(54) * before.readUInt16LE(56);
    expect(after.subarray(phoff, phoff + phsize).equals(before.subarray(phoff, phoff + phsize))).toBe(true);
    expect(loadedDifference(before, after)).toBeUndefined();
    const left = sections(r.path);
    for (const name of ['.debug_info', '.debug_line', '.symtab', '.strtab', '.comment']) expect(left).not.toContain(` ${name} `);
    // tools still read the result (readelf gave no warnings) and node itself runs from it
    expect(execFileSync(r.path, ['-e', 'console.log(1 + 1)'], { encoding: 'utf8' })).toBe('2\n');
    for (const name of ['.text', '.rodata', '.dynsym', '.dynstr', '.data']) expect(left).toContain(` ${name} `);
    // cached by content: a second call is the same file
    expect(stripNonLoaded(node, cache)).toEqual(r);
  }, 60_000);

  test('loadedDifference: a changed byte in a PT_LOAD segment or its header is caught; outside them it is not', () => {
    const before = readFileSync(node);
    const loads = parseElf(before).segments.filter((s) => s.type === 1);
    const text = loads.find((s) => (s.flags & 1) !== 0)!;
    const inLoad = Buffer.from(before);
    inLoad[text.offset + Math.floor(text.filesz / 2)]! ^= 0xff;
    expect(loadedDifference(before, inLoad)).toMatch(/PT_LOAD \d+ \(vaddr 0x[0-9a-f]+\) bytes differ/);
    const header = Buffer.from(before);
    header.writeBigUInt64LE(header.readBigUInt64LE(24) + 1n, 24);
    expect(loadedDifference(before, header)).toMatch(/ELF header/);
    const end = Math.max(...loads.map((s) => s.offset + s.filesz));
    if (end < before.length - 16) {
      const outside = Buffer.from(before);
      outside[before.length - 8]! ^= 0xff; // the section header table, never loaded
      expect(loadedDifference(before, outside)).toBeUndefined();
    }
  });
});
