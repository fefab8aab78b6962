import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { list } from 'tar';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ErrorCode } from '../../../packager/src/errors.js';
import { entriesFromDir, paxRecord, writeImage, type ImageEntry } from '../../../packager/src/image/tar-writer.js';

const sha256 = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const longName = `deep/${'n'.repeat(60)}/${'m'.repeat(60)}/file-with-a-long-name.txt`;

let work: string;
let entries: ImageEntry[];

afterAll(() => rmSync(work, { recursive: true, force: true }));   // ~660 MB of tars

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'unipack-tar-'));
  const app = join(work, 'app');
  mkdirSync(join(app, 'lib'), { recursive: true });
  mkdirSync(join(app, 'empty'));
  writeFileSync(join(app, 'index.js'), 'console.log(1)\n');
  writeFileSync(join(app, 'run.sh'), '#!/bin/sh\n');
  chmodSync(join(app, 'run.sh'), 0o775);
  copyFileSync(process.execPath, join(app, 'lib', 'node-copy')); // a big ELF: mapped
  copyFileSync('/bin/true', join(app, 'lib', 'addon.node'));
  symlinkSync('../index.js', join(app, 'lib', 'index-link.js'));
  linkSync(join(app, 'index.js'), join(app, 'hard.js'));
  entries = [
    ...entriesFromDir(app, 'app'),
    { type: 'file', path: '/etc/hosts', source: Buffer.from('127.0.0.1 localhost\n') },
    { type: 'file', path: '/.unipack/boot.json', source: Buffer.from('{"argv":["node","app/index.js"]}\n') },
    { type: 'file', path: longName, source: Buffer.from('long\n') },
    { type: 'symlink', path: 'lib64/ld-linux-x86-64.so.2', target: `/usr/lib/${'x'.repeat(120)}` },
  ];
});

