// Exit status: `unipack.exit=N` → the record `unipack: exit status=N`, and runVm returns N
// (taken from the record, not from QEMU's 8-bit exit code).
import { describe, expect, test } from 'vitest';
import { MACHINES, boot, recordsOf } from './boot-helpers.js';

describe.each(MACHINES)('exit status on %s', (machine) => {
  test.each([0, 1, 2, 130, 255])('unipack.exit=%i', async (n) => {
    const r = await boot(machine, `unipack.exit=${n}`);
    expect(recordsOf(r, 'exit').map((x) => x.fields.status)).toEqual([String(n)]);
    expect(r.status).toBe(n);
    expect(r.qemuExitCode).toBe(((n << 1) | 1) & 0xff);
    expect(r.panic).toBeUndefined();
  });
});
