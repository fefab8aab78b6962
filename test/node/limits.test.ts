// Memory limits, guest only (the host has 24 GiB, so there is nothing to compare with): an app
// that keeps allocating past the VM's memory ends like under Linux's OOM killer — an `oom`
// record, SIGKILL, `unipack run` exits 137 — and its output up to then is kept. The kernel never
// panics or hangs on it.
import { expect, test } from 'vitest';
import { explain } from '../helpers/guest.js';
import { runAppInGuest, testNode, writeApp } from '../helpers/guest-node.js';
import { rmSync } from 'node:fs';

const machine = process.env.UNIPACK_TEST_MACHINE === 'q35' ? 'q35' : 'microvm';

const GREEDY = `
const held = [];
for (let i = 1; ; i++) {
  held.push(Buffer.alloc(16 * 1024 * 1024, i & 0xff));   // filled, so every page is really used
  if (i % 4 === 0) console.log('holding', i * 16, 'MiB');
}
`;

test(`allocating past the VM's memory: oom record, SIGKILL, exit 137, output kept (${machine}, node ${process.env.UNIPACK_TEST_NODE ?? 'of the host'})`, async () => {
  const dir = writeApp({ source: GREEDY, name: 'greedy', manifest: 'memory: 256M\n' }, (await testNode()).range);
  try {
    const guest = await runAppInGuest(dir, { machine });
    const why = explain({ status: 137, stdout: '(holding … MiB lines)', stderr: '' }, guest);
    expect(guest.status, why).toBe(137);
    const oom = guest.records.find((r) => r.event === 'oom');
    expect(oom, why).toBeDefined();
    expect(Number(oom!.fields.ram_kib), why).toBeGreaterThan(200 * 1024);
    expect(Number(oom!.fields.ram_kib), why).toBeLessThanOrEqual(256 * 1024);
    expect(guest.records.some((r) => r.event === 'signal' && r.fields.sig === '9'), why).toBe(true);
    expect(guest.records.some((r) => r.event === 'panic'), why).toBe(false);
    // Where the CPU went, for whoever reads the log: the main thread (tid 1) first, with the
    // milliseconds it spent filling the buffers.
    const threads = guest.records.find((r) => r.event === 'threads');
    expect(threads?.fields.cpu, why).toMatch(/^1 \S+ [1-9]\d*ms(;\d+ \S+ \d+ms)*$/);
    expect(Number(threads!.fields.live), why).toBeGreaterThanOrEqual(1);
    // The app got at least to 64 MiB before the end, and said so on stdout.
    expect(guest.stdout, why).toMatch(/^holding 64 MiB$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
