// Signals from the host reach the app, like a shell's Ctrl-C: `unipack run` turns SIGTERM and
// SIGINT into signals inside the unikernel (framed stdin, 0xFF N). An app that handles SIGTERM
// ends its own way; one that does not dies of SIGINT and unipack exits 130, as a shell would.
import { describe, expect, test } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

const root = join(import.meta.dirname, '..', '..');

async function runAndSignal(source: string, sig: NodeJS.Signals): Promise<{ status: number; stdout: string; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'unipack-sig-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'sig-app', main: 'index.js' }));
  writeFileSync(join(dir, 'index.js'), source);
  const child = execa('node', [join(root, 'bin', 'unipack.js'), 'run', dir, '-q', '--accel', 'tcg'], {
    reject: false,
    all: false,
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no READY: ${out}`)), 60_000);
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('READY')) {
        clearTimeout(t);
        resolve();
      }
    });
  });
  child.kill(sig);
  const r = await child;
  return { status: r.exitCode ?? -1, stdout: out + (r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

describe('signals from the host', () => {
  test('SIGTERM reaches a handler in the app, which exits 0', async () => {
    const r = await runAndSignal(
      "process.on('SIGTERM', () => { console.log('got SIGTERM'); process.exit(0); }); console.log('READY'); setInterval(() => {}, 1000);",
      'SIGTERM',
    );
    expect(r.stdout).toContain('got SIGTERM');
    expect(r.status).toBe(0);
  }, 90_000);

  test('SIGINT without a handler ends the app like Ctrl-C in a shell: status 130', async () => {
    const r = await runAndSignal("console.log('READY'); setInterval(() => {}, 1000);", 'SIGINT');
    expect(r.status).toBe(130);
    expect(r.stderr).not.toContain('kernel log');
  }, 90_000);
});
