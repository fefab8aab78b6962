// Shared by the boot suites: boot the real kernel (kernel/build/kernel.elf or $UNIPACK_KERNEL)
// under TCG on a given machine, and read its log.
import { defaultKernelPath } from '../../packager/src/paths.js';
import { runVm, type RunVmOptions, type RunVmResult } from '../../packager/src/vm/run-vm.js';
import type { Machine } from '../../packager/src/vm/qemu-args.js';
import type { KernelRecord } from '../../packager/src/vm/kernel-log.js';

export const MACHINES: readonly Machine[] = ['microvm', 'q35'];
export const MEMORY_MIB = 256;

export function boot(machine: Machine, cmdline: string, extra: Partial<RunVmOptions> = {}): Promise<RunVmResult> {
  return runVm({
    kernel: defaultKernelPath(),
    machine,
    memoryMiB: MEMORY_MIB,
    accel: 'tcg',
    cmdline,
    timeoutMs: 120_000,
    ...extra,
  });
}

export function recordsOf(r: RunVmResult, event: string): KernelRecord[] {
  return r.records.filter((x) => x.event === event);
}

export function num(v: string | undefined): number {
  if (v === undefined) throw new Error('missing field');
  return v.startsWith('0x') ? Number(BigInt(v)) : Number(v);
}
