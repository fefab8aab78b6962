// `unipack init` writes a manifest that loads back to the same result; `unipack inspect` on an
// image reads boot.json, the lock file and the entries.
import { mkdtempSync, readFileSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { init } from '../../../packager/src/commands/init.js';
import { inspectImage, formatImageReport } from '../../../packager/src/commands/inspect-image.js';
import { loadManifest } from '../../../packager/src/manifest/index.js';
import { writeImage } from '../../../packager/src/image/tar-writer.js';

describe('unipack init', () => {
  it('writes a commented manifest that loads to what was inferred, and refuses to overwrite', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'unipack-init-')), 'app');
    cpSync(join(__dirname, '../../fixtures/packaging/installed-app'), dir, { recursive: true });
    const inferred = await loadManifest(dir);
    const r = init({ dir });
    expect(r.text).toMatch(/^# yaml-language-server: \$schema=.*unipack\.schema\.json\n/);
    expect(r.text).toMatch(/^entry: server\.js +# from package\.json main$/m);
    expect(r.text).toMatch(/^# ports: /m);
    const loaded = await loadManifest(dir);
    const { sources: _a, manifestFile: _b, ...a } = loaded;
    const { sources: _c, manifestFile: _d, ...b } = inferred;
    expect(a).toEqual(b);
    expect(() => init({ dir })).toThrow(expect.objectContaining({ code: 'ERR_UNIPACK_MANIFEST_EXISTS' }));
    writeFileSync(join(dir, 'unipack.yaml'), 'cpus: 9\n');
    expect(init({ dir, force: true }).text).toContain('cpus: 1');
    expect(readFileSync(join(dir, 'unipack.yaml'), 'utf8')).toContain('cpus: 1');
  });
});

describe('unipack inspect <image>', () => {
  it('reports command, env, addons, libraries, sizes and the largest files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unipack-inspect-'));
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.alloc(5000)]);
    writeImage(
      [
        { type: 'file', path: '/usr/bin/node', source: elf, mode: 0o755 },
        { type: 'file', path: '/usr/lib/x86_64-linux-gnu/libc.so.6', source: elf.subarray(0, 3000) },
        { type: 'file', path: '/app/server.js', source: Buffer.from('console.log(1)\n') },
        { type: 'file', path: '/app/node_modules/x/build/Release/x.node', source: elf.subarray(0, 2000) },
        { type: 'file', path: '/.unipack/boot.json', source: Buffer.from(JSON.stringify({ argv: ['/usr/bin/node', '/app/server.js'], env: { NODE_ENV: 'production' }, cwd: '/app', hostname: 'app' })) },
      ],
      join(dir, 'rootfs.tar'),
    );
    writeFileSync(join(dir, 'unipack.lock.json'), JSON.stringify({ runtime: { version: '20.20.2', source: 'host' }, ports: [{ host: 8080, guest: 80, proto: 'tcp' }] }));
    const r = await inspectImage(dir);
    expect(r).toMatchObject({
      files: 5,
      runtime: { path: '/usr/bin/node', version: '20.20.2', source: 'host' },
      entry: '/app/server.js',
      cwd: '/app',
      env: { NODE_ENV: 'production' },
      ports: [{ host: 8080, guest: 80, proto: 'tcp' }],
      addons: [{ path: '/app/node_modules/x/build/Release/x.node', size: 2000 }],
      libraries: [{ path: '/usr/lib/x86_64-linux-gnu/libc.so.6', size: 3000 }],
      sizes: { runtime: 5004, libraries: 3000, app: 15, nodeModules: 2000 },
    });
    expect(r.largest[0]).toEqual({ path: '/usr/bin/node', size: 5004 });
    expect(formatImageReport(r)).toContain('  port       8080:80/tcp');
    await expect(inspectImage(join(dir, 'unipack.lock.json'))).rejects.toMatchObject({ code: 'ERR_UNIPACK_IMAGE_INVALID' });
  });
});
