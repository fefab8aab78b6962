// The images every part measures, built with the packager's own API (never a second image
// builder): examples/hello-http (and examples/express-app when it exists) with build(), and a
// `node -e 0` image with buildRootfs() (the same node binary and libraries). The Linux microVM
// gets its initramfs from the same tar (scripts/linux-microvm/build.mjs). Built once per
// harness run into a temporary directory.
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, buildRootfs, createReporter } from '../../dist/index.js';
import { linuxFor } from './vm.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = join(tmpdir(), `unipack-bench-${process.pid}`);
const cache = new Map();
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

async function once(key, make) {
  if (!cache.has(key)) cache.set(key, make());
  return cache.get(key);
}

/** Apps with an HTTP server that prints READY: hello-http always, express-app when present. */
export function httpApps() {
  return ['hello-http', 'express-app'].filter((a) => existsSync(join(root, 'examples', a, 'package.json')));
}

/** The static plan of the TAP figures: the host side of the tap and the guest (both VMs). */
export const TAP_NET = { tap: 'tap0', host: '10.77.0.1', guest: '10.77.0.2' };

/** An app's sources: examples/<app>, or the benchmark's own apps in test/bench/apps/<app>. */
export function appSource(app) {
  const example = join(root, 'examples', app);
  return existsSync(example) ? example : join(root, 'test', 'bench', 'apps', app);
}

/** { image, size, runtime } for an app (appSource); with tap, a copy whose manifest puts it on
 * TAP_NET with a static address (boot.json, which both our kernel and the Linux init read). */
export function appImage(app, { tap = false } = {}) {
  return once(`app:${app}:${tap}`, async () => {
    mkdirSync(dir, { recursive: true });
    const out = join(dir, `${app}${tap ? '-tap' : ''}.tar`);
    let src = appSource(app);
    if (tap) {
      const copy = join(dir, `${app}-tap-src`);
      cpSync(src, copy, { recursive: true, filter: (s) => !s.includes('node_modules') && !s.includes('.unipack') });
      writeFileSync(join(copy, 'unipack.yaml'), `network: { mode: tap, tap: ${TAP_NET.tap}, address: ${TAP_NET.guest}/24, gateway: ${TAP_NET.host} }\n`);
      src = copy;
    }
    const r = await build({ dir: src, out, offline: true, reporter: createReporter({ quiet: true }) });
    return { image: r.image, size: r.size, runtime: r.runtime, libraries: r.libraries };
  });
}

/** An image whose program is `node -e 0`, with the runtime the apps use. */
export function nodeE0Image() {
  return once('node-e0', async () => {
    const { runtime } = await appImage('hello-http');
    mkdirSync(dir, { recursive: true });
    const out = join(dir, 'node-e0.tar');
    buildRootfs({
      programs: [{ host: runtime.nodePath, image: '/usr/bin/node' }],
      boot: { argv: ['/usr/bin/node', '-e', '0'], env: { PATH: '/usr/bin:/bin', HOME: '/root' }, cwd: '/', net: { mode: 'none' } },
      out,
    });
    return { image: out };
  });
}

/** The Linux microVM's kernel and initramfs for an image (cpio, or cpio.gz with gzip). */
export function linuxImage(image, { gzip = false } = {}) {
  return once(`linux:${image}:${gzip}`, () => linuxFor(image, { gzip, log: (m) => console.error(m) }));
}
