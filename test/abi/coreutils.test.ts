// Real, unmodified Debian binaries through `unipack exec`, compared with the same binaries on
// the host: ls -la on a directory of the image, cat, env, sha256sum, find, stat, date against the
// host clock, true and false. The host side works on a copy of the fixture on tmpfs (/dev/shm)
// with the image's modes and mtime (0), since the guest's root is tmpfs-like: directory sizes
// and block counts then mean the same on both sides.
import { cpSync, lstatSync, mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { explain, normaliseModes, runInGuest, runOnHost, type GuestOptions } from '../helpers/guest.js';
import { FIXTURES_DIR, GUEST_FIXTURES } from './programs.js';

const machine = process.env.UNIPACK_TEST_MACHINE === 'q35' ? 'q35' : 'microvm';
let hostRoot: string;
let hostFixtures: string;

function zeroTimes(dir: string): void {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.isDirectory()) zeroTimes(p);
    if (!st.isSymbolicLink()) utimesSync(p, 0, 0);
  }
  utimesSync(dir, 0, 0);
}

beforeAll(() => {
  hostRoot = mkdtempSync('/dev/shm/unipack-coreutils-');
  hostFixtures = join(hostRoot, 'fixtures');
  cpSync(FIXTURES_DIR, hostFixtures, { recursive: true });
  normaliseModes(hostFixtures);
  zeroTimes(hostFixtures);
});
afterAll(() => rmSync(hostRoot, { recursive: true, force: true }));

/** One binary on both sides; `hostArgs`/`guestArgs` differ only in where the fixtures are. */
async function both(program: string, args: (fixtures: string) => string[], o: { cwd?: (fixtures: string) => string } & GuestOptions = {}) {
  const host = await runOnHost(program, args(hostFixtures), { argv0: program, cwd: o.cwd?.(hostFixtures) ?? hostRoot });
  const guest = await runInGuest(program, args(GUEST_FIXTURES), {
    argv0: program,
    files: [{ host: FIXTURES_DIR, image: GUEST_FIXTURES }],
    machine,
    ...(o.cwd ? { cwd: o.cwd(GUEST_FIXTURES) } : {}),
  });
  return { host, guest, why: explain(host, guest) };
}

describe(`Debian coreutils, host vs unikernel (${machine})`, () => {
  test('ls -la on a directory of the image', async () => {
    const { host, guest, why } = await both('ls', (f) => ['-la', '--time-style=+%s', `${f}/overlay`, `${f}/overlay/app`]);
    // the only difference by design: the directory's path
    expect(guest.stdout, why).toBe(host.stdout.replaceAll(hostFixtures, GUEST_FIXTURES));
    expect(guest.status, why).toBe(host.status);
  });

  test('cat, sha256sum (of a fixture and of the binary itself)', async () => {
    const c = await both('cat', (f) => [`${f}/overlay/etc/conf`, `${f}/overlay/app/lib/a.js`]);
    expect(c.guest.stdout, c.why).toBe(c.host.stdout);
    expect(c.guest.status).toBe(0);
    const s = await both('sha256sum', (f) => [`${f}/overlay/etc/conf`, '/usr/bin/sha256sum']);
    expect(s.guest.stdout, s.why).toBe(s.host.stdout.replaceAll(hostFixtures, GUEST_FIXTURES));
    expect(s.guest.status).toBe(0);
    const missing = await both('cat', (f) => [`${f}/nope`]);
    expect(missing.guest.status, missing.why).toBe(1);
    expect(missing.guest.stderr).toBe(missing.host.stderr.replaceAll(hostFixtures, GUEST_FIXTURES));
  });

  test('env', async () => {
    const { host, guest, why } = await both('env', () => []);
    expect(guest.stdout, why).toBe(host.stdout);
    expect(guest.status).toBe(0);
  });

  test('find (sorted: readdir order is the file system’s own)', async () => {
    const { host, guest, why } = await both('find', () => ['.', '-printf', '%p %y %s %m\\n'], { cwd: (f) => `${f}/overlay` });
    const sorted = (s: string) => s.split('\n').sort().join('\n');
    expect(sorted(guest.stdout), why).toBe(sorted(host.stdout));
    expect(guest.status).toBe(0);
  });

  test("stat -c '%s %a %F'", async () => {
    const { host, guest, why } = await both('stat', (f) => ['-c', '%s %a %F %h', `${f}/overlay/etc/conf`, `${f}/overlay/app`, '/etc/passwd']);
    // /etc/passwd differs in size (the image's is generated): compare the fixture lines only
    const lines = (s: string) => s.split('\n').slice(0, 2).join('\n');
    expect(lines(guest.stdout), why).toBe(lines(host.stdout));
    expect(guest.stdout.split('\n')[2]).toMatch(/^\d+ 644 regular file 1$/);
    expect(guest.status).toBe(0);
  });

  test('date +%s is within 2 s of the host clock', async () => {
    const before = Math.floor(Date.now() / 1000);
    const guest = await runInGuest('date', ['+%s'], { argv0: 'date', machine });
    const after = Math.ceil(Date.now() / 1000);
    const t = Number(guest.stdout.trim());
    expect(guest.status).toBe(0);
    expect(t).toBeGreaterThanOrEqual(before - 2);
    expect(t).toBeLessThanOrEqual(after + 2);
    const utc = await both('date', () => ['-u', '-d', '@86400', '+%F %T %Z %a']);
    expect(utc.guest.stdout, utc.why).toBe(utc.host.stdout);
  });

  test('true exits 0, false exits 1', async () => {
    const t = await runInGuest('true', [], { argv0: 'true', machine });
    expect(t.status).toBe(0);
    const f = await runInGuest('false', [], { argv0: 'false', machine });
    expect(f.status).toBe(1);
    expect(f.stdout).toBe('');
  });

  test('stdin: a short text reaches cat byte for byte, EOF included', async () => {
    const text = 'line one\nline two ÿ\n';
    const g = await runInGuest('cat', [], { argv0: 'cat', machine, stdin: { data: text } });
    expect(g.stdout).toBe(text);
    expect(g.status).toBe(0);
  });

  // Once a race between the COM1 IRQ handler and a reader corrupted input, and a full ring
  // dropped it: the UART is now read with interrupts off and only while the ring has room.
  test('stdin: 200 KB of binary data reach sha256sum intact', async () => {
    const data = Buffer.alloc(200_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919 + (i >> 8)) & 0xff;
    const { createHash } = await import('node:crypto');
    const g = await runInGuest('sha256sum', [], { argv0: 'sha256sum', machine, stdin: { data } });
    expect(g.stdout).toBe(`${createHash('sha256').update(data).digest('hex')}  -\n`);
  });
});
