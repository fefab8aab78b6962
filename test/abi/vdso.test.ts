// The vDSO is really used: glibc (static and dynamic) and musl resolve clock_gettime,
// gettimeofday and time through it, so a loop of 8000 calls makes none of them as syscalls.
// glibc falls back to syscalls silently when the vDSO is malformed — this catches that.
import { describe, expect, test } from 'vitest';
import { built } from './programs.js';
import { runInGuest } from '../helpers/guest.js';

const machine = process.env.UNIPACK_TEST_MACHINE === 'q35' ? 'q35' : 'microvm';
const programs = built().filter((b) => b.name === 'vdso_loop' && b.path);

describe(`vDSO clocks make no syscalls (${machine})`, () => {
  test('the program is built in every variant', () => {
    expect(programs.map((b) => b.variant).sort()).toEqual(['glibc-dynamic', 'glibc-static', 'musl-static']);
  });

  test.each(programs.map((b) => [b.variant, b] as const))('%s', async (_v, b) => {
    const g = await runInGuest(b.path!, [], { argv0: 'vdso_loop', machine, trace: true });
    expect(g.status).toBe(0);
    expect(g.stdout).toContain('monotonic went backwards: 0');
    const calls = g.log.split('\n').filter((l) => /^\[\d+\] (clock_gettime|gettimeofday|time)\(/.test(l));
    // A libc may read the clock once at start-up through the syscall; 8000 loop calls must not be there.
    expect(calls.length, calls.slice(0, 5).join('\n')).toBeLessThan(10);
  });
});
