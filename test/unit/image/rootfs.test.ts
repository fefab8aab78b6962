// buildRootfs: what a root filesystem holds for a dynamic and a static program (loader, the
// library closure under the names ld.so opens, /etc, boot.json), determinism, aliases for
// libraries found outside ld.so's default directories, and the errors.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { ErrorCode } from '../../../packager/src/errors.js';
import { buildRootfs, memoryForImage } from '../../../packager/src/image/rootfs.js';
import { resolveLibraries } from '../../../packager/src/elf/resolve.js';

const sha256 = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'unipack-rootfs-'));
  writeFileSync(join(work, 'main.c'), 'int lib(void); int main(void) { return lib(); }\n');
  writeFileSync(join(work, 'lib.c'), '#include <unistd.h>\nint lib(void) { return getpid() < 0; }\n');
  mkdirSync(join(work, 'libdir'));
  execFileSync('gcc', ['-shared', '-fPIC', '-o', 'libdir/libx.so.1', '-Wl,-soname,libx.so.1', 'lib.c'], { cwd: work });
  execFileSync('gcc', ['-o', 'needs-x', 'main.c', 'libdir/libx.so.1'], { cwd: work });
  execFileSync('musl-gcc', ['-static', '-o', 'static', 'lib.c', '-xc', '-'], { cwd: work, input: 'int lib(void); int main(void){return lib();}\n' });
});

const list = (tar: string) => execFileSync('tar', ['-tvf', tar], { encoding: 'utf8' }).trim().split('\n');
const names = (tar: string) => execFileSync('tar', ['-tf', tar], { encoding: 'utf8' }).trim().split('\n');
const read = (tar: string, path: string) => execFileSync('tar', ['-xOf', tar, path], { encoding: 'utf8' });

