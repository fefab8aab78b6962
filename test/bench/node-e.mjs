// `node -e 0` end to end: the same node binary and libraries (an image from buildRootfs) booted
// as the unikernel and as the Linux microVM (QEMU start → QEMU exit: boot, node start-up and
// exit, no NIC on either side), and the host's node (spawn → exit). Interleaved runs.
// Usage: node test/bench/node-e.mjs [--smoke] [--runs N]   (needs `npm run build` first)
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { linuxImage, nodeE0Image, appImage } from './images.mjs';
import { fmt, stats } from './stats.mjs';
import { attempt, defaultMemory, linuxMemory, startVm } from './vm.mjs';

async function vmRun(kind, files, memoryMiB) {
  const vm = startVm({ kind, ...files, memoryMiB });
  const timer = setTimeout(() => vm.kill(), 180_000);
  const e = await vm.exited;
  clearTimeout(timer);
  const ok = kind === 'unikernel' ? vm.lines.some((l) => /^unipack: exit status=0\b/.test(l.text)) : vm.lines.some((l) => /^linux-microvm: exit status=0\b/.test(l.text));
  if (!ok) throw Object.assign(new Error(`bench: node -e 0 did not exit 0 in the ${kind} VM\n${vm.tail()}`), { vmLines: vm.lines });
  return e.atMs;
}

export async function bench({ runs = 5, log = console.log } = {}) {
  const { image } = await nodeE0Image();
  // Same -m on both sides: what `unipack run` gives the hello-http image.
  const memoryMiB = defaultMemory((await appImage('hello-http')).image);
  const linux = await linuxImage(image);
  const raw = { host: [], unikernel: [], linux: [] };
  const failures = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const h = spawnSync((await appImage('hello-http')).runtime.nodePath, ['-e', '0']);
    raw.host.push(performance.now() - t0);
    if (h.status !== 0) throw new Error('bench: node -e 0 failed on the host');
    raw.unikernel.push(await attempt('node -e 0 unikernel', failures, () => vmRun('unikernel', { image }, memoryMiB)));
    raw.linux.push(await attempt('node -e 0 linux', failures, () => vmRun('linux', linux, linuxMemory(memoryMiB, linux))));
  }
  const result = { failures, accel: { host: 'none', unikernel: 'tcg', linux: 'tcg' }, memoryMiB, linuxMemoryMiB: linuxMemory(memoryMiB, linux), ms: Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, stats(v)])) };
  log(`node -e 0  host ${fmt(result.ms.host, ' ms')}  unikernel ${fmt(result.ms.unikernel, ' ms')}  linux ${fmt(result.ms.linux, ' ms')}`);
  return result;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const smoke = process.argv.includes('--smoke');
  const i = process.argv.indexOf('--runs');
  await bench({ runs: smoke ? 1 : i > 0 ? Number(process.argv[i + 1]) : 5 });
}
