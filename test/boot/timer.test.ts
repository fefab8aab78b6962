// The timer against the host clock: with `unipack.ticks=3000` the kernel prints
// `unipack: ticks-start`, counts 3000 timer interrupts, prints `unipack: ticks n=3000 hz=<H>
// tsc_hz=<F>` and exits 0. n/H seconds must match the host's time between the two lines
// (as they arrive on the debugcon pipe) within 5%.
import { describe, expect, test } from 'vitest';
import { MACHINES, boot, num, recordsOf } from './boot-helpers.js';

const TICKS = 3000;

describe.each(MACHINES)('timer on %s', (machine) => {
  test(`${TICKS} ticks take n/hz seconds of host time (±5%)`, async () => {
    const r = await boot(machine, `unipack.ticks=${TICKS}`);
    const startLine = r.logLines.find((l) => l.text === 'unipack: ticks-start' || l.text.startsWith('unipack: ticks-start '));
    const endLine = r.logLines.find((l) => l.text.startsWith('unipack: ticks n='));
    expect(startLine, 'a `unipack: ticks-start` line').toBeDefined();
    expect(endLine, 'a `unipack: ticks n=` line').toBeDefined();
    const rec = recordsOf(r, 'ticks')[0]!;
    const n = num(rec.fields.n);
    const hz = num(rec.fields.hz);
    expect(n).toBe(TICKS);
    expect(hz).toBeGreaterThan(0);
    expect(num(rec.fields.tsc_hz)).toBeGreaterThan(0);
    const guestSecs = n / hz;
    const hostSecs = (endLine!.atMs - startLine!.atMs) / 1000;
    expect(Math.abs(guestSecs - hostSecs) / hostSecs, `guest ${guestSecs}s vs host ${hostSecs.toFixed(3)}s`).toBeLessThan(0.05);
    expect(r.status).toBe(0);
  });
});
