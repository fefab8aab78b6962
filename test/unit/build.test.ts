// build(): the app image of examples/hello — node at /usr/bin/node with its loader and libraries,
// the app under /app, boot.json — and the same bytes for the same inputs; the image directory
// (rootfs.tar, kernel.elf, unipack.lock.json) of examples/hello-http.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { build } from '../../packager/src/build.js';
import { inspectImage } from '../../packager/src/commands/inspect-image.js';
import { manifestDigest, readImageDir } from '../../packager/src/image/lock.js';
import { createReporter } from '../../packager/src/reporter.js';

const hello = join(import.meta.dirname, '..', '..', 'examples', 'hello');
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

test('examples/hello: contents, boot.json, determinism', async () => {
  const work = mkdtempSync(join(tmpdir(), 'unipack-build-'));
  const quiet = createReporter({ quiet: true });
  const a = await build({ dir: hello, out: join(work, 'a.tar'), offline: true, reporter: quiet });
  const b = await build({ dir: hello, out: join(work, 'b.tar'), offline: true, reporter: quiet, env: {} });
  expect(sha(a.image)).toBe(sha(b.image));
  const names = execFileSync('tar', ['-tf', a.image], { encoding: 'utf8', maxBuffer: 1 << 24 }).split('\n');
  for (const n of ['usr/bin/node', 'app/index.js', 'app/package.json', 'lib64', 'etc/hosts', '.unipack/boot.json']) expect(names).toContain(n);
  expect(names.some((n) => n.endsWith('libc.so.6'))).toBe(true);
  const boot = JSON.parse(execFileSync('tar', ['-xOf', a.image, '.unipack/boot.json'], { encoding: 'utf8' }));
  expect(boot).toMatchObject({ argv: ['/usr/bin/node', '/app/index.js'], cwd: '/app', hostname: 'hello', env: { NODE_ENV: 'production' } });
  expect(a.runtime.source).toBe('host');
  // node goes in without its non-loaded sections (elf/strip.ts): the packed bytes are the stripped copy
  expect(a.runtimeStrip.stripped, a.runtimeStrip.reason).toBe(true);
  const packed = execFileSync('tar', ['-xOf', a.image, 'usr/bin/node'], { maxBuffer: 1 << 28 });
  expect(sha(a.runtimeStrip.path)).toBe(createHash('sha256').update(packed).digest('hex'));
  expect(packed.length).toBeLessThan(readFileSync(process.execPath).length);
  const kept = await build({ dir: hello, out: join(work, 'kept.tar'), offline: true, reporter: quiet, keepDebug: true });
  expect(kept.size).toBeGreaterThan(a.size);
  expect(execFileSync('tar', ['-xOf', kept.image, 'usr/bin/node'], { maxBuffer: 1 << 28 }).equals(readFileSync(process.execPath))).toBe(true);
});

test('image directory: rootfs.tar, kernel.elf and unipack.lock.json; the same bytes twice; inspect reads the lock', async () => {
  const work = mkdtempSync(join(tmpdir(), 'unipack-imagedir-'));
  const quiet = createReporter({ quiet: true });
  const kernel = join(work, 'some-kernel.elf');
  writeFileSync(kernel, Buffer.from('\x7fELF a stand-in kernel\n'));
  const app = join(import.meta.dirname, '..', '..', 'examples', 'hello-http');
  const a = await build({ dir: app, out: join(work, 'a'), kernel, offline: true, reporter: quiet });
  const b = await build({ dir: app, out: join(work, 'b'), kernel, offline: true, reporter: quiet });
  expect(a.imageDir).toBe(join(work, 'a'));
  expect(a.image).toBe(join(work, 'a', 'rootfs.tar'));
  expect(readdirSync(join(work, 'a')).sort()).toEqual(['kernel.elf', 'rootfs.tar', 'unipack.lock.json']);
  for (const f of ['rootfs.tar', 'unipack.lock.json', 'kernel.elf']) expect(sha(join(work, 'b', f)), f).toBe(sha(join(work, 'a', f)));
  expect(sha(join(work, 'a', 'kernel.elf'))).toBe(sha(kernel));

  const lock = JSON.parse(readFileSync(join(work, 'a', 'unipack.lock.json'), 'utf8'));
  expect(lock).toEqual({
    lockfileVersion: 1,
    name: 'hello-http',
    runtime: {
      version: process.versions.node,
      source: 'host',
      integrity: `sha256-${createHash('sha256').update(readFileSync(a.runtime.nodePath)).digest('base64')}`,
      stripped: a.runtimeStrip.stripped,
    },
    manifest: { file: 'unipack.yaml', sha256: manifestDigest(a.manifest) },
    addons: [],
    ports: [{ host: 8080, guest: 8080, proto: 'tcp' }],
    network: { mode: 'user' },
    machine: 'microvm',
    kernelArgs: [],
    kernel: { file: 'kernel.elf', sha256: sha(kernel) },
    rootfs: { file: 'rootfs.tar', size: statSync(a.image).size, sha256: sha(a.image) },
  });
  expect(a.lock).toEqual(lock);
  expect(manifestDigest(a.manifest)).toMatch(/^[0-9a-f]{64}$/);
  // no host path leaks into the lock (it is the same from any checkout)
  expect(JSON.stringify(lock)).not.toContain(app);

  const report = await inspectImage(join(work, 'a'));
  expect(report.runtime).toMatchObject({ version: process.versions.node, source: 'host', integrity: lock.runtime.integrity });
  expect(report.ports).toEqual(lock.ports);
  expect(readImageDir(join(work, 'a'))).toEqual(lock);
  expect(readImageDir(app)).toBeUndefined();
});
