// Where unipack's own files are: the package root (found by walking up from this module, so
// it works both from dist/ and from packager/src/ under vitest) and the default kernel.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj) && (JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name === 'unipack') {
      root = dir;
      return dir;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`unipack: package.json not found above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

export function packageJson(): { name: string; version: string } {
  return JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { name: string; version: string };
}

/** The kernel ELF: $UNIPACK_KERNEL when set (escape hatch for custom kernels), else the built one. */
export function defaultKernelPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.UNIPACK_KERNEL || join(packageRoot(), 'kernel', 'build', 'kernel.elf');
}
