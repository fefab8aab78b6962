// The fast subset of the compat suite (cases.json "fast": a web framework, WebSockets, a
// prebuilt native addon, a pure-JS library) inside `npm test`: each real app with the host's
// node and in the unikernel via the packager's run(); stdout and exit status must match. The
// whole suite and the matrix are `npm run compat` (test/compat/run.mjs).
import { describe, expect, test } from 'vitest';
// @ts-expect-error: plain ES module shared with run.mjs, no type declarations
import { loadCases, runCase } from './lib.mjs';

interface Row {
  result: string;
  why?: string;
  diff?: { line: number; host: string; guest: string };
  unsupported: Array<{ syscall: string; count: number }>;
  host: { stdout: string; status: number };
  guest: { stdout: string; stderr: string; status?: number; log: string };
}

const fast: string[] = loadCases().fast;

describe('compat (fast subset): real npm packages, host vs unikernel', () => {
  test.each(fast)('%s', async (name) => {
    const r = (await runCase(name)) as Row;
    const explain = [
      `app test/compat/apps/${name}: ${r.why ?? 'output differs'}`,
      r.diff ? `first difference, line ${r.diff.line}: host ${JSON.stringify(r.diff.host)} vs unikernel ${JSON.stringify(r.diff.guest)}` : '',
      r.unsupported.length ? `unsupported calls: ${r.unsupported.map((u) => `${u.syscall}×${u.count}`).join(' ')}` : '',
      `guest stderr:\n${r.guest.stderr.slice(-1500)}`,
      `kernel log tail:\n${r.guest.log.split('\n').slice(-15).join('\n')}`,
    ].filter(Boolean).join('\n');
    expect(r.guest.stdout, explain).toBe(r.host.stdout);
    expect(r.guest.status, explain).toBe(r.host.status);
  });
});
