// The QEMU command line for one guest, following DESIGN.md's boot contract. Kept separate from
// process handling so the exact flags are unit-tested and documented in one place.

export type Machine = 'microvm' | 'q35';
export type Accel = 'tcg' | 'kvm' | 'auto';

export interface QemuArgsOptions {
  kernel: string;
  initrd?: string;
  cmdline?: string;
  machine?: Machine;
  memoryMiB?: number;
  accel?: Accel;
  /** Deterministic instruction counting (`-icount <value>`), e.g. 'shift=0,sleep=off'. */
  icount?: string;
  /** Appended verbatim (devices, netdevs) — for tests and later features. */
  extraArgs?: readonly string[];
}

/** File descriptors the runner gives QEMU for the two non-stdio channels. */
export const COM2_FD = 3;
export const DEBUGCON_FD = 4;

export const DEFAULT_MEMORY_MIB = 256;

/**
 * runVm resolves 'auto' before calling here, with the cached probe boot (accel-probe.ts);
 * a bare 'auto' means TCG: /dev/kvm on our machines is a nested software hypervisor on which
 * real guests crawl (DESIGN.md "Accelerator").
 */
export function resolveAccel(accel: Accel): 'tcg' | 'kvm' {
  return accel === 'kvm' ? 'kvm' : 'tcg';
}

export function machineArg(machine: Machine): string {
  // microvm without ACPI: QEMU appends virtio_mmio.device=… to the command line, the kernel
  // needs no ACPI parser (Firecracker's device model).
  return machine === 'microvm' ? 'microvm,acpi=off' : 'q35';
}

export function qemuArgs(o: QemuArgsOptions): string[] {
  const accel = resolveAccel(o.accel ?? 'auto');
  const args = [
    '-M', machineArg(o.machine ?? 'microvm'),
    '-accel', accel,
    '-cpu', accel === 'kvm' ? 'host' : 'max',
    '-m', String(o.memoryMiB ?? DEFAULT_MEMORY_MIB),
    '-smp', '1',
    '-nodefaults', '-no-user-config',
    // Not -nographic: on q35 it makes QEMU ask SeaBIOS to mirror its screen onto COM1
    // (fw_cfg etc/sercon-port), which would put BIOS text on the app's stdout.
    '-display', 'none',
    '-no-reboot',
    '-kernel', o.kernel,
  ];
  if (o.initrd) args.push('-initrd', o.initrd);
  if (o.cmdline) args.push('-append', o.cmdline);
  if (o.icount) args.push('-icount', o.icount);
  args.push(
    // COM1 (0x3f8): the app's stdout and stdin, on QEMU's own stdio. signal=off: a ^C typed
    // into the guest's stdin is data, not a request to stop QEMU.
    '-chardev', 'stdio,id=com1,signal=off',
    '-serial', 'chardev:com1',
    // COM2 (0x2f8): the app's stderr, to the runner through fd 3. Node gives a child's extra
    // stdio as socketpairs, not pipes: `file,path=/dev/fd/3` fails (ENXIO: a socket cannot be
    // reopened) and `-add-fd` + /dev/fdset fails too (the O_RDWR socket does not match the
    // O_WRONLY open), so the fd is handed to a socket chardev as an already-connected socket.
    '-chardev', `socket,id=com2,fd=${COM2_FD}`,
    '-device', 'isa-serial,chardev=com2,iobase=0x2f8,irq=3',
    // Port 0xe9: the kernel log, to the runner through fd 4 (a socket, as for COM2).
    '-chardev', `socket,id=dbg,fd=${DEBUGCON_FD}`,
    '-device', 'isa-debugcon,iobase=0xe9,chardev=dbg',
    // Port 0xf4: writing N ends QEMU with exit code (N << 1) | 1.
    '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04',
  );
  if (o.extraArgs) args.push(...o.extraArgs);
  return args;
}
