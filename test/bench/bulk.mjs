// Bulk TCP throughput over TAP: curl in the namespace sends 100 MB to the app (PUT /sink) and
// fetches 100 MB from it (GET /source) — test/bench/apps/bulk, which neither hashes nor copies
// in JavaScript, so the figure is the network path: our stack and virtio-net driver vs Linux's,
// same QEMU, same TAP namespace, same memory. Host node on loopback for scale. MB/s per
// direction as the median of `runs` transfers after one warm-up transfer each way.
// Usage: node test/bench/bulk.mjs [--smoke] [--runs N] [--mb N]
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { tapNamespace } from './http.mjs';
import { appImage, appSource, linuxImage, TAP_NET } from './images.mjs';
import { fmt, stats } from './stats.mjs';
import { attempt, defaultMemory, linuxMemory, startVm, withHostServer } from './vm.mjs';

const run = promisify(execFile);

/** One transfer with curl (in the namespace when there is one): seconds, checked byte count. */
async function transfer(target, dir, bytes, file) {
  const url = dir === 'up' ? `${target.base}/sink` : `${target.base}/source?bytes=${bytes}`;
  const args = ['-sS', '-m', '600', '-w', '\\n%{time_total} %{size_download} %{size_upload}', ...(dir === 'up' ? ['-T', file, '-o', '-'] : ['-o', '/dev/null']), url];
  const [cmd, argv] = target.netns ? ['ip', ['netns', 'exec', target.netns, 'curl', ...args]] : ['curl', args];
  const { stdout } = await run(cmd, argv, { timeout: 620_000, maxBuffer: 1 << 20 });
  const lines = stdout.trim().split('\n');
  const [secs, down, up] = lines.at(-1).split(' ').map(Number);
  const moved = dir === 'up' ? Number(lines[0]) : down;
  if (moved !== bytes || (dir === 'up' && up !== bytes)) throw new Error(`bench: ${dir} moved ${moved} of ${bytes} bytes`);
  return secs;
}

async function measure(target, { runs, bytes, file }) {
  const r = {};
  for (const dir of ['up', 'down']) {
    await transfer(target, dir, bytes, file);   // warm-up: V8 tiers up, TCG translates the path
    const mbs = [];
    for (let i = 0; i < runs; i++) mbs.push(bytes / 1e6 / (await transfer(target, dir, bytes, file)));
    r[dir] = stats(mbs);
  }
  return r;
}

async function vmSide(kind, files, memoryMiB, o) {
  const vm = startVm({ kind, ...files, memoryMiB, tap: { netns: o.netns, tap: TAP_NET.tap } });
  try {
    await vm.waitLine(/^READY$/, 60_000);
    return { memoryMiB, ...(await measure({ base: `http://${TAP_NET.guest}:8080`, netns: o.netns }, o)) };
  } finally {
    await vm.kill();
  }
}

function hostSide(nodePath, o) {
  return withHostServer(nodePath, appSource('bulk'), {}, (port) => measure({ base: `http://127.0.0.1:${port}` }, o));
}

export async function bench({ runs = 3, mb = 100, log = console.log } = {}) {
  const failures = [];
  const bytes = mb * 1_000_000;
  const tmp = mkdtempSync(join(tmpdir(), 'unipack-bulk-'));
  const file = join(tmp, 'up.bin');
  writeFileSync(file, Buffer.alloc(bytes, 0xa5));
  try {
    const netns = tapNamespace();
    const o = { runs, bytes, file, netns };
    const { image, runtime } = await appImage('bulk', { tap: true });
    const memoryMiB = defaultMemory(image);
    const r = { bytes, runs };
    r.host = await hostSide(runtime.nodePath, o);
    r.unikernel = await attempt('bulk unikernel', failures, () => vmSide('unikernel', { image }, memoryMiB, o));
    const linux = await linuxImage(image);
    r.linux = await attempt('bulk linux', failures, () => vmSide('linux', linux, linuxMemory(memoryMiB, linux), o));
    for (const side of ['unikernel', 'linux', 'host']) {
      const s = r[side];
      log(`bulk ${mb} MB over ${side === 'host' ? 'loopback' : 'TAP'} ${side.padEnd(10)} up ${fmt(s?.up, ' MB/s', 1)}  down ${fmt(s?.down, ' MB/s', 1)}`);
    }
    return { failures, ...r };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const at = (f, d) => {
    const i = process.argv.indexOf(f);
    return i > 0 ? Number(process.argv[i + 1]) : d;
  };
  const smoke = process.argv.includes('--smoke');
  await bench(smoke ? { runs: 1, mb: 5 } : { runs: at('--runs', 3), mb: at('--mb', 100) });
}
