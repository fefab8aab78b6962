// The initrd as the kernel sees it: a tar made by the image writer (files, a directory, a
// symlink, a hard link, a name over 100 bytes, ELF files that must be page-aligned) is
// booted with `-initrd` and `unipack.listinitrd`. The kernel prints
//   unipack: initrd addr=0x… size=N entries=K
//   unipack: initrd-entry type=<f|d|l|h> size=N path=<path> [offset=<data offset in the tar>]
// (offset at least for ELF files), then exits 0. The listing must equal what the writer wrote.
import { copyFileSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { writeImage, type WriteImageResult } from '../../packager/src/image/tar-writer.js';
import { MACHINES, boot, num, recordsOf } from './boot-helpers.js';

const longName = `app/node_modules/${'a'.repeat(40)}/${'b'.repeat(40)}/lib/index-with-a-long-name.js`;
const TYPE = { file: 'f', dir: 'd', symlink: 'l', hardlink: 'h' } as const;
const norm = (p: string) => p.replace(/^\.?\/+/, '').replace(/\/+$/, '');

let tar: string;
let written: WriteImageResult;

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'unipack-initrd-'));
  copyFileSync('/bin/true', join(dir, 'true'));
  tar = join(dir, 'rootfs.tar');
  written = writeImage(
    [
      { type: 'file', path: '/.unipack/boot.json', source: Buffer.from('{"argv":["/bin/true"]}\n') },
      { type: 'file', path: '/etc/hosts', source: Buffer.from('127.0.0.1 localhost\n') },
      { type: 'file', path: '/app/index.js', source: Buffer.from('console.log("hello")\n') },
      { type: 'dir', path: '/tmp' },
      { type: 'file', path: longName, source: Buffer.from('module.exports = 1;\n') },
      { type: 'file', path: '/bin/true', source: join(dir, 'true'), mode: 0o755 },
      { type: 'file', path: '/usr/lib/addon.node', source: join(dir, 'true') },
      { type: 'symlink', path: '/usr/bin/true', target: '../../bin/true' },
      { type: 'hardlink', path: '/app/index-hard.js', target: '/app/index.js' },
    ],
    tar,
  );
});

describe.each(MACHINES)('initrd on %s', (machine) => {
  test('the kernel lists exactly what the writer wrote; ELF data is page-aligned', async () => {
    const r = await boot(machine, 'unipack.listinitrd', { initrd: tar });
    const head = recordsOf(r, 'initrd');
    expect(head, 'one `unipack: initrd addr= size= entries=` line').toHaveLength(1);
    expect(num(head[0]!.fields.addr) % 4096).toBe(0);
    expect(num(head[0]!.fields.size)).toBe(statSync(tar).size);
    expect(num(head[0]!.fields.entries)).toBe(written.entries.length);

    const listed = recordsOf(r, 'initrd-entry').map((e) => ({
      type: e.fields.type,
      size: num(e.fields.size),
      path: norm(e.fields.path ?? ''),
      offset: e.fields.offset === undefined ? undefined : num(e.fields.offset),
    }));
    const expected = written.entries.map((e) => ({ type: TYPE[e.type], size: e.size, path: e.path }));
    expect(listed.map(({ type, size, path }) => ({ type, size, path }))).toEqual(expected);

    for (const e of written.entries) {
      const l = listed.find((x) => x.path === e.path)!;
      if (e.mapped) {
        expect(l.offset, `offset= for ${e.path}`).toBe(e.dataOffset);
        expect(l.offset! % 4096).toBe(0);
      } else if (l.offset !== undefined && e.type === 'file') {
        expect(l.offset).toBe(e.dataOffset);
      }
    }
    expect(r.status).toBe(0);
  });
});
