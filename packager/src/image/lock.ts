// The image directory (`unipack build -o <dir>`): rootfs.tar, kernel.elf (a copy of the kernel
// the image was built for) and unipack.lock.json, which says what went in: the resolved runtime
// (version, source, integrity of the original binary, whether it was stripped), the native addons, a sha256 of the manifest, the ports and the
// sha256 of the kernel and of the rootfs. No timestamps and no host paths: the same inputs give
// the same bytes, like the tar. `unipack inspect` reads runtime and ports from it;
// `unipack run <dir>` boots rootfs.tar with the kernel.elf beside it and the lock's ports.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { ErrorCode, UnipackError } from '../errors.js';
import type { PortForward, ResolvedManifest } from '../manifest/index.js';
import { manifestNet, type NetBackend } from '../boot-image.js';

export const LOCK_FILE = 'unipack.lock.json';
export const ROOTFS_FILE = 'rootfs.tar';
export const KERNEL_FILE = 'kernel.elf';

export interface ImageLock {
  lockfileVersion: 1;
  name: string;
  runtime: { version: string; source: 'host' | 'npm'; integrity: string; stripped: boolean };
  /** sha256 of the resolved manifest (unipack.yaml over package.json over defaults), host paths made relative. */
  manifest: { file: string | null; sha256: string };
  /** Image paths of the native addons. */
  addons: string[];
  ports: PortForward[];
  /** The NIC `unipack run` gives the image (absent in older locks: user networking). */
  network?: NetBackend;
  machine: 'microvm' | 'q35';
  memoryMiB?: number;
  kernelArgs: string[];
  kernel: { file: string; sha256: string };
  rootfs: { file: string; size: number; sha256: string };
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** JSON with object keys sorted at every level (a canonical form to hash). */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v as Record<string, unknown>)
        .sort()
        .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

/** The manifest as hashed: what was resolved, with the app directory's own path left out. */
export function manifestDigest(m: ResolvedManifest): string {
  const rel = (p: string | undefined) => (p === undefined ? undefined : relative(m.dir, p).split(sep).join('/'));
  const { dir: _dir, sources: _sources, ...rest } = m;
  const hashed = { ...rest, entry: rel(m.entry), manifestFile: rel(m.manifestFile) };
  return createHash('sha256').update(JSON.stringify(canonical(hashed))).digest('hex');
}

/** The runtime's integrity: the npm tarball's sha512 for npm runtimes, the binary's sha256 for the host's node. */
export function runtimeIntegrity(rt: { nodePath: string; integrity?: string }): string {
  if (rt.integrity) return rt.integrity;
  return `sha256-${createHash('sha256').update(readFileSync(rt.nodePath)).digest('base64')}`;
}

export function imageLock(o: {
  manifest: ResolvedManifest;
  runtime: { version: string; source: 'host' | 'npm'; nodePath: string; integrity?: string };
  /** Whether the runtime's non-loaded sections were stripped (elf/strip.ts). */
  stripped: boolean;
  addons: string[];
  kernel: string;
  rootfs: string;
}): ImageLock {
  const m = o.manifest;
  return {
    lockfileVersion: 1,
    name: m.name,
    runtime: { version: o.runtime.version, source: o.runtime.source, integrity: runtimeIntegrity(o.runtime), stripped: o.stripped },
    manifest: { file: m.manifestFile ? relative(m.dir, m.manifestFile).split(sep).join('/') : null, sha256: manifestDigest(m) },
    addons: [...o.addons].sort(),
    ports: m.ports,
    network: manifestNet(m),
    machine: m.machine,
    ...(m.memoryMiB !== undefined ? { memoryMiB: m.memoryMiB } : {}),
    kernelArgs: m.kernel.args,
    kernel: { file: KERNEL_FILE, sha256: sha256File(o.kernel) },
    rootfs: { file: ROOTFS_FILE, size: statSync(o.rootfs).size, sha256: sha256File(o.rootfs) },
  };
}

/** Copies the kernel into the image directory and writes the lock beside rootfs.tar. */
export function writeImageDir(dir: string, lock: Omit<Parameters<typeof imageLock>[0], 'rootfs'>): ImageLock {
  if (!existsSync(lock.kernel)) {
    throw new UnipackError(ErrorCode.KERNEL_MISSING, `kernel not found: ${lock.kernel}`, {
      hint: 'build it with `bash scripts/bootstrap.sh`, or pass --kernel <path>',
    });
  }
  copyFileSync(lock.kernel, join(dir, KERNEL_FILE));
  const l = imageLock({ ...lock, kernel: join(dir, KERNEL_FILE), rootfs: join(dir, ROOTFS_FILE) });
  writeFileSync(join(dir, LOCK_FILE), `${JSON.stringify(l, null, 2)}\n`);
  return l;
}

/** The image directory's lock, when `dir` is one (rootfs.tar and unipack.lock.json in it). */
export function readImageDir(dir: string): ImageLock | undefined {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return undefined;
  if (!existsSync(join(dir, ROOTFS_FILE)) || !existsSync(join(dir, LOCK_FILE))) return undefined;
  try {
    return JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as ImageLock;
  } catch (e) {
    throw new UnipackError(ErrorCode.IMAGE_INVALID, `${join(dir, LOCK_FILE)} is not valid JSON: ${(e as Error).message}`, {
      hint: 'rebuild the image with `unipack build -o <dir>`',
    });
  }
}
