import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeAccel, parseProbe, MIN_PROBE_RATE } from '../../../packager/src/vm/accel-probe.js';

const dir = mkdtempSync(join(tmpdir(), 'unipack-accel-'));
const kernel = join(dir, 'kernel.elf');
writeFileSync(kernel, 'fake kernel');
const device = join(dir, 'kvm');
writeFileSync(device, '');

function log(rate: number): string {
  return `unipack: boot version=0\nunipack: selftest passed=18 failed=0\nunipack: probe loops=10000000 ns=1 mloops_per_s=${rate}\nunipack: exit status=0\n`;
}

describe('accelerator probe', () => {
  it('parses the probe record', () => {
    expect(parseProbe(log(1234))).toBe(1234);
    expect(parseProbe('unipack: exit status=0\n')).toBeUndefined();
  });

  it('refuses KVM without a usable device, without booting', async () => {
    let boots = 0;
    const v = await probeAccel(kernel, {
      kvmDevice: join(dir, 'absent'),
      cacheFile: join(dir, 'c1.json'),
      bootKvm: async () => (boots++, { log: log(5000), status: 0 }),
    });
    expect(v.kvm).toBe(false);
    expect(boots).toBe(0);
  });

  it('refuses KVM that crawls, accepts KVM that runs, and caches the verdict', async () => {
    const slow = await probeAccel(kernel, {
      kvmDevice: device,
      cacheFile: join(dir, 'c2.json'),
      bootKvm: async () => ({ log: log(MIN_PROBE_RATE - 1), status: 0 }),
    });
    expect(slow.kvm).toBe(false);
    expect(slow.reason).toMatch(/under/);
    let boots = 0;
    const deps = {
      kvmDevice: device,
      cacheFile: join(dir, 'c3.json'),
      bootKvm: async () => (boots++, { log: log(3000), status: 0 }),
    };
    expect((await probeAccel(kernel, deps)).kvm).toBe(true);
    expect((await probeAccel(kernel, deps)).kvm).toBe(true);
    expect(boots).toBe(1);
    expect(JSON.parse(readFileSync(deps.cacheFile, 'utf8'))).toBeTypeOf('object');
  });

  it('refuses KVM when the probe boot fails or never finishes', async () => {
    const failed = await probeAccel(kernel, {
      kvmDevice: device,
      cacheFile: join(dir, 'c4.json'),
      bootKvm: async () => ({ log: '', failed: 'qemu: MSR 0x10a' }),
    });
    expect(failed.kvm).toBe(false);
    const unfinished = await probeAccel(kernel, {
      kvmDevice: device,
      cacheFile: join(dir, 'c5.json'),
      bootKvm: async () => ({ log: 'unipack: boot version=0\n', status: 124 }),
    });
    expect(unfinished.kvm).toBe(false);
  });
});
