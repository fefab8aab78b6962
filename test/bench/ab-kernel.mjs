// A/B of two kernel builds on one app over TAP, interleaved (A B A B ...) so that the host's
// drift hits both alike: each round boots the app on one kernel, warms it up with wrk, then
// measures. For kernel changes whose effect is smaller than run-to-run noise (a few %).
// Usage: node test/bench/ab-kernel.mjs <kernelA.elf> <kernelB.elf> [--app hello-http]
//        [--rounds 3] [--warmup 20] [--duration 10] [--connections 32]
import { pathToFileURL } from 'node:url';
import { tapNamespace, wrk } from './http.mjs';
import { appImage, TAP_NET } from './images.mjs';
import { rssMiB } from './memory.mjs';
import { fmt, stats } from './stats.mjs';
import { defaultMemory, startVm } from './vm.mjs';



export async function ab({ kernels, app = 'hello-http', rounds = 3, warmup = 20, duration = 10, connections = 32, log = console.log }) {
  const netns = tapNamespace();
  const { image } = await appImage(app, { tap: true });
  const memoryMiB = defaultMemory(image);
  const target = { url: `http://${TAP_NET.guest}:8080/`, netns };
  const results = kernels.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < kernels.length; k++) {
      process.env.UNIPACK_KERNEL = kernels[k];
      const vm = startVm({ kind: 'unikernel', image, memoryMiB, tap: { netns, tap: TAP_NET.tap } });
      try {
        await vm.waitLine(/^READY$/, 60_000);
        if (warmup) await wrk(target, warmup, connections);
        const w = await wrk(target, duration, connections);
        w.rssMiB = rssMiB(vm.proc.pid);   // QEMU's host RSS: how much guest memory the kernel touched
        results[k].push(w);
        log(`round ${r + 1} ${'AB'[k] ?? k} ${w.rps.toFixed(0)} req/s  p99 ${w.p99Ms?.toFixed(1)} ms  errors ${w.errors + w.non2xx}  QEMU RSS ${w.rssMiB?.toFixed(0)} MiB`);
      } finally {
        await vm.kill();
      }
    }
  }
  return kernels.map((kernel, k) => {
    const s = { kernel, rps: stats(results[k].map((w) => w.rps)), p99Ms: stats(results[k].map((w) => w.p99Ms).filter((x) => x !== undefined)), rssMiB: stats(results[k].map((w) => w.rssMiB).filter((x) => x !== undefined)) };
    log(`${'AB'[k] ?? k} ${kernel}: ${fmt(s.rps, ' req/s')}  p99 ${fmt(s.p99Ms, ' ms', 1)}  QEMU RSS ${fmt(s.rssMiB, ' MiB')}`);
    return s;
  });
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const opt = (f, d) => {
    const i = process.argv.indexOf(f);
    return i > 0 ? process.argv[i + 1] : d;
  };
  const kernels = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
  if (kernels.length < 2) {
    console.error('usage: node test/bench/ab-kernel.mjs <kernelA.elf> <kernelB.elf> [--app hello-http] [--rounds 3] [--warmup 20] [--duration 10] [--connections 32]');
    process.exit(2);
  }
  await ab({ kernels, app: opt('--app', 'hello-http'), rounds: Number(opt('--rounds', 3)), warmup: Number(opt('--warmup', 20)), duration: Number(opt('--duration', 10)), connections: Number(opt('--connections', 32)) });
}
