// The CLI end to end through bin/unipack.js (built into dist/ first): exit codes, which
// stream carries what, typed errors. Guests are the fake kernel (via UNIPACK_KERNEL).
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { fakeKernel, repoRoot } from '../helpers/fake-kernel.js';

let kernel: string;
const bin = join(repoRoot, 'bin', 'unipack.js');
const unipack = (args: string[], env: Record<string, string> = {}, input?: string) =>
  spawnSync(process.execPath, [bin, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, UNIPACK_KERNEL: kernel, CI: '1', ...env },
    ...(input !== undefined ? { input } : { stdio: ['ignore', 'pipe', 'pipe'] }),
    timeout: 60_000,
  });

beforeAll(() => {
  execFileSync(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(repoRoot, 'packager', 'tsconfig.json')]);
  kernel = fakeKernel();
});

describe('unipack CLI', () => {
  test('--version and --help', () => {
    const v = unipack(['--version']);
    expect(v.status).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const h = unipack(['--help']);
    expect(h.status).toBe(0);
    expect(h.stdout).toContain('unipack run [dir|image.tar|image dir]');
    expect(h.stdout).toContain('unipack build [dir]');
    expect(h.stdout).toContain('unipack exec [options] <program>');
  });

  test('usage errors exit 2 with a code and a hint on stderr', () => {
    for (const args of [
      ['frobnicate'],
      ['run', '--machine', 'pc'],
      ['run', '--memory', '-1'],
      ['run', '--no-such-flag'],
      ['exec'],
      ['exec', '--inject', 'nonsense', 'true'],
      ['exec', '-e', 'NOEQUALS', 'true'],
      ['build', 'a', 'b'],
    ]) {
      const r = unipack(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('ERR_UNIPACK_USAGE');
      expect(r.stderr).toContain('hint: see unipack --help');
    }
  });

  test('run: stdout carries only the app output, the exit status passes through', () => {
    const r = unipack(['run', 'examples/hello', '--kernel-args', 'fake.exit=42 fake.unsupported']);
    expect(r.stdout).toBe('fake stdout\n');
    expect(r.status).toBe(42);
    expect(r.stderr).toContain('fake stderr');
    expect(r.stderr).toMatch(/✓ boot microvm → exit 42/);
    expect(r.stderr).toMatch(/unsupported system calls .*fork×3, execve×1/);
  });

  test('run: signal → 128+N and the kernel log tail; panic → 70', () => {
    const s = unipack(['run', 'examples/hello', '--kernel-only', '--kernel-args', 'fake.signal=9']);
    expect(s.status).toBe(137);
    expect(s.stderr).toContain('unipack: signal sig=9');
    const p = unipack(['run', 'examples/hello', '--machine', 'q35', '--kernel-args', 'fake.panic']);
    expect(p.status).toBe(70);
    expect(p.stderr).toContain('unipack: panic reason=fake');
  });

  test('run --verbose streams the kernel log to stderr; stdin reaches the guest', () => {
    const r = unipack(['run', 'examples/hello', '--verbose', '--kernel-args', 'fake.echo'], {}, 'abc.');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('fake stdout\nabc');
    expect(r.stderr).toContain('unipack: boot version=fake');
  });

  test('SIGTERM to unipack stops QEMU and exits 143', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [bin, 'run', 'examples/hello', '--kernel-args', 'fake.echo'], {
      cwd: repoRoot,
      env: { ...process.env, UNIPACK_KERNEL: kernel, CI: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    // the guest waits for stdin forever; stop unipack once it has booted
    await new Promise<void>((res) => child.stdout.once('data', () => res()));
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
    expect(code).toBe(143);
    expect(err).toContain('ERR_UNIPACK_INTERRUPTED');
  });

  test('typed errors: missing kernel, missing app directory', () => {
    const k = unipack(['run', 'examples/hello'], { UNIPACK_KERNEL: '/nonexistent/kernel.elf' });
    expect(k.status).toBe(1);
    expect(k.stderr).toContain('ERR_UNIPACK_KERNEL_MISSING');
    const a = unipack(['run', 'no/such/app']);
    expect(a.status).toBe(1);
    expect(a.stderr).toContain('ERR_UNIPACK_APP_MISSING');
  });

  test('inspect --json prints machine-readable output on stdout only', () => {
    const r = unipack(['inspect', '--json', process.execPath]);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout) as { linkage: string; libraries: Array<{ name: string }> };
    expect(j.linkage).toBe('dynamic');
    expect(j.libraries.map((l) => l.name)).toContain('libc.so.6');
  });

  test('build --json: the image description on stdout, nothing else', () => {
    const out = join(repoRoot, '.unipack', 'test-cli-hello.tar');
    const r = unipack(['build', 'examples/hello', '-o', out, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { image: string; size: number; runtime: { source: string }; boot: { argv: string[]; cwd: string } };
    expect(j.image).toBe(out);
    expect(j.size).toBeGreaterThan(1 << 20);
    expect(j.boot.argv).toEqual(['/usr/bin/node', '/app/index.js']);
    expect(j.boot.cwd).toBe('/app');
    const plain = unipack(['build', 'examples/hello', '-o', out]);
    expect(plain.stdout).toBe('');
    expect(plain.stderr).toMatch(/✓ built .*test-cli-hello\.tar \(\d+\.\d MiB, \d+ files, node \d+\.\d+\.\d+ from the host\)/);
  });
});
