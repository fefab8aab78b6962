// Differential ABI suite: every test/abi/*.c (but the fuzzer), built static with musl, static
// with glibc and dynamic with glibc, runs on the host in a fresh directory and in the unikernel
// through `unipack exec`'s code path; stdout and exit status must be the same.
import { describe, test } from 'vitest';
import { TEST_MACHINE, differential } from './differential.js';
import { GUEST_ONLY, built } from './programs.js';

// The q35 smoke run (UNIPACK_SMOKE=1) takes one build of each program: dynamic glibc.
const programs = built().filter((b) => !GUEST_ONLY.has(b.name) && (!process.env.UNIPACK_SMOKE || b.variant === 'glibc-dynamic'));

describe(`ABI, host vs unikernel (${TEST_MACHINE})`, () => {
  test.each(programs.map((b) => [`${b.name} [${b.variant}]`, b] as const))('%s', async (_label, b) => {
    await differential(b);
  });
});
