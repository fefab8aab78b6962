// Node scripts (test/node/scripts/*.mjs) with the host's node and in the unikernel through
// `unipack run`: stdout and exit status must be the same. Each script is a small app of its own;
// the table below gives the arguments and environment of those that take some.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { explain } from '../helpers/guest.js';
import { runNodeCase, type NodeCase } from '../helpers/guest-node.js';

const machine = process.env.UNIPACK_TEST_MACHINE === 'q35' ? 'q35' : 'microvm';
const SCRIPTS = join(import.meta.dirname, 'scripts');
const EXTRA: Record<string, Partial<NodeCase>> = {
  'argv-env': { args: ['5', 'two words', '', '--flag=x'], env: { FOO: 'bar', EMPTY: '' } },
  // short: a longer input meets the kernel's COM1 receive bug (see coreutils.test.ts)
  stdin: { input: `first line\nsecond ÿ line\n${Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n')}\nlast` },
  'big-buffer': { manifest: 'memory: 768M\n' },
  clocks: { env: { TZ: 'UTC' } },
  'buffer-text': { env: { TZ: 'UTC' } },
};
/** Scripts whose stderr (Node's own report of an uncaught error) must match the host's too. */
const SAME_STDERR = new Set(['uncaught', 'worker-error']);
/** A subset for the q35 smoke run (UNIPACK_TEST_MACHINE=q35 UNIPACK_SMOKE=1). */
const SMOKE = new Set(['console', 'fs-tmp', 'crypto', 'workers']);

const scripts = readdirSync(SCRIPTS)
  .filter((f) => f.endsWith('.mjs'))
  .map((f) => f.replace(/\.mjs$/, ''))
  .filter((n) => !process.env.UNIPACK_SMOKE || SMOKE.has(n))
  .sort();

/** Stack traces name the app's file by its path, which differs between host and guest. */
function appPaths(stderr: string): string {
  return stderr.replace(/file:\/\/\S*\/index\.mjs/g, 'file:///APP/index.mjs');
}

describe(`Node scripts, host vs unikernel (${machine}, node ${process.env.UNIPACK_TEST_NODE ?? 'of the host'})`, () => {
  test.each(scripts)('%s', async (name) => {
    const c: NodeCase = { source: readFileSync(join(SCRIPTS, `${name}.mjs`), 'utf8'), name, ...EXTRA[name] };
    const { host, guest } = await runNodeCase(c, { machine });
    expect(guest.stdout, explain(host, guest)).toBe(host.stdout);
    expect(guest.status, explain(host, guest)).toBe(host.status);
    if (SAME_STDERR.has(name)) expect(appPaths(guest.stderr), explain(host, guest)).toBe(appPaths(host.stderr));
  });
});
