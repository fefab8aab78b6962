// What differs by design between the host and the VM: os.* fields that describe the machine are
// asserted against the VM's configuration (1 CPU, the guest memory, the app's name as hostname,
// a fresh uptime); the fields that do not are compared with the host. child_process cannot
// fork in a unikernel: spawnSync returns an error (the app keeps running) and the unsupported
// call is reported.
import { describe, expect, test } from 'vitest';
import { memoryForImage } from '../../packager/src/image/rootfs.js';
import { explain } from '../helpers/guest.js';
import { runNodeCase } from '../helpers/guest-node.js';

const machine = process.env.UNIPACK_TEST_MACHINE === 'q35' ? 'q35' : 'microvm';

const OS_SCRIPT = `
import os from 'node:os';
const same = {
  EOL: os.EOL, platform: os.platform(), arch: os.arch(), type: os.type(), endianness: os.endianness(),
  homedir: os.homedir(), tmpdir: os.tmpdir(), devNull: os.devNull, machine: os.machine(),
  user: (({ username, uid, gid, homedir }) => ({ username, uid, gid, homedir }))(os.userInfo()),
  SIGTERM: os.constants.signals.SIGTERM, ENOENT: os.constants.errno.ENOENT, priority: os.getPriority(),
};
console.log(JSON.stringify(same));
console.error(JSON.stringify({
  cpus: os.cpus().length, cpuModel: typeof os.cpus()[0]?.model, parallelism: os.availableParallelism(),
  totalmem: os.totalmem(), freemem: os.freemem(), hostname: os.hostname(), uptime: os.uptime(),
  release: os.release(), version: os.version(), loadavg: os.loadavg().length,
}));
`;

describe(`os and child_process in the unikernel (${machine})`, () => {
  test('os.*: machine-independent fields as on the host, the rest as the VM is configured', async () => {
    const { host, guest } = await runNodeCase({ source: OS_SCRIPT, name: 'os-probe' }, { machine });
    expect(guest.stdout, explain(host, guest)).toBe(host.stdout);
    expect(guest.status).toBe(0);
    const vm = JSON.parse(guest.stderr.trim().split('\n').pop()!) as Record<string, number | string>;
    expect(vm.cpus).toBe(1);
    expect(vm.cpuModel).toBe('string');
    expect(vm.parallelism).toBe(1);
    // guest RAM is sized from the image: max(256, 1.5 × image + 128) MiB; the kernel keeps a little
    const mem = memoryForImage(guest.imageBytes) * 1048576;
    expect(vm.totalmem as number).toBeGreaterThan(mem * 0.8);
    expect(vm.totalmem as number).toBeLessThanOrEqual(mem * 1.05);
    expect(vm.freemem as number).toBeLessThan(vm.totalmem as number);
    expect(vm.hostname).toBe('os-probe');
    expect(vm.uptime as number).toBeLessThan(60);
    expect(vm.release).toMatch(/^\d+\.\d+\.\d+/);
    expect(vm.loadavg).toBe(3);
  });

  test('child_process.spawnSync returns an error instead of crashing; the refused call is reported', async () => {
    const source = `
import { spawnSync, execSync } from 'node:child_process';
const r = spawnSync('/bin/true');
console.log('spawnSync', r.error ? 'error ' + r.error.code : 'status ' + r.status);
try { execSync('true'); console.log('execSync ok'); } catch (e) { console.log('execSync threw', e.code ?? e.status); }
console.log('still running');
`;
    const { host, guest } = await runNodeCase({ source, name: 'spawn' }, { machine });
    expect(host.stdout).toBe('spawnSync status 0\nexecSync ok\nstill running\n');
    expect(guest.status, explain(host, guest)).toBe(0);
    expect(guest.stdout).toMatch(/^spawnSync error E[A-Z]+\nexecSync threw \S+\nstill running\n$/);
    const refused = guest.unsupported.map((u) => u.syscall);
    expect(refused.some((s) => /^(clone|clone3|fork|vfork|execve)$/.test(s)), `unsupported: ${refused.join(',')}`).toBe(true);
  });
});
