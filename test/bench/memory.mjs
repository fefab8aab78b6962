// Memory: the smallest -m (MiB) at which examples/hello-http boots and serves 1000 requests
// (8 at a time, every one a 200), by bisection to `resolution` MiB — unikernel vs Linux microVM
// (uncompressed and gzip initramfs: Linux's floor is set by the initramfs sitting in RAM twice
// while it unpacks). Also the host RSS of the QEMU process after those requests at the default
// -m (under TCG it is far above -m: the translation cache).
// Usage: node test/bench/memory.mjs [--smoke] [--resolution MiB]   (needs `npm run build` first)
import { readFileSync, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { appImage, linuxImage } from './images.mjs';
import { firstHttp200 } from './boot.mjs';
import { attempt, defaultMemory, freePort, startVm } from './vm.mjs';

/** VmRSS of a process in MiB. */
export function rssMiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : undefined;
}

/** n requests, `conc` at a time; resolves with the number of 200s. */
export async function requests(port, n = 1000, conc = 8) {
  let next = 0;
  let ok = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      try {
        const r = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(10_000) });
        await r.arrayBuffer();
        if (r.status === 200) ok++;
      } catch {
        // counted as a failure
      }
    }
  };
  await Promise.all(Array.from({ length: conc }, worker));
  return ok;
}

/**
 * One probe: { ok, rssMiB?, why? }. A failed boot is tried a second time before it counts, so a
 * flaky boot (see the failures list) does not pass for a memory floor.
 */
async function probe(kind, files, memoryMiB, failures) {
  try {
    return await attempt(`memory ${kind} -m ${memoryMiB}`, failures, () => probeOnce(kind, files, memoryMiB));
  } catch (e) {
    return { ok: false, why: String(e.message).split('\n')[0] };
  }
}

async function probeOnce(kind, files, memoryMiB) {
  const port = await freePort();
  const vm = startVm({ kind, ...files, memoryMiB, hostPort: port });
  try {
    await vm.waitLine(/^READY$/, 60_000);
    await firstHttp200(vm, port, 30_000);
    const ok = await requests(port);
    const alive = vm.proc.exitCode === null && vm.proc.signalCode === null;
    if (ok === 1000 && alive) return { ok: true, rssMiB: rssMiB(vm.proc.pid) };
    throw Object.assign(new Error(`${ok}/1000 answered${alive ? '' : ', VM ended'}`), { vmLines: vm.lines });
  } finally {
    await vm.kill();
  }
}

async function floor(kind, files, { lo, hi, resolution, log, failures }) {
  const probes = [];
  let top = await probe(kind, files, hi, failures);
  probes.push({ memoryMiB: hi, ...top });
  while (!top.ok && hi < 2048) {
    hi *= 2;
    top = await probe(kind, files, hi, failures);
    probes.push({ memoryMiB: hi, ...top });
  }
  if (!top.ok) return { floorMiB: undefined, probes };
  const rssAtDefault = top.rssMiB;
  while (hi - lo > resolution) {
    const mid = Math.round((lo + hi) / 2);
    const p = await probe(kind, files, mid, failures);
    probes.push({ memoryMiB: mid, ...p });
    log(`memory ${kind}: -m ${mid} ${p.ok ? 'serves 1000 requests' : `fails (${p.why})`}`);
    if (p.ok) hi = mid;
    else lo = mid;
  }
  return { floorMiB: hi, resolutionMiB: resolution, qemuRssMiBAtDefault: rssAtDefault, probes };
}

export async function bench({ resolution = 8, gzip = true, log = console.log } = {}) {
  const { image } = await appImage('hello-http');
  const def = defaultMemory(image);
  const linux = await linuxImage(image);
  const sides = {
    // QEMU refuses an initrd as large as RAM (both sides boot their image as the initrd).
    unikernel: ['unikernel', { image }, Math.floor(statSync(image).size / 1048576)],
    linux: ['linux', linux, Math.floor(statSync(linux.initramfs).size / 1048576)],
  };
  if (gzip) {
    const gz = await linuxImage(image, { gzip: true });
    sides.linuxGzip = ['linux', gz, Math.floor(statSync(gz.initramfs).size / 1048576)];
  }
  // A probe below the floor fails by design: its failures are kept apart (probeFailures), so
  // the harness-wide failures list stays a list of kernel findings.
  const failures = [];
  const result = { app: 'hello-http', accel: 'tcg', defaultMemoryMiB: def, requests: 1000, sides: {}, probeFailures: failures };
  for (const [k, [kind, files, lo]] of Object.entries(sides)) {
    result.sides[k] = await floor(kind, files, { lo, hi: def, resolution, log, failures });
    const s = result.sides[k];
    log(`memory ${k.padEnd(10)} smallest -m serving 1000 requests: ${s.floorMiB ?? '?'} MiB (±${resolution})  QEMU RSS at -m ${def}: ${s.qemuRssMiBAtDefault?.toFixed(0) ?? '?'} MiB`);
  }
  // A failure at an -m that then served all requests on the retry is a flaky guest, not the floor.
  const passed = new Set(Object.values(result.sides).flatMap((sd) => sd.probes.filter((p) => p.ok).map((p) => p.memoryMiB)));
  result.failures = failures.filter((f) => passed.has(Number(/-m (\d+)/.exec(f.label)?.[1])));
  return result;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const smoke = process.argv.includes('--smoke');
  const i = process.argv.indexOf('--resolution');
  await bench({ resolution: smoke ? 128 : i > 0 ? Number(process.argv[i + 1]) : 8, gzip: !smoke });
}