describe('writeImage', () => {
  test('same inputs give the same bytes', () => {
    const a = join(work, 'a.tar');
    const b = join(work, 'b.tar');
    writeImage(entries, a);
    writeImage([...entries].reverse(), b);
    expect(sha256(b)).toBe(sha256(a));
  });

  test('GNU tar reads it: sorted, owners 0, fixed mtime, normalised modes, links, long names', () => {
    const out = join(work, 'gnu.tar');
    writeImage(entries, out);
    const listing = execFileSync('tar', ['--numeric-owner', '--full-time', '-tvf', out], { encoding: 'utf8' }).trim().split('\n');
    const names = execFileSync('tar', ['-tf', out], { encoding: 'utf8' }).trim().split('\n');
    expect(names).toEqual([...names].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))));
    expect(names).toContain(longName);
    expect(names).toContain('.unipack/');
    expect(names).toContain('.unipack/boot.json');
    for (const l of listing) {
      expect(l).toMatch(/^\S+ 0\/0 /);
      expect(l).toContain('1970-01-01 00:00:00');
    }
    const row = (n: string) => listing.find((l) => l.endsWith(` ${n}`) || l.includes(` ${n} `))!;
    expect(row('app/run.sh')).toMatch(/^-rwxr-xr-x/);
    expect(row('app/hard.js')).toMatch(/^-rw-r--r--/);
    expect(row('app/empty/')).toMatch(/^drwxr-xr-x/);
    expect(row('app/lib/index-link.js')).toMatch(/^lrwxrwxrwx.* -> \.\.\/index\.js$/);
    expect(row('app/index.js')).toMatch(/^hrw-r--r--.* link to app\/hard\.js$/);
    expect(listing.some((l) => l.includes(`-> /usr/lib/${'x'.repeat(120)}`))).toBe(true);
  });

  test('GNU tar extracts the same bytes', () => {
    const out = join(work, 'x.tar');
    writeImage(entries, out);
    const dest = join(work, 'extract');
    mkdirSync(dest);
    execFileSync('tar', ['-xf', out, '-C', dest]);
    expect(readFileSync(join(dest, 'app/lib/node-copy')).equals(readFileSync(process.execPath))).toBe(true);
    expect(readFileSync(join(dest, longName), 'utf8')).toBe('long\n');
    expect(readFileSync(join(dest, 'etc/hosts'), 'utf8')).toBe('127.0.0.1 localhost\n');
    expect(readlinkSync(join(dest, 'app/lib/index-link.js'))).toBe('../index.js');
  });

  test('mapped files (ELF) start on a page boundary; others are not padded', async () => {
    const out = join(work, 'map.tar');
    const r = writeImage(entries, out);
    const bytes = readFileSync(out);
    const mapped = r.entries.filter((e) => e.mapped).map((e) => e.path).sort();
    expect(mapped).toEqual(['app/lib/addon.node', 'app/lib/node-copy']);
    for (const e of r.entries.filter((x) => x.mapped)) {
      expect(e.dataOffset % 4096).toBe(0);
      expect(bytes.subarray(e.dataOffset, e.dataOffset + 4).toString('latin1')).toBe('\x7fELF');
    }
    const plain = r.entries.find((e) => e.path === 'app/hard.js')!;
    expect(plain.dataOffset - plain.headerOffset).toBe(512);
    expect(bytes.subarray(plain.dataOffset, plain.dataOffset + plain.size).toString()).toBe('console.log(1)\n');
    expect(r.size).toBe(bytes.length);
    expect(r.size % 512).toBe(0);

    // node-tar, an independent reader, sees the same entries and sizes
    const seen: Array<[string, number]> = [];
    await list({ file: out, onReadEntry: (en) => void seen.push([en.path.replace(/\/$/, ''), en.size ?? 0]) });
    expect(seen).toEqual(r.entries.map((e) => [e.path, e.size]));
  });

  test('alignment holds whatever comes before (every residue mod 4096)', () => {
    const elf = readFileSync('/bin/true');
    for (let pad = 0; pad < 4096; pad += 512) {
      for (const longPath of [false, true]) {
        const path = longPath ? `${'d'.repeat(150)}/z.so` : 'z.so';
        const out = join(work, `res-${pad}-${longPath}.tar`);
        const r = writeImage([{ type: 'file', path: 'a', source: Buffer.alloc(pad - (pad ? 1 : 0), 1) }, { type: 'file', path, source: elf }], out);
        const z = r.entries.find((e) => e.path === path)!;
        expect(z.dataOffset % 4096).toBe(0);
        expect(execFileSync('tar', ['-tf', out], { encoding: 'utf8' })).toContain(path);
      }
    }
  });

  test('SOURCE_DATE_EPOCH and the mtime option fix the timestamps', () => {
    const out = join(work, 'epoch.tar');
    writeImage([{ type: 'file', path: 'f', source: Buffer.from('x') }], out, { mtime: 1_700_000_000 });
    expect(execFileSync('tar', ['--full-time', '-tvf', out], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } })).toContain('2023-11-14 22:13:20');
  });

  test('parents are added; duplicates, escapes and dangling hard links are errors', () => {
    const out = join(work, 'err.tar');
    const r = writeImage([{ type: 'file', path: 'a/b/c', source: Buffer.from('') }], out);
    expect(r.entries.map((e) => `${e.type}:${e.path}`)).toEqual(['dir:a', 'dir:a/b', 'file:a/b/c']);
    expect(() => writeImage([{ type: 'dir', path: 'x' }, { type: 'dir', path: '/x/' }], out)).toThrow(expect.objectContaining({ code: ErrorCode.IMAGE_INVALID }));
    expect(() => writeImage([{ type: 'dir', path: '../x' }], out)).toThrow(expect.objectContaining({ code: ErrorCode.IMAGE_INVALID }));
    expect(() => writeImage([{ type: 'hardlink', path: 'h', target: 'nope' }], out)).toThrow(expect.objectContaining({ code: ErrorCode.IMAGE_INVALID }));
  });
});

test('a hard link sorting before its target takes the data; the target becomes the link', () => {
  const work2 = mkdtempSync(join(tmpdir(), 'unipack-tar-hl-'));
  const out = join(work2, 'hl.tar');
  const r = writeImage(
    [
      { type: 'file', path: 'b/x', source: Buffer.from('data\n') },
      { type: 'hardlink', path: 'a/b-c/y', target: 'b/x' },
    ],
    out,
  );
  expect(r.entries.filter((e) => e.type !== 'dir').map((e) => [e.type, e.path, e.target ?? ''])).toEqual([
    ['file', 'a/b-c/y', ''],
    ['hardlink', 'b/x', 'a/b-c/y'],
  ]);
  execFileSync('tar', ['-xf', out, '-C', work2]);
  expect(readFileSync(join(work2, 'b/x'), 'utf8')).toBe('data\n');
  rmSync(work2, { recursive: true, force: true });
});

test('pax records count their own length', () => {
  for (const v of ['', 'x', 'y'.repeat(90), 'z'.repeat(995)]) {
    const r = paxRecord('path', v);
    expect(Number(r.split(' ')[0])).toBe(Buffer.byteLength(r));
  }
});