describe('buildRootfs', () => {
  test('a dynamic program: loader, libraries, symlink hops, /etc, boot.json', () => {
    const out = join(work, 'ls.tar');
    const r = buildRootfs({
      programs: [{ host: '/bin/ls' }],
      boot: { argv: ['ls', '-la'], exe: '/bin/ls', env: { A: 'b' }, cwd: '/', hostname: 'box' },
      out,
    });
    const n = names(out);
    const closure = resolveLibraries('/bin/ls');
    // every name ld.so opens resolves inside the image the way it does on the host
    for (const obj of [closure.interpreter!, ...closure.libraries]) {
      expect(n).toContain(obj.realPath.slice(1));
      for (const hop of obj.links) expect(n).toContain(hop.path.slice(1));
    }
    expect(r.libraries).toContain(realpathSync('/lib/x86_64-linux-gnu/libc.so.6'));
    expect(n).toContain(realpathSync('/bin/ls').slice(1));
    for (const f of ['etc/hosts', 'etc/nsswitch.conf', 'etc/passwd', 'etc/group', 'etc/resolv.conf']) expect(n).toContain(f);
    expect(read(out, 'etc/hosts')).toMatch(/127\.0\.0\.1\s+localhost[\s\S]*::1\s+localhost[\s\S]*\bbox\b/);
    expect(read(out, 'etc/nsswitch.conf')).not.toContain('systemd');
    expect(read(out, 'etc/nsswitch.conf')).toMatch(/^hosts: files dns$/m);
    expect(read(out, 'etc/passwd')).toMatch(/^root:x:0:0:/);
    expect(read(out, 'etc/resolv.conf')).toBe('nameserver 10.0.2.3\n');
    expect(JSON.parse(read(out, '.unipack/boot.json'))).toEqual({ argv: ['ls', '-la'], exe: '/bin/ls', env: { A: 'b' }, cwd: '/', hostname: 'box' });
    // no path in the image goes through a symlinked directory (GNU tar would refuse to extract it)
    const dest = join(work, 'x-ls');
    mkdirSync(dest);
    execFileSync('tar', ['-xf', out, '-C', dest]);
    expect(readFileSync(join(dest, realpathSync('/bin/ls'))).equals(readFileSync('/bin/ls'))).toBe(true);
    // mapped files are page-aligned
    for (const e of r.entries.filter((x) => x.type === 'file' && x.mapped)) expect(e.dataOffset % 4096).toBe(0);
    expect(r.files).toBeGreaterThan(5);
  });

  test('same inputs, same bytes', () => {
    const a = join(work, 'a.tar');
    const b = join(work, 'b.tar');
    const opts = { programs: [{ host: join(work, 'needs-x') }], libraryPath: join(work, 'libdir'), boot: { argv: ['/prog'], exe: join(work, 'needs-x') } };
    buildRootfs({ ...opts, out: a });
    buildRootfs({ ...opts, out: b });
    expect(sha256(a)).toBe(sha256(b));
  });

  test('a library found only through LD_LIBRARY_PATH also gets a name in the default directory', () => {
    const out = join(work, 'x.tar');
    const prog = join(work, 'needs-x');
    buildRootfs({ programs: [{ host: prog, image: '/bin/needs-x' }], libraryPath: join(work, 'libdir'), boot: { argv: ['/bin/needs-x'] }, out });
    const l = list(out);
    expect(l.some((x) => x.includes('usr/lib/x86_64-linux-gnu/libx.so.1 -> '))).toBe(true);
    expect(names(out)).toContain('bin/needs-x');
    expect(names(out)).toContain(join(work, 'libdir', 'libx.so.1').slice(1));
  });

  test('a static program needs nothing else; app entries and addon objects are added', () => {
    const out = join(work, 's.tar');
    const r = buildRootfs({
      programs: [{ host: join(work, 'static'), image: '/bin/static' }],
      entries: [
        { type: 'file', path: '/app/index.js', source: Buffer.from('1\n') },
        { type: 'file', path: '/app/addon.node', source: join(work, 'libdir', 'libx.so.1') },
      ],
      objects: ['/app/addon.node'],
      boot: { argv: ['/bin/static'], cwd: '/app' },
      out,
    });
    const n = names(out);
    expect(n).toContain('bin/static');
    expect(n).toContain('app/index.js');
    // the addon needs libc: its closure came in (the libx.so.1 stand-in links against libc)
    expect(r.libraries.some((l) => l.endsWith('libc.so.6'))).toBe(true);
    expect(JSON.parse(read(out, '.unipack/boot.json')).cwd).toBe('/app');
  });

  test('errors: a missing library names the program and where ld.so looked; bad programs', () => {
    const out = join(work, 'e.tar');
    let err: unknown;
    try {
      buildRootfs({ programs: [{ host: join(work, 'needs-x') }], boot: { argv: [join(work, 'needs-x')] }, out });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: ErrorCode.LIBRARY_MISSING });
    const e = err as { message: string; details: string };
    expect(e.message).toContain(join(work, 'needs-x'));
    expect(e.message).toContain('libx.so.1');
    expect(e.details).toContain('/usr/lib/x86_64-linux-gnu/libx.so.1');
    expect(() => buildRootfs({ programs: [{ host: join(work, 'main.c') }], boot: { argv: ['/x'] }, out })).toThrow(
      expect.objectContaining({ code: ErrorCode.ELF_INVALID }),
    );
    expect(() => buildRootfs({ programs: [{ host: join(work, 'static'), image: '/bin/s' }], boot: { argv: ['/bin/other'] }, out })).toThrow(
      expect.objectContaining({ code: ErrorCode.IMAGE_INVALID, message: expect.stringContaining('/bin/other') }),
    );
    expect(() => buildRootfs({ programs: [{ host: join(work, 'static'), image: '/bin/s' }], boot: { argv: ['s'] }, out })).toThrow(
      expect.objectContaining({ code: ErrorCode.IMAGE_INVALID, message: expect.stringContaining('absolute') }),
    );
  });

  test('memory: max(256, 1.5 × image + 128) MiB unless asked', () => {
    expect(memoryForImage(10 << 20)).toBe(256);
    expect(memoryForImage(100 << 20)).toBe(278);
    expect(memoryForImage(100 << 20, 512)).toBe(512);
  });
});
