// The one place a root filesystem is assembled (DESIGN.md "Boot contract"): the programs to run
// with their dynamic loader and the closure of shared libraries under every name ld.so opens,
// extra entries (the app), the generated /etc files and /.unipack/boot.json, written by the
// deterministic tar writer. `unipack exec`, `unipack build` and the tests all come through here.
//
// Paths in the image mirror the host's: a library found at /lib/x86_64-linux-gnu/libc.so.6 on
// a merged-/usr host becomes the symlink /lib -> usr/lib plus the file
// /usr/lib/x86_64-linux-gnu/libc.so.6, exactly the hops ld.so takes. The image has no
// ld.so.cache, so a library found through /etc/ld.so.conf or LD_LIBRARY_PATH on the host also
// gets a symlink in /usr/lib/x86_64-linux-gnu, a directory ld.so searches by default.
import { existsSync, realpathSync } from 'node:fs';
import { dirname, posix } from 'node:path';
import { ErrorCode, UnipackError } from '../errors.js';
import { isElfFile, readElf } from '../elf/read.js';
import { DEFAULT_LIBRARY_DIRS, resolveLibraries, symlinkChain, type ResolvedObject, type SymlinkHop } from '../elf/resolve.js';
import { normalisePath, writeImage, type ImageEntry, type WrittenEntry } from './tar-writer.js';

/** Where ld.so looks without a cache; aliases for libraries found elsewhere go here. */
export const IMAGE_LIBRARY_DIR = '/usr/lib/x86_64-linux-gnu';

export interface RootfsProgram {
  /** The ELF on the host (symlinks are followed). */
  host: string;
  /**
   * Its path in the image. Default: the host path, with the host's symlink hops reproduced;
   * a different path gets the file's data directly.
   */
  image?: string;
  /**
   * The file whose bytes go into the image at `image` (default `host`): a copy of `host` that
   * loads the same (elf/strip.ts). Libraries are still resolved from `host`.
   */
  data?: string;
}

export interface BootConfig {
  /** argv[0] is what the program sees; the kernel loads `exe` when given, else argv[0]. */
  argv: string[];
  exe?: string;
  env?: Record<string, string>;
  cwd?: string;
  hostname?: string;
  /** Extra tmpfs mounts (size 0: no limit). */
  mounts?: Array<{ path: string; sizeMiB: number }>;
  /** The network: absent means DHCP when the VM has a NIC. */
  net?: { mode: 'dhcp' | 'static' | 'none'; address?: string; gateway?: string };
  /** Name servers for /etc/resolv.conf (default QEMU user networking's 10.0.2.3). */
  dns?: string[];
}

export interface RootfsOptions {
  /** ELF programs to run (the kernel loads one; others may be there for the app to find). */
  programs: RootfsProgram[];
  /** More entries (the app's files). They win over nothing: a clash with a generated path is an error. */
  entries?: ImageEntry[];
  /**
   * Image paths of ELF objects among `entries` (native addons) whose libraries the image must
   * hold; a library whose host file is already one of the entries is not added again.
   */
  objects?: string[];
  /** Directories to create when the image does not have them already (e.g. a working directory). */
  dirs?: string[];
  boot: BootConfig;
  /** LD_LIBRARY_PATH to resolve libraries with, as on the host. */
  libraryPath?: string;
  /** The tar to write. */
  out: string;
  /** mtime of every entry (default $SOURCE_DATE_EPOCH or 0). */
  mtime?: number;
}

export interface RootfsResult {
  out: string;
  size: number;
  entries: WrittenEntry[];
  /** Number of regular files (hard links included). */
  files: number;
  /** Host real paths of the loader and libraries that went in, sorted. */
  libraries: string[];
  /** The boot configuration written to /.unipack/boot.json. */
  boot: Required<Pick<BootConfig, 'argv' | 'env' | 'cwd' | 'hostname'>> & Pick<BootConfig, 'exe' | 'mounts' | 'net'>;
}

type Node =
  | { type: 'file'; source: string | Uint8Array; mode?: number; origin: string }
  | { type: 'dir'; mode?: number; origin: string }
  | { type: 'symlink'; target: string; origin: string }
  | { type: 'hardlink'; target: string; origin: string };

