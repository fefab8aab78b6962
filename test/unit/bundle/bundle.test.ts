// The bundle on real mini-projects (test/fixtures/packaging): app files through the globs,
// production dependencies pruned from the installed tree or installed by `npm ci` from a
// lockfile (against a fake registry), and the result run with node from the collected files.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync, copyFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadManifest } from '../../../packager/src/manifest/index.js';
import { collectApp, productionTree, GlobList } from '../../../packager/src/bundle/index.js';
import type { ImageEntry } from '../../../packager/src/image/tar-writer.js';
import { hostNode } from '../../../packager/src/runtime/host.js';
import { registryEnv, startFakeRegistry, type FakeRegistry } from '../../helpers/fake-registry.js';

const FIXTURES = join(__dirname, '../../fixtures/packaging');
const rt = (() => {
  const h = hostNode()!;
  return { version: h.version, nodePath: h.nodePath, modules: h.modules };
})();

function copyFixture(name: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'unipack-bundle-')), name);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

const paths = (files: ImageEntry[]) => files.filter((f) => f.type !== 'dir').map((f) => f.path).sort();

/** Writes the entries under `root` as the image would hold them, so node can run the app. */
function materialise(files: ImageEntry[], root: string): void {
  for (const f of files) {
    const p = join(root, f.path);
    if (f.type === 'dir') mkdirSync(p, { recursive: true });
    else if (f.type === 'file') {
      mkdirSync(dirname(p), { recursive: true });
      if (typeof f.source === 'string') copyFileSync(f.source, p);
      else writeFileSync(p, f.source);
    } else if (f.type === 'symlink') {
      mkdirSync(dirname(p), { recursive: true });
      symlinkSync(f.target, p);
    }
  }
}

describe('globs', () => {
  it('follow .gitignore rules', () => {
    const g = new GlobList(['*.log', '/build/', 'docs/**/*.md', '!keep.log', '{a,b}.txt']);
    expect(g.matches('x.log')).toBe(true);
    expect(g.matches('deep/x.log')).toBe(true);
    expect(g.matches('keep.log')).toBe(false);
    expect(g.matches('build/out.js')).toBe(true);
    expect(g.matches('src/build/out.js')).toBe(false);
    expect(g.matches('build', false)).toBe(false); // a file named build: dirOnly
    expect(g.matches('docs/a/b/c.md')).toBe(true);
    expect(g.matches('docs/c.md')).toBe(true);
    expect(g.matches('b.txt')).toBe(true);
    expect(new GlobList(['**']).matches('any/thing.js')).toBe(true);
    expect(new GlobList(['dist/**']).matches('dist/a/b.js')).toBe(true);
    expect(new GlobList(['dist/**']).matches('src/a.js')).toBe(false);
  });
});

describe('installed node_modules (no lockfile)', () => {
  it('walks production dependencies like require() and prunes dev ones', () => {
    const dir = copyFixture('installed-app');
    const tree = productionTree(dir);
    expect(tree.packages.map((p) => [p.imageDir, p.version])).toEqual([
      ['node_modules/@scope/beta', '1.0.0'],
      ['node_modules/@scope/beta/node_modules/gamma', '2.0.0'],
      ['node_modules/alpha', '1.2.0'],
      ['node_modules/gamma', '1.0.0'],
    ]);
    expect(tree.missingOptional).toEqual(['ghost']);
  });

  it('collects app files and dependencies under /app, and the app runs from them alone', async () => {
    const dir = copyFixture('installed-app');
    mkdirSync(join(dir, '.git'));
    writeFileSync(join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    mkdirSync(join(dir, '.unipack', 'runs'), { recursive: true });
    writeFileSync(join(dir, '.unipack', 'runs', 'k.log'), '');
    const m = await loadManifest(dir);
    const progress: string[] = [];
    const r = await collectApp(m, rt, { onProgress: (s) => progress.push(s) });
    expect(paths(r.files)).toEqual([
      'app/README.md',
      'app/lib/util.js',
      'app/node_modules/@scope/beta/index.js',
      'app/node_modules/@scope/beta/node_modules/gamma/index.js',
      'app/node_modules/@scope/beta/node_modules/gamma/package.json',
      'app/node_modules/@scope/beta/package.json',
      'app/node_modules/alpha/index.js',
      'app/node_modules/alpha/package.json',
      'app/node_modules/alpha/test/alpha.test.js',
      'app/node_modules/gamma/index.js',
      'app/node_modules/gamma/package.json',
      'app/package.json',
      'app/server.js',
      'app/test/app.test.js',
    ].map((p) => `/${p}`));
    expect(r.deps).toMatchObject({ mode: 'installed', packages: 4, missingOptional: ['ghost'] });
    expect(r.addons).toEqual([]);
    expect(progress).toContain('4 production packages');

    const root = mkdtempSync(join(tmpdir(), 'unipack-image-'));
    materialise(r.files, root);
    const out = execFileSync(process.execPath, [join(root, 'app', 'server.js')], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ alpha: 'alpha+gamma1', beta: 'beta+gamma2', util: 'util' });
  });

  it('files.include / exclude / tests: false narrow what is packed', async () => {
    const dir = copyFixture('installed-app');
    writeFileSync(join(dir, 'unipack.yaml'), 'files:\n  include: ["lib/**"]\n  exclude: ["*.md"]\n  tests: false\n');
    const r = await collectApp(await loadManifest(dir), rt);
    const own = paths(r.files).filter((p) => !p.includes('node_modules'));
    expect(own).toEqual(['/app/lib/util.js', '/app/package.json', '/app/server.js']);
    expect(paths(r.files)).not.toContain('/app/node_modules/alpha/test/alpha.test.js');
  });

  it('a missing production dependency is an error naming it; the user tree is never written', async () => {
    const dir = copyFixture('installed-app');
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    pkg.dependencies.delta = '^1.0.0';
    writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg));
    await expect(collectApp(await loadManifest(dir), rt)).rejects.toMatchObject({ code: 'ERR_UNIPACK_DEPS', message: 'production dependency "delta" is not installed' });
  });

  it('keeps pnpm-style symlinks inside the app as symlinks', async () => {
    const dir = copyFixture('installed-app');
    const store = join(dir, 'node_modules', '.pnpm', 'alpha@1.2.0', 'node_modules');
    mkdirSync(store, { recursive: true });
    cpSync(join(dir, 'node_modules', 'alpha'), join(store, 'alpha'), { recursive: true });
    cpSync(join(dir, 'node_modules', 'gamma'), join(store, 'gamma'), { recursive: true });
    const { rmSync } = await import('node:fs');
    rmSync(join(dir, 'node_modules', 'alpha'), { recursive: true });
    symlinkSync('.pnpm/alpha@1.2.0/node_modules/alpha', join(dir, 'node_modules', 'alpha'));
    const r = await collectApp(await loadManifest(dir), rt);
    expect(r.files).toContainEqual({ type: 'symlink', path: '/app/node_modules/alpha', target: '.pnpm/alpha@1.2.0/node_modules/alpha' });
    const root = mkdtempSync(join(tmpdir(), 'unipack-image-'));
    materialise(r.files, root);
    expect(JSON.parse(execFileSync(process.execPath, [join(root, 'app', 'server.js')], { encoding: 'utf8' })).alpha).toBe('alpha+gamma1');
  });
});

