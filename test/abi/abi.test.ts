// Differential ABI suite: every test/abi/*.c (but the fuzzer), built static with musl, static
// with glibc and dynamic with glibc, runs on the host in a fresh directory and in the unikernel
// through `unipack exec`'s code path; stdout and exit status must be the same.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'vitest';
import { TEST_MACHINE, differential } from './differential.js';
import { GUEST_ONLY, built } from './programs.js';

// The q35 smoke run (UNIPACK_SMOKE=1) takes one build of each program: dynamic glibc.
const programs = built().filter((b) => !GUEST_ONLY.has(b.name) && (!process.env.UNIPACK_SMOKE || b.variant === 'glibc-dynamic'));

const known = JSON.parse(readFileSync(join(import.meta.dirname, 'known-failures.json'), 'utf8')) as Record<string, string>;
const knownBug = (name: string, variant: string) => known[`${name} [${variant}]`] ?? known[name];

describe(`ABI, host vs unikernel (${TEST_MACHINE})`, () => {
  for (const b of programs) {
    const label = `${b.name} [${b.variant}]`;
    const bug = knownBug(b.name, b.variant);
    if (bug) {
      // an expected failure: goes red when the kernel is fixed (then drop the entry)
      test.fails(`${label} (known kernel bug, see known-failures.json)`, async () => {
        await differential(b, { timeoutMs: 20_000 });
      });
    } else {
      test(label, async () => {
        await differential(b);
      });
    }
  }
});
