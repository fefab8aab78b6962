// Image size: the unipack image (tar) + our kernel vs the Linux microVM's bzImage + initramfs
// (uncompressed and gzip), vs the raw bytes of what both carry (node, its libraries, the app).
// Usage: node test/bench/size.mjs
import { statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import * as tar from 'tar';
import { defaultKernelPath } from '../../dist/index.js';
import { appImage, linuxImage } from './images.mjs';

const MiB = 1048576;

async function rawBytes(image) {
  let n = 0;
  await tar.t({ file: image, onReadEntry: (e) => { if (e.type === 'File' || e.type === 'OldFile') n += e.size; } });
  return n;
}

export async function bench({ gzip = true, log = console.log } = {}) {
  const { image } = await appImage('hello-http');
  const linux = await linuxImage(image);
  const gz = gzip ? await linuxImage(image, { gzip: true }) : undefined;
  const kernel = statSync(defaultKernelPath()).size;
  const r = {
    app: 'hello-http',
    unikernel: { imageBytes: statSync(image).size, kernelBytes: kernel },
    linux: { kernelBytes: statSync(linux.vmlinuz).size, initramfsBytes: statSync(linux.initramfs).size, ...(gz ? { initramfsGzipBytes: statSync(gz.initramfs).size } : {}) },
    rawBytes: await rawBytes(image),
  };
  r.unikernel.totalBytes = r.unikernel.imageBytes + r.unikernel.kernelBytes;
  r.linux.totalBytes = r.linux.kernelBytes + r.linux.initramfsBytes;
  if (gz) r.linux.totalGzipBytes = r.linux.kernelBytes + r.linux.initramfsGzipBytes;
  const m = (b) => `${(b / MiB).toFixed(1)} MiB`;
  log(`size unikernel ${m(r.unikernel.totalBytes)} (image ${m(r.unikernel.imageBytes)} + kernel ${m(kernel)})  linux ${m(r.linux.totalBytes)} / gzip ${gz ? m(r.linux.totalGzipBytes) : '—'} (bzImage ${m(r.linux.kernelBytes)})  raw node+libs+app ${m(r.rawBytes)}`);
  return r;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await bench();
