// Builds the kernel once for the boot suites (make -C kernel). With UNIPACK_KERNEL set, that
// kernel is used as it is and nothing is built (testing a kernel built elsewhere).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export default function setup(): void {
  const root = join(import.meta.dirname, '..', '..');
  const custom = process.env.UNIPACK_KERNEL;
  if (custom) {
    if (!existsSync(custom)) throw new Error(`UNIPACK_KERNEL=${custom} does not exist`);
    return;
  }
  try {
    execFileSync('make', ['-s', '-C', join(root, 'kernel')], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`make -C kernel failed; the boot suites need the kernel:\n${err.stdout ?? ''}${err.stderr ?? err.message}`);
  }
}
