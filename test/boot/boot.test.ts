// Banner, memory map and selftest, read from one boot per machine (`unipack.selftest`).
// Contract: the kernel prints `unipack: boot version=<v> machine=<m>`, one `memmap` line per
// memory-map entry, then `memory ram= free= reserved=`; the selftest prints
// `selftest passed=N failed=0` and exits 0. Nothing reaches COM1 or COM2 (the app's channels).
import { beforeAll, describe, expect, test } from 'vitest';
import type { RunVmResult } from '../../packager/src/vm/run-vm.js';
import { MACHINES, MEMORY_MIB, boot, num, recordsOf } from './boot-helpers.js';

const PAGE = 4096n;

describe.each(MACHINES)('kernel on %s (unipack.selftest)', (machine) => {
  let r: RunVmResult;
  beforeAll(async () => {
    r = await boot(machine, 'unipack.selftest');
  });

  test('banner: a `unipack: boot` line; nothing on COM1 or COM2', () => {
    expect(r.logLines.some((l) => l.text.startsWith('unipack: boot'))).toBe(true);
    const banner = recordsOf(r, 'boot')[0];
    expect(banner?.fields.version).toBeTruthy();
    expect(banner?.fields.machine).toBeTruthy();
    expect(r.stdout.toString('latin1')).toBe('');
    expect(r.stderr.toString('latin1')).toBe('');
  });

  test('memory: ram is the page-rounded sum of usable entries, free+reserved=ram, ram ≈ -m', () => {
    const entries = recordsOf(r, 'memmap');
    expect(entries.length).toBeGreaterThan(0);
    let usable = 0n;
    for (const e of entries) {
      if (e.fields.type !== '1') continue;
      const start = BigInt(e.fields.addr!);
      const end = start + BigInt(e.fields.len!);
      const lo = ((start + PAGE - 1n) / PAGE) * PAGE;
      const hi = (end / PAGE) * PAGE;
      if (hi > lo) usable += hi - lo;
    }
    const mem = recordsOf(r, 'memory');
    expect(mem).toHaveLength(1);
    const ram = BigInt(num(mem[0]!.fields.ram));
    const free = BigInt(num(mem[0]!.fields.free));
    const reserved = BigInt(num(mem[0]!.fields.reserved));
    expect(ram).toBe(usable);
    expect(free + reserved).toBe(ram);
    const m = MEMORY_MIB * 1024 * 1024;
    expect(Math.abs(Number(ram) - m) / m).toBeLessThan(0.1);
    // memmap lines come before the memory summary
    const lastMap = r.logLines.findLastIndex((l) => l.text.startsWith('unipack: memmap '));
    const summary = r.logLines.findIndex((l) => l.text.startsWith('unipack: memory '));
    expect(lastMap).toBeLessThan(summary);
  });

  test('selftest: passed=N failed=0 and exit status 0', () => {
    const st = recordsOf(r, 'selftest');
    expect(st).toHaveLength(1);
    expect(num(st[0]!.fields.passed)).toBeGreaterThan(0);
    const failures = r.logLines.filter((l) => /fail/i.test(l.text)).map((l) => l.text);
    expect(st[0]!.fields.failed, `selftest failures:\n${failures.join('\n')}`).toBe('0');
    expect(r.status).toBe(0);
    expect(r.signal).toBeUndefined();
    expect(r.panic).toBeUndefined();
  });
});
