// Keeps the benchmark harness working: runs every part in smoke mode (one iteration, tiny
// durations: unikernel, Linux microVM and host side by side) and checks the results file has
// every part, sane numbers and the ratio table. Never asserts on how good a number is.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

test('npm run bench -- --smoke works', async () => {
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'packager', 'tsconfig.json')]);
  // Async: a worker blocked for a minute misses vitest's RPC deadline (onTaskUpdate timeout).
  const { stdout: out } = await promisify(execFile)(process.execPath, [join(root, 'test', 'bench', 'run.mjs'), '--smoke'], { encoding: 'utf8', timeout: 280_000 });
  expect(out).toMatch(/uk\/Linux/);
  const j = JSON.parse(readFileSync(join(root, 'test', 'bench', 'results', 'latest.json'), 'utf8'));
  expect(j.smoke).toBe(true);
  expect(j.errors).toEqual({});
  expect(Object.keys(j.parts).sort()).toEqual(['boot', 'build', 'bulk', 'http', 'memory', 'node-e', 'size', 'syscalls']);
  const boot = j.parts.boot.sides;
  for (const side of ['unikernel', 'linux']) {
    expect(boot[side].appFirstLineMs.median).toBeGreaterThan(0);
    expect(boot[side].firstHttp200Ms.median).toBeGreaterThanOrEqual(boot[side].appFirstLineMs.median);
    expect(boot[side].readyInstructions.median).toBeGreaterThan(0);
  }
  expect(j.parts['node-e'].ms.linux.median).toBeGreaterThan(0);
  expect(j.parts.memory.sides.unikernel.floorMiB).toBeGreaterThan(0);
  for (const net of ['tap', 'user']) for (const side of ['host', 'unikernel', 'linux']) expect(j.parts.http.apps[net]['hello-http'][side].rps.median).toBeGreaterThan(0);
  expect(j.parts.syscalls.linux.getppid_ns).toBeGreaterThan(0);
  for (const side of ['host', 'unikernel', 'linux']) for (const dir of ['up', 'down']) expect(j.parts.bulk[side][dir].median).toBeGreaterThan(0);
  expect(j.parts.size.rawBytes).toBeGreaterThan(0);
  expect(j.parts.build.coldMs.median).toBeGreaterThan(j.parts.build.warmMs.median);
  expect(j.parts.build.npmCiMs.median).toBeGreaterThan(0);
  expect(j.table.length).toBeGreaterThan(8);
});
