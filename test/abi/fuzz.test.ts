// The kernel never trusts the app: test/abi/fuzz.c (random syscall numbers, arguments and
// pointers; built static with musl and NEVER run on the host) runs in the unikernel with three
// seeds for about 10 s each. The kernel log must have no panic record and the VM must end on its
// own (an exit or signal record: the fuzzer itself may die) within the timeout. The seeds are
// printed; UNIPACK_FUZZ_SEEDS=1,2,3 replays them. `npm run fuzz` runs longer (scripts/fuzz.mjs).
import { randomInt } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { runInGuest } from '../helpers/guest.js';
import { TEST_MACHINE } from './differential.js';
import { built } from './programs.js';

const fuzz = built().find((b) => b.name === 'fuzz' && b.variant === 'musl-static');
const seeds = process.env.UNIPACK_FUZZ_SEEDS
  ? process.env.UNIPACK_FUZZ_SEEDS.split(',').map(Number)
  : [randomInt(1, 2 ** 32), randomInt(1, 2 ** 32), randomInt(1, 2 ** 32)];
const SECONDS = 10;

/**
 * One fuzzing budget: boots the fuzzer with `seed`, and when it dies early (it may: random
 * munmap/mprotect lengths reach its own stack) boots it again with the next derived seed
 * (seed * 1000 + i) until `seconds` have passed. Returns the seeds booted and how each ended.
 */
async function fuzzFor(path: string, seed: number, seconds: number): Promise<string[]> {
  const end = Date.now() + seconds * 1000;
  const ran: string[] = [];
  for (let i = 0; i === 0 || Date.now() < end; i++) {
    const s = i === 0 ? seed : seed * 1000 + i;
    const left = Math.max(1, Math.ceil((end - Date.now()) / 1000));
    // runInGuest throws when the VM ends without an exit/signal record or passes the timeout
    const g = await runInGuest(path, [String(s), '200000', String(left)], {
      argv0: 'fuzz',
      machine: TEST_MACHINE,
      timeoutMs: (left + 50) * 1000,
    }).catch((e: Error) => {
      throw new Error(`fuzz seed ${s}: ${e.message}\n${(e as { details?: string }).details ?? ''}`);
    });
    const panic = g.records.find((r) => r.event === 'panic');
    expect(panic?.raw, `seed ${s}: kernel panic\n${g.log.split('\n').slice(-30).join('\n')}`).toBeUndefined();
    const end_ = g.records.filter((r) => r.event === 'exit' || r.event === 'signal').pop();
    expect(end_, `seed ${s}: no exit or signal record`).toBeDefined();
    expect(g.stdout).toContain(`fuzz seed=${s}`);
    ran.push(`${s}:${end_!.event === 'exit' ? `exit ${end_!.fields.status}` : end_!.fields.name}`);
  }
  return ran;
}

describe(`syscall fuzzer in the unikernel (${TEST_MACHINE}), seeds ${seeds.join(',')}`, () => {
  test.each(seeds)('seed %d', async (seed) => {
    if (!fuzz?.path) throw new Error(`fuzz.c did not compile:\n${fuzz?.error ?? 'not built'}`);
    const ran = await fuzzFor(fuzz.path, seed, SECONDS);
    process.stdout.write(`fuzz: seed ${seed} (replay: UNIPACK_FUZZ_SEEDS=${seed}): ${ran.length} boots: ${ran.join(' ')}\n`);
  });
});
