// Same inputs, same image bytes, whatever the machine state around them: examples/native-addon
// (better-sqlite3 compiled from source by node-gyp in the staging npm ci) built twice through the
// CLI, from two different directories, with different file mtimes, different umasks and a fresh
// unipack cache each time (so both staging installs and both compiles really happen, in
// different staging paths). The two rootfs.tar files must be byte-identical.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const APP = join(ROOT, 'examples', 'native-addon');

function touchAll(dir: string, when: Date): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) touchAll(p, when);
    utimesSync(p, when, when);
  }
}

// Async: a build takes a minute, and a blocked worker misses vitest's RPC deadline.
async function buildIn(base: string, umask: string, when: Date): Promise<{ tar: string; log: string }> {
  const app = join(base, 'some', 'deeper', 'place', 'native-addon');
  mkdirSync(app, { recursive: true });
  cpSync(APP, app, { recursive: true, filter: (s) => !s.includes('node_modules') && !s.includes('.unipack') });
  touchAll(app, when);
  const out = join(base, 'image');
  const { stderr } = await promisify(execFile)('sh', ['-c', `umask ${umask} && exec "$0" "$@"`, process.execPath, join(ROOT, 'bin', 'unipack.js'), 'build', app, '-o', out, '--offline'], {
    env: { ...process.env, UNIPACK_CACHE_DIR: join(base, 'cache'), SOURCE_DATE_EPOCH: '' },
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  return { tar: join(out, 'rootfs.tar'), log: stderr };
}

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

test('examples/native-addon built from two staging paths, mtimes and umasks: the same rootfs.tar bytes', async () => {
  const a = mkdtempSync(join(tmpdir(), 'unipack-det-a-'));
  const b = mkdtempSync(join(tmpdir(), 'unipack-det-bbbbbbbbbbbbbbbbbbbb-'));
  try {
    const one = await buildIn(a, '022', new Date('2001-02-03T04:05:06Z'));
    const two = await buildIn(b, '077', new Date('2029-09-09T09:09:09Z'));
    // Both really compiled the addon (a fresh cache each), in different places.
    for (const base of [a, b]) expect(readdirSync(join(base, 'cache', 'deps')).length).toBe(1);
    expect(statSync(one.tar).size).toBeGreaterThan(10 << 20);
    expect(sha(two.tar), `image A: ${one.tar}\nimage B: ${two.tar}\n${one.log}`).toBe(sha(one.tar));
  } finally {
    rmSync(a, { recursive: true, force: true });
    rmSync(b, { recursive: true, force: true });
  }
}, 600_000);
