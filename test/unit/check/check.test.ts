// unipack check on fixture projects written to a temp directory: child_process/cluster in the
// app and in dependencies, packages from the compat knowledge, native addons with a missing
// library, the wrong ABI or the wrong architecture (real ELF files built with the host's cc).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { check, formatCheck, scanSource } from '../../../packager/src/commands/check.js';

const root = mkdtempSync(join(tmpdir(), 'unipack-check-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(dir: string, files: Record<string, string>): void {
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
}

/** An app with dependencies installed in node_modules (name → files of that package). */
function project(name: string, index: string, deps: Record<string, Record<string, string>> = {}): string {
  const dir = join(root, name);
  const dependencies = Object.fromEntries(Object.keys(deps).map((d) => [d, '1.0.0']));
  write(dir, { 'package.json': JSON.stringify({ name, version: '1.0.0', main: 'index.js', dependencies }), 'index.js': index });
  for (const [dep, files] of Object.entries(deps)) {
    write(join(dir, 'node_modules', dep), { 'package.json': JSON.stringify({ name: dep, version: '1.0.0', main: 'index.js' }), ...files });
  }
  return dir;
}

function cc(args: string[], cwd: string): void {
  execFileSync('cc', args, { cwd, stdio: 'pipe' });
}

const opts = { offline: true, known: {} };

describe('scanSource', () => {
  test('finds every import form of child_process and the calls', () => {
    for (const src of [
      "const cp = require('child_process'); cp.spawn('ls')",
      'const { execFile } = require("node:child_process");\nexecFile("x")',
      "import { spawn } from 'node:child_process';\nspawn('a')",
      "const m = await import('child_process');",
      "import 'child_process';",
    ]) {
      expect(scanSource(src).childProcess, src).toBeDefined();
    }
    const s = scanSource("// header\nconst { spawn, exec } = require('child_process');\nspawn('a'); /x/.exec('y');\n");
    expect(s.childProcess).toMatchObject({ line: 2, calls: ['spawn'] });
  });

  test('ignores mentions that are not imports', () => {
    expect(scanSource("const s = 'child_process is not used'; /re/.exec(s);").childProcess).toBeUndefined();
    expect(scanSource("exec('x')").childProcess).toBeUndefined();
  });

  test('cluster, with and without fork', () => {
    expect(scanSource("const cluster = require('node:cluster');\nif (cluster.isPrimary) cluster.fork();").cluster).toMatchObject({ line: 1, forks: true });
    expect(scanSource("import cluster from 'cluster';\nconsole.log(cluster.isPrimary);").cluster).toMatchObject({ forks: false });
  });
});

describe('check', () => {
  test('a clean app: ok, no findings', async () => {
    const dir = project('clean', "const pad = require('leftpad'); console.log(pad('x', 3));\n", { leftpad: { 'index.js': 'module.exports = (s, n) => s.padStart(n);\n' } });
    const r = await check({ dir, ...opts });
    expect(r.findings).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.scanned).toMatchObject({ packages: 1, deps: 'installed' });
    expect(formatCheck(r)).toMatch(/^✓ nothing known blocks this app/m);
  });

  test("child_process in the app's own code is an error with file and line", async () => {
    const dir = project('spawner', "'use strict';\nconst { spawnSync } = require('node:child_process');\nconsole.log(spawnSync('ls').status);\n");
    const r = await check({ dir, ...opts });
    expect(r.ok).toBe(false);
    expect(r.findings).toEqual([expect.objectContaining({ severity: 'error', kind: 'child_process', package: '.', file: 'index.js', line: 2 })]);
    const text = formatCheck(r);
    expect(text).toMatch(/✗ the app loads child_process and calls spawnSync\(\)\n {4}where: index\.js:2\n {4}why: .*ENOSYS.*\n {4}fix: /);
    expect(text).toMatch(/^✗ 1 problem will stop the app/m);
  });

  test('child_process in a dependency is a warning (the code path may never run)', async () => {
    const dir = project('depspawn', "require('which-ish');\n", {
      'which-ish': { 'index.js': "const cp = require('child_process');\nmodule.exports = () => cp.execSync('which node');\n", 'test/t.js': "require('child_process').fork('x')" },
    });
    const r = await check({ dir, ...opts });
    expect(r.ok).toBe(true);
    expect(r.findings).toEqual([expect.objectContaining({ severity: 'warning', kind: 'child_process', package: 'which-ish', file: 'node_modules/which-ish/index.js', line: 1 })]);
  });

  test('cluster.fork in the app is an error', async () => {
    const dir = project('clustered', "const cluster = require('cluster');\nif (cluster.isPrimary) { cluster.fork(); }\n");
    const r = await check({ dir, ...opts });
    expect(r.ok).toBe(false);
    expect(r.findings[0]).toMatchObject({ kind: 'cluster', severity: 'error', line: 1 });
  });

  test('a package the compat suite knows fails is an error naming the calls', async () => {
    const dir = project('knownbad', "require('uring-db');\n", { 'uring-db': { 'index.js': 'module.exports = 1;\n' } });
    const known = { 'uring-db': { status: 'fails' as const, reason: 'opens its files with io_uring', versions: ['1.0.0'], unsupported: ['io_uring_setup'], app: 'uring-db' } };
    const r = await check({ dir, offline: true, known });
    expect(r.ok).toBe(false);
    expect(r.findings[0]).toMatchObject({ kind: 'known-package', package: 'uring-db', version: '1.0.0' });
    expect(r.findings[0]!.why).toMatch(/io_uring_setup/);
    expect(r.findings[0]!.why).toMatch(/test\/compat\/apps\/uring-db/);
  });

  test('the generated knowledge marks tsx and esbuild impossible', async () => {
    const { KNOWN_PACKAGES } = await import('../../../packager/src/commands/check-known.js');
    expect(KNOWN_PACKAGES.esbuild?.status).toBe('impossible');
    expect(KNOWN_PACKAGES.tsx?.status).toBe('impossible');
  });

  test('native addons: missing library, wrong ABI (with and without binding.gyp), wrong architecture', async () => {
    const dir = project('addons', "require('nat');\n", {
      nat: { 'index.js': 'module.exports = 1;\n' },
      oldabi: { 'index.js': '', 'binding.gyp': '{}' },
      oldabi2: { 'index.js': '' },
      armaddon: { 'index.js': '' },
    });
    const pkg = JSON.parse(JSON.stringify({ name: 'addons', version: '1.0.0', main: 'index.js', dependencies: { nat: '1.0.0', oldabi: '1.0.0', oldabi2: '1.0.0', armaddon: '1.0.0' } }));
    writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg));
    const src = join(root, 'csrc');
    write(src, { 'dep.c': 'int dep_fn(void) { return 1; }\n', 'nat.c': 'int dep_fn(void);\nint napi_register_module_v1(void) { return dep_fn(); }\n', 'old.c': 'int node_register_module_v1(void) { return 0; }\n' });
    cc(['-shared', '-fPIC', '-o', 'libuniquedep.so', 'dep.c'], src);
    mkdirSync(join(dir, 'node_modules/nat/build/Release'), { recursive: true });
    cc(['-shared', '-fPIC', '-o', join(dir, 'node_modules/nat/build/Release/nat.node'), 'nat.c', `-L${src}`, '-luniquedep'], src);
    rmSync(join(src, 'libuniquedep.so'));
    for (const p of ['oldabi', 'oldabi2']) {
      mkdirSync(join(dir, `node_modules/${p}/build/Release`), { recursive: true });
      cc(['-shared', '-fPIC', '-o', join(dir, `node_modules/${p}/build/Release/${p}.node`), 'old.c'], src);
    }
    // An aarch64 ELF: the x86-64 object with e_machine rewritten; a prebuild for darwin is ignored.
    mkdirSync(join(dir, 'node_modules/armaddon/prebuilds/darwin-arm64'), { recursive: true });
    copyFileSync(join(dir, 'node_modules/oldabi/build/Release/oldabi.node'), join(dir, 'node_modules/armaddon/arm.node'));
    const fd = await import('node:fs').then((fs) => fs.openSync(join(dir, 'node_modules/armaddon/arm.node'), 'r+'));
    const { writeSync, closeSync } = await import('node:fs');
    writeSync(fd, Buffer.from([183, 0]), 0, 2, 18);
    closeSync(fd);
    writeFileSync(join(dir, 'node_modules/armaddon/prebuilds/darwin-arm64/x.node'), 'not even an ELF');

    const r = await check({ dir, ...opts });
    const by = (k: string, p: string) => r.findings.find((f) => f.kind === k && f.package === p);
    expect(by('addon-library', 'nat')).toMatchObject({ severity: 'error', file: 'node_modules/nat/build/Release/nat.node' });
    expect(by('addon-library', 'nat')!.why).toMatch(/libuniquedep\.so.*not found/);
    expect(by('addon-abi', 'oldabi')).toMatchObject({ severity: 'warning' });
    expect(by('addon-abi', 'oldabi')!.what).toMatch(/NODE_MODULE_VERSION 1;/);
    expect(by('addon-abi', 'oldabi2')).toMatchObject({ severity: 'error' });
    expect(by('addon-arch', 'armaddon')).toMatchObject({ severity: 'error', file: 'node_modules/armaddon/arm.node' });
    expect(r.scanned.addons).toBe(4);
    expect(r.ok).toBe(false);
  });
});
