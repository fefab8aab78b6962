// The runner against the fake kernel (test/fixtures/fake-kernel): real QEMU, real channels,
// without depending on the real kernel's progress.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { ErrorCode } from '../../../packager/src/errors.js';
import { VmError, runVm } from '../../../packager/src/vm/run-vm.js';
import { fakeKernel } from '../../helpers/fake-kernel.js';

let kernel: string;
beforeAll(() => {
  kernel = fakeKernel();
});

describe.each(['microvm', 'q35'] as const)('runVm on %s', (machine) => {
  test('channels: COM1 → stdout, COM2 → stderr, debugcon → log; status from the exit record', async () => {
    const logFile = join(mkdtempSync(join(tmpdir(), 'unipack-run-')), 'kernel.log');
    const seen: string[] = [];
    const r = await runVm({ kernel, machine, cmdline: 'fake.exit=3', logFile, onLog: (l) => seen.push(l), timeoutMs: 30_000 });
    expect(r.status).toBe(3);
    expect(r.qemuExitCode).toBe((3 << 1) | 1);
    expect(r.stdout.toString()).toBe('fake stdout\n');
    expect(r.stderr.toString()).toBe('fake stderr\n');
    expect(r.log).toMatch(/^unipack: boot /);
    expect(r.records.map((x) => x.event)).toEqual(['boot', 'ready', 'exit']);
    expect(seen).toEqual(r.logLines.map((l) => l.text));
    expect(readFileSync(logFile, 'utf8')).toBe(r.log);
    expect(r.signal).toBeUndefined();
    expect(r.panic).toBeUndefined();
  });
});

describe('runVm outcomes', () => {
  test('status 255 survives QEMU exit code truncation', async () => {
    const r = await runVm({ kernel, cmdline: 'fake.exit=255', timeoutMs: 30_000 });
    expect(r.status).toBe(255);
    expect(r.qemuExitCode).toBe(((255 << 1) | 1) & 0xff);
  });

  test('signal → 128+N', async () => {
    const r = await runVm({ kernel, cmdline: 'fake.signal=15', timeoutMs: 30_000 });
    expect(r.signal).toBe(15);
    expect(r.status).toBe(143);
  });

  test('panic → 70 and the record', async () => {
    const r = await runVm({ kernel, cmdline: 'fake.panic', timeoutMs: 30_000 });
    expect(r.status).toBe(70);
    expect(r.panic?.fields.reason).toBe('fake');
  });

  test('unsupported records are collected', async () => {
    const r = await runVm({ kernel, cmdline: 'fake.unsupported', timeoutMs: 30_000 });
    expect(r.unsupported).toEqual([
      { syscall: 'fork', nr: 57, count: 3 },
      { syscall: 'execve', nr: 59, count: 1 },
    ]);
  });

  test('stdin reaches COM1', async () => {
    const r = await runVm({ kernel, cmdline: 'fake.echo', stdin: { data: 'ping.' }, timeoutMs: 30_000 });
    expect(r.stdout.toString()).toBe('fake stdout\nping');
  });

  test('no exit record → ERR_UNIPACK_QEMU_FAILED with the log so far', async () => {
    const err = await runVm({ kernel, cmdline: 'fake.silent', timeoutMs: 30_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VmError);
    expect((err as VmError).code).toBe(ErrorCode.QEMU_FAILED);
    expect((err as VmError).result.log).toContain('unipack: ready');
  });

  test('timeout kills QEMU → ERR_UNIPACK_TIMEOUT', async () => {
    const start = Date.now();
    const err = await runVm({ kernel, cmdline: 'fake.echo', stdin: 'ignore', timeoutMs: 1500 }).catch((e: unknown) => e);
    expect((err as VmError).code).toBe(ErrorCode.TIMEOUT);
    expect(Date.now() - start).toBeLessThan(10_000);
  });

  test('QEMU rejecting its arguments → ERR_UNIPACK_QEMU_FAILED with QEMU stderr', async () => {
    const err = await runVm({ kernel, extraArgs: ['-device', 'no-such-device'], timeoutMs: 30_000 }).catch((e: unknown) => e);
    expect((err as VmError).code).toBe(ErrorCode.QEMU_FAILED);
    expect((err as VmError).details).toContain('no-such-device');
  });

  test('missing kernel and missing QEMU have their own codes', async () => {
    await expect(runVm({ kernel: '/nonexistent/kernel.elf' })).rejects.toMatchObject({ code: ErrorCode.KERNEL_MISSING });
    await expect(runVm({ kernel, qemuBinary: 'qemu-system-does-not-exist' })).rejects.toMatchObject({ code: ErrorCode.QEMU_MISSING });
  });
});