describe('lockfile (npm ci --omit=dev in a staging copy)', () => {
  let reg: FakeRegistry;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    reg = await startFakeRegistry([
      { name: 'left-pad', version: '1.3.0', files: { 'package.json': '{"main":"index.js"}', 'index.js': "module.exports = (s, n) => String(s).padStart(n);" } },
      { name: 'dev-tool', version: '2.0.0', files: { 'package.json': '{}', 'index.js': '' } },
    ]);
    env = registryEnv(reg, mkdtempSync(join(tmpdir(), 'unipack-lock-')));
  });
  afterAll(() => reg?.close());

  it('installs production dependencies only, caches by lockfile hash, leaves the app alone', async () => {
    const dir = copyFixture('installed-app');
    const { rmSync } = await import('node:fs');
    rmSync(join(dir, 'node_modules'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'lock-app', version: '1.0.0', main: 'server.js', scripts: { prepare: 'exit 1' }, dependencies: { 'left-pad': '^1.3.0' }, devDependencies: { 'dev-tool': '^2.0.0' } }));
    writeFileSync(join(dir, 'server.js'), "console.log(require('left-pad')('x', 3));\n");
    await execa('npm', ['install', '--package-lock-only', '--ignore-scripts'], { cwd: dir, env, stdin: 'ignore' });
    const m = await loadManifest(dir);
    const progress: string[] = [];
    const r = await collectApp(m, rt, { env, onProgress: (s) => progress.push(s) });
    expect(r.deps.mode).toBe('npm-ci');
    expect(paths(r.files).filter((p) => p.includes('node_modules'))).toEqual(['/app/node_modules/left-pad/index.js', '/app/node_modules/left-pad/package.json']);
    expect(progress).toContain('installing production dependencies (npm ci --omit=dev, from package-lock.json)');
    expect(readdirSync(dir)).not.toContain('node_modules');
    const root = mkdtempSync(join(tmpdir(), 'unipack-image-'));
    materialise(r.files, root);
    expect(execFileSync(process.execPath, [join(root, 'app', 'server.js')], { encoding: 'utf8' })).toBe('  x\n');

    const again: string[] = [];
    const r2 = await collectApp(m, rt, { env, onProgress: (s) => again.push(s) });
    expect(again).toContain('production dependencies: cached (package-lock.json unchanged)');
    expect(r2.deps.stagingDir).toBe(r.deps.stagingDir);
    expect(statSync(r.deps.stagingDir!).isDirectory()).toBe(true);
  });

  it('a lockfile out of step with package.json fails with a hint', async () => {
    const dir = copyFixture('installed-app');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'lock-app', version: '1.0.0', main: 'server.js', dependencies: { 'left-pad': '^1.3.0' } }));
    await execa('npm', ['install', '--package-lock-only', '--ignore-scripts'], { cwd: dir, env, stdin: 'ignore' });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'lock-app', version: '1.0.0', main: 'server.js', dependencies: { 'left-pad': '^1.3.0', 'dev-tool': '^2.0.0' } }));
    const e = (await collectApp(await loadManifest(dir), rt, { env }).catch((x: unknown) => x)) as { code: string; hint: string };
    expect(e.code).toBe('ERR_UNIPACK_DEPS');
    expect(e.hint).toMatch(/run `npm install`/);
  });
});
