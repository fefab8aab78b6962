// `unipack inspect <image.tar | image dir>`: what an image holds — the runtime, entry, env and
// ports (from /.unipack/boot.json and the unipack.lock.json beside the tar, when present), the
// native addons, the shared libraries, the largest files and the sizes by part.
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import * as tar from 'tar';
import { ErrorCode, UnipackError } from '../errors.js';

export interface ImageFile {
  path: string;
  size: number;
  type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';
}

export interface ImageReport {
  image: string;
  size: number;
  files: number;
  runtime: { path?: string; version?: string; integrity?: string; source?: string };
  entry?: string;
  argv: string[];
  cwd?: string;
  hostname?: string;
  env: Record<string, string>;
  ports: unknown[];
  addons: Array<{ path: string; size: number }>;
  libraries: Array<{ path: string; size: number }>;
  largest: Array<{ path: string; size: number }>;
  /** Bytes of file data per part of the image. */
  sizes: { app: number; nodeModules: number; runtime: number; libraries: number; other: number };
  /** unipack.lock.json, as found beside the tar. */
  lock?: Record<string, unknown>;
}

/** True when the file is a tar archive (ustar magic at offset 257). */
export function isTarFile(path: string): boolean {
  if (!existsSync(path) || !statSync(path).isFile()) return false;
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(6);
    return readSync(fd, b, 0, 6, 257) === 6 && b.toString('latin1', 0, 5) === 'ustar';
  } finally {
    closeSync(fd);
  }
}

/** The rootfs.tar of an image directory, or the tar itself. */
export function imageTarOf(target: string): string | undefined {
  if (existsSync(target) && statSync(target).isDirectory()) {
    const t = join(target, 'rootfs.tar');
    return isTarFile(t) ? t : undefined;
  }
  return isTarFile(target) ? target : undefined;
}

export async function inspectImage(target: string, opts: { top?: number } = {}): Promise<ImageReport> {
  const image = imageTarOf(target);
  if (!image) throw new UnipackError(ErrorCode.IMAGE_INVALID, `${target} is not an image (a rootfs.tar or a directory holding one)`, { hint: 'build one with `unipack build`' });
  const files: ImageFile[] = [];
  let boot: { argv?: string[]; exe?: string; env?: Record<string, string>; cwd?: string; hostname?: string } = {};
  await tar.t({
    file: image,
    onReadEntry: (e) => {
      const path = `/${e.path.replace(/^\.?\/+/, '').replace(/\/$/, '')}`;
      const type = e.type === 'File' || e.type === 'OldFile' ? 'file' : e.type === 'Directory' ? 'dir' : e.type === 'SymbolicLink' ? 'symlink' : e.type === 'Link' ? 'hardlink' : 'other';
      files.push({ path, size: e.size ?? 0, type });
      if (path === '/.unipack/boot.json') {
        const chunks: Buffer[] = [];
        e.on('data', (c: Buffer) => chunks.push(c));
        e.on('end', () => {
          try {
            boot = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof boot;
          } catch {
            boot = {};
          }
        });
      } else e.resume();
    },
  });
  let lock: Record<string, unknown> | undefined;
  const lockPath = join(dirname(image), 'unipack.lock.json');
  if (existsSync(lockPath)) {
    try {
      lock = JSON.parse(readFileSync(lockPath, 'utf8')) as Record<string, unknown>;
    } catch {
      lock = undefined;
    }
  }
  const regular = files.filter((f) => f.type === 'file');
  const argv = boot.argv ?? [];
  const exe = boot.exe ?? argv[0];
  const runtimePath = exe && regular.some((f) => f.path === exe) ? exe : regular.find((f) => /\/bin\/node$/.test(f.path))?.path;
  const lockRuntime = (lock?.runtime ?? {}) as { version?: string; integrity?: string; source?: string };
  const isLib = (p: string) => /\.so(\.\d+)*$/.test(posix.basename(p)) || /\/ld-linux[^/]*$/.test(p);
  const sizes = { app: 0, nodeModules: 0, runtime: 0, libraries: 0, other: 0 };
  for (const f of regular) {
    if (f.path === runtimePath) sizes.runtime += f.size;
    else if (f.path.startsWith('/app/node_modules/')) sizes.nodeModules += f.size;
    else if (f.path.startsWith('/app/')) sizes.app += f.size;
    else if (isLib(f.path)) sizes.libraries += f.size;
    else sizes.other += f.size;
  }
  const scriptIndex = argv.findIndex((a, i) => i > 0 && !a.startsWith('-'));
  return {
    image,
    size: statSync(image).size,
    files: regular.length,
    runtime: {
      ...(runtimePath ? { path: runtimePath } : {}),
      ...(lockRuntime.version ? { version: lockRuntime.version } : {}),
      ...(lockRuntime.integrity ? { integrity: lockRuntime.integrity } : {}),
      ...(lockRuntime.source ? { source: lockRuntime.source } : {}),
    },
    ...(scriptIndex > 0 ? { entry: argv[scriptIndex] } : {}),
    argv,
    ...(boot.cwd ? { cwd: boot.cwd } : {}),
    ...(boot.hostname ? { hostname: boot.hostname } : {}),
    env: boot.env ?? {},
    ports: Array.isArray(lock?.ports) ? (lock.ports as unknown[]) : [],
    addons: regular.filter((f) => f.path.endsWith('.node')).map(({ path, size }) => ({ path, size })),
    libraries: regular.filter((f) => isLib(f.path) && !f.path.startsWith('/app/')).map(({ path, size }) => ({ path, size })),
    largest: [...regular].sort((a, b) => b.size - a.size || a.path.localeCompare(b.path)).slice(0, opts.top ?? 10).map(({ path, size }) => ({ path, size })),
    sizes,
    ...(lock ? { lock } : {}),
  };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

export function formatImageReport(r: ImageReport): string {
  const out: string[] = [];
  out.push(`${r.image}: ${formatBytes(r.size)}, ${r.files} files`);
  out.push(`  runtime    ${r.runtime.path ?? '(none)'}${r.runtime.version ? ` (node ${r.runtime.version}${r.runtime.source ? `, ${r.runtime.source}` : ''})` : ''}`);
  out.push(`  command    ${r.argv.length ? r.argv.join(' ') : '(no boot.json)'}`);
  if (r.entry) out.push(`  entry      ${r.entry}`);
  if (r.cwd) out.push(`  cwd        ${r.cwd}`);
  if (r.hostname) out.push(`  hostname   ${r.hostname}`);
  for (const [k, v] of Object.entries(r.env)) out.push(`  env        ${k}=${v}`);
  for (const p of r.ports) out.push(`  port       ${typeof p === 'object' && p ? `${(p as { host: number }).host}:${(p as { guest: number }).guest}/${(p as { proto: string }).proto}` : String(p)}`);
  for (const a of r.addons) out.push(`  addon      ${a.path} (${formatBytes(a.size)})`);
  for (const l of r.libraries) out.push(`  library    ${l.path} (${formatBytes(l.size)})`);
  out.push('  sizes');
  const s = r.sizes;
  for (const [k, v] of [['runtime', s.runtime], ['libraries', s.libraries], ['app', s.app], ['node_modules', s.nodeModules], ['other', s.other]] as const) out.push(`    ${k.padEnd(13)}${formatBytes(v)}`);
  out.push('  largest files');
  for (const f of r.largest) out.push(`    ${formatBytes(f.size).padStart(10)}  ${f.path}`);
  return `${out.join('\n')}\n`;
}