/** The image as a path → node map that resolves symlinked directories like the kernel will. */
class ImageTree {
  readonly nodes = new Map<string, Node>();

  /** The path with every symlinked directory component followed (the last component is kept). */
  canonical(p: string): string {
    let parts = posix.normalize(`/${p}`).split('/').filter(Boolean);
    let cur = '';
    for (let hops = 0; parts.length > 0; ) {
      const part = parts.shift()!;
      const next = `${cur}/${part}`;
      const node = this.nodes.get(next);
      if (node?.type === 'symlink' && parts.length > 0) {
        if (++hops > 40) throw new UnipackError(ErrorCode.IMAGE_INVALID, `symlink loop in the image at ${next}`);
        const target = node.target.startsWith('/') ? node.target : posix.join(cur || '/', node.target);
        parts = [...posix.normalize(target).split('/').filter(Boolean), ...parts];
        cur = '';
        continue;
      }
      cur = next;
    }
    return cur || '/';
  }

  add(p: string, node: Node): void {
    const path = this.canonical(p);
    const old = this.nodes.get(path);
    if (old) {
      if (same(old, node)) return;
      if (old.type === 'dir' && node.type === 'dir') return;
      throw new UnipackError(ErrorCode.IMAGE_INVALID, `two different entries for ${path} in the image (${old.origin}; ${node.origin})`);
    }
    this.nodes.set(path, node);
  }

  has(p: string): boolean {
    return this.nodes.has(this.canonical(p));
  }

  entries(): ImageEntry[] {
    return [...this.nodes].map(([path, n]): ImageEntry => {
      switch (n.type) {
        case 'file':
          return { type: 'file', path, source: n.source, ...(n.mode !== undefined ? { mode: n.mode } : {}) };
        case 'dir':
          return { type: 'dir', path, ...(n.mode !== undefined ? { mode: n.mode } : {}) };
        case 'symlink':
          return { type: 'symlink', path, target: n.target };
        case 'hardlink':
          return { type: 'hardlink', path, target: n.target };
      }
    });
  }
}

function same(a: Node, b: Node): boolean {
  if (a.type !== b.type) return false;
  if (a.type === 'file' && b.type === 'file') return typeof a.source === 'string' && a.source === b.source;
  if ((a.type === 'symlink' || a.type === 'hardlink') && a.type === b.type) return a.target === (b as typeof a).target;
  return a.type === 'dir';
}

