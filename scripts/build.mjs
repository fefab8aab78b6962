// Builds unipack: the TypeScript packager (tsc → dist/) and, when the kernel tree has its
// Makefile, the kernel (make -C kernel → kernel/build/kernel.elf). The kernel step is
// conditional so the packager builds on its own while the kernel is being written.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// --kernel-optional: a failing kernel build is reported but does not fail this script. `npm test`
// uses it so the unit suites still run; the boot suites run `make -C kernel` again and fail there.
const kernelOptional = process.argv.includes('--kernel-optional');

function step(label, cmd, args, optional = false) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    console.error(`build: ${label} failed (exit ${r.status ?? r.signal})${optional ? '; going on (--kernel-optional)' : ''}`);
    if (!optional) process.exit(r.status ?? 1);
  }
}

const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
step('tsc', process.execPath, [tsc, '-p', join(root, 'packager', 'tsconfig.json')]);

if (existsSync(join(root, 'kernel', 'Makefile'))) {
  step('kernel', 'make', ['-s', '-C', 'kernel'], kernelOptional);
} else {
  console.error('build: kernel/Makefile not found; skipping the kernel build');
}
