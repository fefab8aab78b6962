import { describe, expect, test } from 'vitest';
import { qemuArgs, resolveAccel } from '../../../packager/src/vm/qemu-args.js';

const flag = (args: string[], name: string) => args[args.indexOf(name) + 1];

describe('qemuArgs', () => {
  test('defaults follow the boot contract', () => {
    const a = qemuArgs({ kernel: '/k.elf' });
    expect(flag(a, '-M')).toBe('microvm,acpi=off');
    expect(flag(a, '-accel')).toBe('tcg');
    expect(flag(a, '-cpu')).toBe('max');
    expect(flag(a, '-m')).toBe('256');
    expect(flag(a, '-smp')).toBe('1');
    expect(flag(a, '-kernel')).toBe('/k.elf');
    for (const f of ['-nodefaults', '-no-user-config', '-no-reboot']) expect(a).toContain(f);
    expect(a).not.toContain('-nographic');
    expect(a).not.toContain('-initrd');
    expect(a).not.toContain('-append');
    expect(a.join(' ')).toContain('-device isa-debug-exit,iobase=0xf4,iosize=0x04');
    expect(a.join(' ')).toContain('-device isa-serial,chardev=com2,iobase=0x2f8,irq=3');
    expect(a.join(' ')).toContain('-device isa-debugcon,iobase=0xe9,chardev=dbg');
    expect(a.join(' ')).toContain('-serial chardev:com1');
  });

  test('q35, memory, initrd, cmdline, icount', () => {
    const a = qemuArgs({ kernel: 'k', machine: 'q35', memoryMiB: 512, initrd: 'r.tar', cmdline: 'a=1 b', icount: 'shift=0,sleep=off' });
    expect(flag(a, '-M')).toBe('q35');
    expect(flag(a, '-m')).toBe('512');
    expect(flag(a, '-initrd')).toBe('r.tar');
    expect(flag(a, '-append')).toBe('a=1 b');
    expect(flag(a, '-icount')).toBe('shift=0,sleep=off');
  });

  test('accel: auto is tcg for now, kvm uses -cpu host', () => {
    expect(resolveAccel('auto')).toBe('tcg');
    expect(resolveAccel('tcg')).toBe('tcg');
    const a = qemuArgs({ kernel: 'k', accel: 'kvm' });
    expect(flag(a, '-accel')).toBe('kvm');
    expect(flag(a, '-cpu')).toBe('host');
  });
});