/** The generated /etc files (DESIGN.md boot contract): files-only NSS, root, QEMU's DNS. */
export function etcFiles(hostname: string, dns: readonly string[] = ['10.0.2.3']): ImageEntry[] {
  const text = (path: string, s: string): ImageEntry => ({ type: 'file', path, source: Buffer.from(s) });
  return [
    text('/etc/hosts', `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\t${hostname}\n`),
    // files only: anything else (systemd, mdns) would make glibc dlopen a module the image lacks.
    text('/etc/nsswitch.conf', 'passwd: files\ngroup: files\nshadow: files\nhosts: files dns\nnetworks: files\nprotocols: files\nservices: files\n'),
    text('/etc/passwd', 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n'),
    text('/etc/group', 'root:x:0:\nnogroup:x:65534:\n'),
    // QEMU user networking's DNS forwarder.
    text('/etc/resolv.conf', dns.map((d) => `nameserver ${d}\n`).join('')),
    text('/etc/hostname', `${hostname}\n`),
  ];
}

function addHops(tree: ImageTree, hops: readonly SymlinkHop[], origin: string): void {
  for (const h of hops) tree.add(h.path, { type: 'symlink', target: h.target, origin });
}

/** Adds a host file at its own path, with the symlink hops the host takes to reach it. */
function addHostObject(tree: ImageTree, path: string, origin: string, data?: string): string {
  const { realPath, links } = symlinkChain(path);
  addHops(tree, links, origin);
  tree.add(realPath, { type: 'file', source: data ?? realPath, mode: 0o755, origin });
  return realPath;
}

function addResolved(tree: ImageTree, obj: ResolvedObject, libs: Set<string>, skip: Set<string>): void {
  if (skip.has(obj.realPath)) return;
  const origin = `${obj.name} needed by ${obj.neededBy[0] ?? '?'}`;
  addHops(tree, obj.links, origin);
  tree.add(obj.realPath, { type: 'file', source: obj.realPath, mode: 0o755, origin });
  libs.add(obj.realPath);
  for (const a of obj.aliases) addHops(tree, a.links, origin);
  // Found outside ld.so's default directories (ld.so.conf, LD_LIBRARY_PATH, RPATH): without a
  // cache the loader in the image would not look there, so give it a name where it looks.
  const dir = dirname(obj.path);
  if (!obj.name.includes('/') && !DEFAULT_LIBRARY_DIRS.includes(dir)) {
    const alias = `${IMAGE_LIBRARY_DIR}/${obj.name}`;
    if (!tree.has(alias)) tree.add(alias, { type: 'symlink', target: obj.realPath, origin });
  }
}

/**
 * Libraries glibc opens with dlopen, which no DT_NEEDED names: libgcc_s for the unwinder that
 * pthread_cancel, pthread_exit and backtrace() use ("libgcc_s.so.1 must be installed for
 * pthread_cancel to work", then abort). Added when the image has glibc and the host has them.
 */
export const GLIBC_DLOPENED = ['libgcc_s.so.1'];

function addGlibcDlopened(tree: ImageTree, libs: Set<string>): void {
  if (![...libs].some((l) => /\/libc\.so\.6$|\/libc-2\.\d+\.so$/.test(l))) return;
  for (const name of GLIBC_DLOPENED) {
    for (const dir of DEFAULT_LIBRARY_DIRS) {
      const p = `${dir}/${name}`;
      if (!existsSync(p) || !isElfFile(p)) continue;
      const { realPath, links } = symlinkChain(p);
      if (!libs.has(realPath)) {
        addHops(tree, links, `${name} (dlopened by glibc)`);
        tree.add(realPath, { type: 'file', source: realPath, mode: 0o755, origin: `${name} (dlopened by glibc)` });
        libs.add(realPath);
      }
      break;
    }
  }
}

/** Resolves one ELF's loader and libraries into the tree; wraps a missing library with context. */
function addClosure(tree: ImageTree, host: string, what: string, libs: Set<string>, skip: Set<string>, libraryPath?: string): void {
  const elf = readElf(host);
  if (!elf.interpreter && elf.needed.length === 0) return;
  let r;
  try {
    r = resolveLibraries(host, libraryPath !== undefined ? { libraryPath } : {});
  } catch (e) {
    if (e instanceof UnipackError && e.code === ErrorCode.LIBRARY_MISSING) {
      throw new UnipackError(ErrorCode.LIBRARY_MISSING, `cannot pack ${what}: ${e.message}`, {
        ...(e.details !== undefined ? { details: e.details } : {}),
        ...(e.hint !== undefined ? { hint: e.hint } : {}),
        cause: e,
      });
    }
    throw e;
  }
  if (r.interpreter) addResolved(tree, r.interpreter, libs, skip);
  for (const l of r.libraries) addResolved(tree, l, libs, skip);
}

function checkProgram(host: string): void {
  let elf;
  try {
    elf = readElf(host);
  } catch (e) {
    if (e instanceof UnipackError) throw e;
    throw new UnipackError(ErrorCode.ELF_INVALID, `cannot read ${host}: ${(e as Error).message}`, { cause: e });
  }
  if (elf.class !== 64 || elf.machine !== 62 || !elf.executable) {
    throw new UnipackError(ErrorCode.ELF_INVALID, `${host} is not an x86-64 Linux executable (${elf.class}-bit, machine ${elf.machine}, ${elf.type})`, {
      hint: 'unipack runs x86_64 Linux ELF programs',
    });
  }
}

/**
 * Assembles the root filesystem and writes it to `opts.out`. Throws ERR_UNIPACK_LIBRARY_MISSING
 * (naming the program and where ld.so would look), ERR_UNIPACK_ELF_INVALID for a program that is
 * not an x86-64 executable, ERR_UNIPACK_IMAGE_INVALID for clashing entries.
 */
export function buildRootfs(opts: RootfsOptions): RootfsResult {
  const tree = new ImageTree();
  const libs = new Set<string>();
  const hostname = opts.boot.hostname ?? 'unipack';

  // The app first: its files are what the user gave; generated files must not shadow them.
  const hostSources = new Set<string>();
  const sourceOf = new Map<string, string>();
  for (const e of opts.entries ?? []) {
    const p = `/${normalisePath(e.path)}`;
    switch (e.type) {
      case 'file':
        tree.add(p, { type: 'file', source: e.source, ...(e.mode !== undefined ? { mode: e.mode } : {}), origin: 'app' });
        if (typeof e.source === 'string') {
          const real = realpathSync(e.source);
          hostSources.add(real);
          sourceOf.set(p, e.source);
        }
        break;
      case 'dir':
        tree.add(p, { type: 'dir', ...(e.mode !== undefined ? { mode: e.mode } : {}), origin: 'app' });
        break;
      case 'symlink':
        tree.add(p, { type: 'symlink', target: e.target, origin: 'app' });
        break;
      case 'hardlink':
        tree.add(p, { type: 'hardlink', target: `/${normalisePath(e.target)}`, origin: 'app' });
        break;
    }
  }

  for (const prog of opts.programs) {
    checkProgram(prog.host);
    if (prog.image === undefined || posix.normalize(prog.image) === posix.normalize(prog.host)) {
      addHostObject(tree, prog.host, `program ${prog.host}`, prog.data);
    } else {
      tree.add(prog.image, { type: 'file', source: realpathSync(prog.data ?? prog.host), mode: 0o755, origin: `program ${prog.host}` });
    }
    addClosure(tree, prog.host, prog.host, libs, hostSources, opts.libraryPath);
  }
  for (const obj of opts.objects ?? []) {
    const host = sourceOf.get(`/${normalisePath(obj)}`);
    if (!host) throw new UnipackError(ErrorCode.IMAGE_INVALID, `${obj} is listed as a native object but is not a host file among the image entries`);
    addClosure(tree, host, `${obj} (${host})`, libs, hostSources, opts.libraryPath);
  }

  addGlibcDlopened(tree, libs);
  for (const d of opts.dirs ?? []) {
    if (!tree.has(d)) tree.add(d, { type: 'dir', origin: 'dirs' });
  }
  for (const e of etcFiles(hostname, opts.boot.dns && opts.boot.dns.length > 0 ? opts.boot.dns : undefined)) {
    if (!tree.has(e.path)) tree.add(e.path, { ...(e as Extract<ImageEntry, { type: 'file' }>), origin: 'generated' });
  }

  const argv0 = opts.boot.argv[0];
  if (argv0 === undefined) throw new UnipackError(ErrorCode.IMAGE_INVALID, 'the boot configuration needs a program (argv is empty)');
  const exe = opts.boot.exe ?? argv0;
  if (!exe.startsWith('/')) {
    throw new UnipackError(ErrorCode.IMAGE_INVALID, `the program to boot must be an absolute path in the image; got "${exe}"`);
  }
  if (!tree.has(exe)) throw new UnipackError(ErrorCode.IMAGE_INVALID, `the program to boot, ${exe}, is not in the image`);
  const boot: RootfsResult['boot'] = {
    argv: opts.boot.argv,
    ...(opts.boot.exe !== undefined ? { exe: opts.boot.exe } : {}),
    env: opts.boot.env ?? {},
    cwd: opts.boot.cwd ?? '/',
    hostname,
    ...(opts.boot.mounts && opts.boot.mounts.length > 0 ? { mounts: opts.boot.mounts } : {}),
    ...(opts.boot.net ? { net: opts.boot.net } : {}),
  };
  tree.add('/.unipack/boot.json', { type: 'file', source: Buffer.from(`${JSON.stringify(boot, null, 2)}\n`), origin: 'generated' });

  const written = writeImage(tree.entries(), opts.out, opts.mtime !== undefined ? { mtime: opts.mtime } : {});
  return {
    out: opts.out,
    size: written.size,
    entries: written.entries,
    files: written.entries.filter((e) => e.type === 'file' || e.type === 'hardlink').length,
    libraries: [...libs].sort(),
    boot,
  };
}

/** Guest memory for an image: what the user asked for, else max(256, 1.5 × image + 128) MiB. */
export function memoryForImage(imageBytes: number, requestedMiB?: number): number {
  if (requestedMiB !== undefined) return requestedMiB;
  const mib = imageBytes / (1024 * 1024);
  return Math.max(256, Math.ceil(mib * 1.5 + 128));
}
