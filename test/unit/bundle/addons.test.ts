// Native addons: ABI read from the binary's dynamic symbols, and an addon built for another
// NODE_MODULE_VERSION rebuilt by node-gyp against the host's headers (/usr/include/node),
// in unipack's cache — the user's node_modules keeps its bytes.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, copyFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadManifest } from '../../../packager/src/manifest/index.js';
import { collectApp, readAddonAbi, addonLibraries, findNodeGyp } from '../../../packager/src/bundle/index.js';
import { resolveRuntime } from '../../../packager/src/runtime/index.js';

const FIXTURES = join(__dirname, '../../fixtures/packaging');
const HEADERS = '/usr/include/node/node.h';
const haveHeaders = (() => {
  try {
    readFileSync(HEADERS);
    return true;
  } catch {
    return false;
  }
})();

function compile(src: string, out: string, defines: string[] = []): void {
  mkdirSync(dirname(out), { recursive: true });
  const cc = src.endsWith('.c') ? 'gcc' : 'g++';
  execFileSync(cc, ['-shared', '-fPIC', '-O0', '-I/usr/include/node', ...defines.map((d) => `-D${d}`), '-o', out, src]);
}

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

// Node's headers come with Debian's/NodeSource's nodejs package (the machines CI runs on): if they
// are missing, say so as a failure rather than skipping the addon tests.
it('node headers are installed (needed to build addons)', () => {
  expect(haveHeaders, `${HEADERS} is missing: install the nodejs package that ships /usr/include/node`).toBe(true);
});

describe('native addons', () => {
  it('reads the ABI: N-API, NODE_MODULE_VERSION from node_register_module_v<N>', () => {
    const dir = mkdtempSync(join(tmpdir(), 'unipack-addon-'));
    compile(join(FIXTURES, 'napi.c'), join(dir, 'napi.node'));
    compile(join(FIXTURES, 'addon-app/node_modules/tiny-addon/tiny.cc'), join(dir, 'v108.node'), ['FAKE_ABI=108']);
    expect(readAddonAbi(join(dir, 'napi.node'))).toEqual({ kind: 'napi' });
    expect(readAddonAbi(join(dir, 'v108.node'))).toEqual({ kind: 'node', modules: 108 });
    expect(addonLibraries(join(dir, 'v108.node')).map((l) => l.name)).toEqual(expect.arrayContaining(['libstdc++.so.6', 'libc.so.6']));
  });

  it('rebuilds an addon built for another ABI with node-gyp and the runtime headers, in the cache', async () => {
    expect(findNodeGyp()).toBeDefined();
    const dir = join(mkdtempSync(join(tmpdir(), 'unipack-addon-')), 'addon-app');
    cpSync(join(FIXTURES, 'addon-app'), dir, { recursive: true });
    const prebuilt = join(dir, 'node_modules/tiny-addon/build/Release/tiny.node');
    compile(join(dir, 'node_modules/tiny-addon/tiny.cc'), prebuilt, ['FAKE_ABI=108']);
    // A prebuilt for another platform, which must be left out rather than checked.
    mkdirSync(join(dir, 'node_modules/tiny-addon/prebuilds/darwin-arm64'), { recursive: true });
    writeFileSync(join(dir, 'node_modules/tiny-addon/prebuilds/darwin-arm64/tiny.node'), 'not linux');
    const before = sha(prebuilt);

    const env = { ...process.env, UNIPACK_CACHE_DIR: mkdtempSync(join(tmpdir(), 'unipack-cache-')) };
    const m = await loadManifest(dir, { env });
    const rt = await resolveRuntime(m.runtime.includes('x') ? `${process.versions.node}` : m.runtime, { env });
    expect(rt.headersDir).toBeDefined();
    const progress: string[] = [];
    const r = await collectApp(m, rt, { env, onProgress: (s) => progress.push(s) });
    expect(progress).toContain(`rebuilding tiny-addon@1.0.0 for node ${rt.version} (built for NODE_MODULE_VERSION 108, node ${rt.version} needs ${rt.modules})`);
    expect(r.addons).toEqual(['/app/node_modules/tiny-addon/build/Release/tiny.node']);
    expect(r.addonReports[0]).toMatchObject({ package: 'tiny-addon', abi: { kind: 'node', modules: Number(rt.modules) }, rebuilt: true });
    expect(r.addonReports[0]!.hostPath.startsWith(env.UNIPACK_CACHE_DIR)).toBe(true);
    expect(r.files.some((f) => f.path.includes('prebuilds/darwin-arm64'))).toBe(false);
    expect(sha(prebuilt)).toBe(before); // the user's tree is untouched

    // The collected files run: the rebuilt addon loads in the runtime.
    const root = mkdtempSync(join(tmpdir(), 'unipack-image-'));
    for (const f of r.files) {
      const p = join(root, f.path);
      if (f.type === 'dir') mkdirSync(p, { recursive: true });
      else if (f.type === 'file' && typeof f.source === 'string') {
        mkdirSync(dirname(p), { recursive: true });
        copyFileSync(f.source, p);
      }
    }
    expect(execFileSync(rt.nodePath, [join(root, 'app/index.js')], { encoding: 'utf8' })).toBe('hello from tiny\n');

    // A second build takes the rebuilt addon from the cache.
    const again: string[] = [];
    await collectApp(m, rt, { env, onProgress: (s) => again.push(s) });
    expect(again).toContain('tiny-addon@1.0.0: rebuilt addon cached');
  });

  it('with --no-rebuild, a wrong ABI is an error naming the package', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'unipack-addon-')), 'addon-app');
    cpSync(join(FIXTURES, 'addon-app'), dir, { recursive: true });
    compile(join(dir, 'node_modules/tiny-addon/tiny.cc'), join(dir, 'node_modules/tiny-addon/build/Release/tiny.node'), ['FAKE_ABI=108']);
    const m = await loadManifest(dir);
    const rt = await resolveRuntime(process.versions.node);
    await expect(collectApp(m, rt, { noRebuild: true })).rejects.toMatchObject({
      code: 'ERR_UNIPACK_ADDON',
      message: `tiny-addon@1.0.0: native addon built for NODE_MODULE_VERSION 108, node ${rt.version} needs ${rt.modules}`,
    });
  });
});
