// Keeps the benchmark harness working: runs it in smoke mode (one boot of each kind) and
// checks it produced sane numbers and the results file.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

test('npm run bench -- --smoke works', () => {
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'packager', 'tsconfig.json')]);
  const out = execFileSync(process.execPath, [join(root, 'test', 'bench', 'run.mjs'), '--smoke'], { encoding: 'utf8', timeout: 240_000 });
  expect(out).toMatch(/QEMU start → ready +median \d/);
  const j = JSON.parse(readFileSync(join(root, 'test', 'bench', 'results', 'latest.json'), 'utf8'));
  expect(j.smoke).toBe(true);
  const boot = j.parts.boot;
  expect(boot.readyWallMs.n).toBe(1);
  expect(boot.readyWallMs.median).toBeGreaterThan(0);
  expect(boot.readyGuestInstructions.median).toBeGreaterThan(0);
});
