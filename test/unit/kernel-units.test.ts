// Host unit tests of kernel units (test/unit/kernel/*_test.c, built with ASan/UBSan by their
// Makefile), one vitest case per test program so the ledger and CI count them.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { repoRoot } from '../helpers/fake-kernel.js';

const dir = join(repoRoot, 'test', 'unit', 'kernel');
const programs = readdirSync(dir)
  .filter((f) => f.endsWith('_test.c'))
  .map((f) => f.slice(0, -2))
  .sort();

describe('kernel units on the host', () => {
  test('the Makefile builds every test program', () => {
    execFileSync('make', ['-s', '-C', dir, 'all'], { stdio: 'pipe' });
    for (const p of programs) expect(existsSync(join(dir, 'build', p)), p).toBe(true);
  }, 300_000);

  test.each(programs)('%s', (p) => {
    const exe = join(dir, 'build', p);
    expect(statSync(exe).isFile()).toBe(true);
    const r = spawnSync(exe, [], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, `${p} failed:\n${r.stdout}\n${r.stderr}`).toBe(0);
  });
});
