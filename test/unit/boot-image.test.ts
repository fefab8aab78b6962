// The pieces of booting an image that need no guest: the kernel command line, port-forward
// flags, the framed stdin encoding, and how `exec` splits its arguments from the program's.
import { PassThrough } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { kernelCmdline, manifestNet, netArgs } from '../../packager/src/boot-image.js';
import { splitAtProgram } from '../../packager/src/cli.js';
import { appArgv } from '../../packager/src/build.js';
import { frameChunk, frameData, framer } from '../../packager/src/vm/stdin.js';

describe('kernel command line and QEMU flags', () => {
  test('stdin mode, trace, injections, extra words', () => {
    expect(kernelCmdline({ stdinMode: 'null' })).toBe('');
    expect(kernelCmdline({ stdinMode: 'framed', trace: true, inject: ['openat:ENOENT', 'write:EIO:3'], kernelArgs: ['unipack.aslr=0'] })).toBe(
      'unipack.stdin=framed unipack.trace=syscalls unipack.inject=openat:ENOENT unipack.inject=write:EIO:3 unipack.aslr=0',
    );
  });

  test('ports: user networking with forwards, virtio-net on the machine’s bus', () => {
    expect(netArgs('microvm', [])).toEqual([]);
    const ports = [
      { host: 8080, guest: 80, proto: 'tcp' as const },
      { host: 5353, guest: 53, proto: 'udp' as const },
    ];
    expect(netArgs('microvm', ports)).toEqual(['-netdev', 'user,id=net0,hostfwd=tcp::8080-:80,hostfwd=udp::5353-:53', '-device', 'virtio-net-device,netdev=net0']);
    expect(netArgs('q35', ports.slice(0, 1))).toEqual(['-netdev', 'user,id=net0,hostfwd=tcp::8080-:80', '-device', 'virtio-net-pci,netdev=net0']);
  });

  test('network modes: a declared user network gets a NIC without ports; tap attaches an existing device; none has no NIC', () => {
    expect(netArgs('microvm', [], { mode: 'user', always: true })).toEqual(['-netdev', 'user,id=net0', '-device', 'virtio-net-device,netdev=net0']);
    expect(netArgs('q35', [], { mode: 'tap', tap: 'tap7' })).toEqual(['-netdev', 'tap,id=net0,ifname=tap7,script=no,downscript=no', '-device', 'virtio-net-pci,netdev=net0']);
    expect(netArgs('microvm', [{ host: 1, guest: 1, proto: 'tcp' }], { mode: 'none' })).toEqual([]);
    const m = (network: object, sources: Record<string, string>) => manifestNet({ network: { dns: [], ...network } as never, sources });
    expect(m({ mode: 'user' }, { network: 'default' })).toEqual({ mode: 'user' });
    expect(m({ mode: 'user' }, { network: 'unipack.yaml' })).toEqual({ mode: 'user', always: true });
    expect(m({ mode: 'tap', tap: 'tap0' }, { network: 'unipack.yaml' })).toEqual({ mode: 'tap', tap: 'tap0' });
    expect(m({ mode: 'none' }, { network: 'unipack.yaml' })).toEqual({ mode: 'none' });
  });
});

describe('framed stdin', () => {
  test('0xFF doubles, EOF is FF 00', () => {
    expect([...frameChunk(Buffer.from([1, 0xff, 2]))]).toEqual([1, 0xff, 0xff, 2]);
    expect([...frameData('ab')]).toEqual([0x61, 0x62, 0xff, 0x00]);
    expect([...frameData(new Uint8Array([0xff, 0x00]))]).toEqual([0xff, 0xff, 0x00, 0xff, 0x00]);
  });

  test('the stream form frames every chunk and ends with EOF', async () => {
    const src = new PassThrough();
    const out: Buffer[] = [];
    const f = src.pipe(framer());
    f.on('data', (b: Buffer) => out.push(b));
    src.write(Buffer.from([0xff]));
    src.end(Buffer.from('x'));
    await new Promise((r) => f.on('end', r));
    expect([...Buffer.concat(out)]).toEqual([0xff, 0xff, 0x78, 0xff, 0x00]);
  });
});

describe('argument handling', () => {
  const opts = { cwd: { type: 'string' as const }, trace: { type: 'boolean' as const }, env: { type: 'string' as const, short: 'e', multiple: true } };
  test('exec: options before the program are ours, the rest is the program’s', () => {
    expect(splitAtProgram(['--trace', 'ls', '-la', '--trace'], opts)).toEqual({ ours: ['--trace'], program: ['ls', '-la', '--trace'] });
    expect(splitAtProgram(['--cwd', '/x', '-e', 'A=1', 'env'], opts)).toEqual({ ours: ['--cwd', '/x', '-e', 'A=1'], program: ['env'] });
    expect(splitAtProgram(['--trace', '--', '-weird-name'], opts)).toEqual({ ours: ['--trace'], program: ['-weird-name'] });
    expect(splitAtProgram(['--trace'], opts)).toEqual({ ours: ['--trace'], program: [] });
  });

  test('app argv: node + entry under /app + args, or the command with node mapped', () => {
    expect(appArgv({ dir: '/src/app', entry: '/src/app/lib/main.js', args: ['a'] }, ['b'])).toEqual(['/usr/bin/node', '/app/lib/main.js', 'a', 'b']);
    expect(appArgv({ dir: '/src/app', command: ['node', '--enable-source-maps', 'dist/x.js'], args: [] })).toEqual(['/usr/bin/node', '--enable-source-maps', 'dist/x.js']);
    expect(() => appArgv({ dir: '/src/app', entry: '/elsewhere/x.js', args: [] })).toThrow(/outside the app directory/);
    expect(() => appArgv({ dir: '/src/app', args: [] })).toThrow(/no entry point/);
  });
});

describe('exec image paths', () => {
  test('a program under a directory the kernel mounts over goes to /usr/local/bin', async () => {
    const { imagePathFor, fileEntries } = await import('../../packager/src/commands/exec.js');
    expect(imagePathFor('/usr/bin/ls')).toBe('/usr/bin/ls');
    expect(imagePathFor('/tmp/build/prog')).toBe('/usr/local/bin/prog');
    expect(imagePathFor('/tmpfoo/prog')).toBe('/tmpfoo/prog');
    expect(() => fileEntries([{ host: '/etc/hostname', image: '/tmp/x' }])).toThrow(/mounts over/);
  });
});
