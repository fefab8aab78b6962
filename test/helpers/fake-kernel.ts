// Builds test/fixtures/fake-kernel (a 32-bit PVH guest that speaks the boot contract's
// channels) once per process and returns its path.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const root = join(import.meta.dirname, '..', '..');
let built: string | undefined;

export function fakeKernel(): string {
  if (built) return built;
  const out = join(tmpdir(), `unipack-fake-kernel-${process.pid}`);
  execFileSync('make', ['-s', '-C', join(root, 'test', 'fixtures', 'fake-kernel'), `OUT=${out}`], { stdio: 'pipe' });
  built = join(out, 'fake-kernel.elf');
  return built;
}

export const repoRoot = root;
