// Node scripts on the host and in the unikernel: each script becomes a tiny app directory
// (package.json + index.mjs) that runs with the host's node and with `unipack run` (the run()
// API: manifest, runtime, bundle, rootfs, boot), with the same arguments and environment.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { BASE_ENV } from '../../packager/src/build.js';
import { run } from '../../packager/src/commands/run.js';
import { createReporter } from '../../packager/src/reporter.js';
import { resolveRuntime } from '../../packager/src/runtime/index.js';
import type { Machine } from '../../packager/src/vm/qemu-args.js';
import { runOnHost, type GuestOutcome, type Outcome } from './guest.js';

export interface NodeCase {
  /** The script's source (an ES module). */
  source: string;
  args?: string[];
  env?: Record<string, string>;
  /** A name for the app (and so the guest's hostname). */
  name?: string;
  /** unipack.yaml contents, if any. */
  manifest?: string;
  /** stdin for the app (framed to the guest, piped on the host). */
  input?: string;
}

/** The Node the comparison runs with: the host's own, or $UNIPACK_TEST_NODE (a semver range such
 * as "22") resolved from unipack's cache — the host side runs that binary, the guest's manifest
 * asks for that runtime. */
export interface TestRuntime {
  range?: string;
  nodePath: string;
  version: string;
}

let testRuntime: Promise<TestRuntime> | undefined;
export function testNode(): Promise<TestRuntime> {
  const range = process.env.UNIPACK_TEST_NODE;
  testRuntime ??= range
    ? resolveRuntime(range, { offline: true, noHost: true }).then((r) => ({ range, nodePath: r.nodePath, version: r.version }))
    : Promise.resolve({ nodePath: process.execPath, version: process.versions.node });
  return testRuntime;
}

export interface NodeRun {
  host: Outcome;
  guest: GuestOutcome & { imageBytes: number };
  /** The app directory (removed after the run unless keep). */
  dir: string;
}

/** The environment the guest app gets from the manifest defaults, which the host run mirrors. */
export function appEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { ...BASE_ENV, NODE_ENV: 'production', ...extra };
}

function sink(): Writable {
  return new Writable({ write: (_c, _e, cb) => cb() });
}

/** Writes the app directory for a case. */
export function writeApp(c: NodeCase, runtime?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'unipack-node-'));
  const name = c.name ?? 'node-case';
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name, version: '1.0.0', private: true, type: 'module', main: 'index.mjs' }, null, 2)}\n`);
  writeFileSync(join(dir, 'index.mjs'), c.source);
  const manifest = `${runtime ? `runtime: "${runtime}"\n` : ''}${c.manifest ?? ''}`;
  if (manifest) writeFileSync(join(dir, 'unipack.yaml'), manifest);
  return dir;
}

/** Boots the app in `dir` with `unipack run`'s code path; output collected. */
export async function runAppInGuest(
  dir: string,
  o: { args?: string[]; env?: Record<string, string>; machine?: Machine; timeoutMs?: number; stdin?: { data: string } } = {},
): Promise<GuestOutcome & { imageBytes: number }> {
  const r = await run({
    dir,
    ...(o.args ? { args: o.args } : {}),
    ...(o.env ? { env: o.env } : {}),
    ...(o.machine ? { machine: o.machine } : {}),
    accel: 'tcg',
    timeoutMs: o.timeoutMs ?? 120_000,
    offline: true,
    ...(o.stdin ? { stdin: o.stdin } : {}),
    reporter: createReporter({ quiet: true }),
    notes: sink(),
  });
  return {
    status: r.status,
    stdout: r.vm.stdout.toString('utf8'),
    stderr: r.vm.stderr.toString('utf8'),
    log: r.vm.log,
    records: r.vm.records,
    unsupported: r.vm.unsupported,
    durationMs: r.vm.durationMs,
    imageBytes: r.build?.size ?? 0,
  };
}

/** One case on both sides. */
export async function runNodeCase(c: NodeCase, o: { machine?: Machine; keep?: boolean } = {}): Promise<NodeRun> {
  const node = await testNode();
  const dir = writeApp(c, node.range);
  try {
    const host = await runOnHost(node.nodePath, ['index.mjs', ...(c.args ?? [])], {
      cwd: dir,
      env: appEnv(c.env),
      timeoutMs: 60_000,
      ...(c.input !== undefined ? { input: c.input } : {}),
    });
    const guest = await runAppInGuest(dir, {
      ...(c.args ? { args: c.args } : {}),
      ...(c.env ? { env: c.env } : {}),
      ...(o.machine ? { machine: o.machine } : {}),
      ...(c.input !== undefined ? { stdin: { data: c.input } } : {}),
    });
    return { host, guest, dir };
  } finally {
    if (!o.keep) rmSync(dir, { recursive: true, force: true });
  }
}
