// A kernel fault is reported, not hidden: `unipack.crash=pagefault` makes the kernel touch an
// unmapped address from a function named crash_pagefault; the log must hold the trap report
// (vector=14, cr2=, rip=), a backtrace line naming crash_pagefault, then `unipack: panic`.
import { describe, expect, test } from 'vitest';
import { PANIC_EXIT_CODE } from '../../packager/src/vm/kernel-log.js';
import { MACHINES, boot } from './boot-helpers.js';

describe.each(MACHINES)('page fault on %s', (machine) => {
  test('trap report, backtrace through crash_pagefault, panic record', async () => {
    const r = await boot(machine, 'unipack.crash=pagefault');
    const lines = r.logLines.map((l) => l.text);
    const report = lines.findIndex((l) => /\bvector=14\b/.test(l));
    expect(report, 'a line with vector=14').toBeGreaterThanOrEqual(0);
    const after = lines.slice(report);
    expect(after.join('\n')).toMatch(/\bcr2=0x[0-9a-f]+/i);
    expect(after.join('\n')).toMatch(/\brip=0x[0-9a-f]+/i);
    const bt = after.findIndex((l) => l.includes('crash_pagefault'));
    expect(bt, 'a backtrace line naming crash_pagefault').toBeGreaterThanOrEqual(0);
    const panic = lines.findIndex((l) => l.startsWith('unipack: panic'));
    expect(panic).toBeGreaterThan(report);
    expect(r.panic).toBeDefined();
    expect(r.status).toBe(PANIC_EXIT_CODE);
  });
});
