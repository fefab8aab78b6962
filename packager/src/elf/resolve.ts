// Finds the shared libraries an ELF file needs the way glibc's ld.so does (ld.so(8)), so the
// image holds every file under every name the dynamic loader will open:
//   1. DT_RPATH of the object and, for glibc, of the objects that loaded it — only when the
//      object has no DT_RUNPATH;
//   2. LD_LIBRARY_PATH;
//   3. DT_RUNPATH of the object itself (not inherited);
//   4. the directories of /etc/ld.so.conf (the host's ld.so.cache is built from them);
//   5. the default directories.
// $ORIGIN, $LIB and $PLATFORM (also as ${…}) are expanded; a candidate of the wrong ELF class
// or machine is skipped, as ld.so does.
import { existsSync, lstatSync, readFileSync, readdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve as resolvePath } from 'node:path';
import { ErrorCode, UnipackError } from '../errors.js';
import { isElfFile, readElf, type ElfInfo } from './read.js';

export const DEFAULT_LIBRARY_DIRS = ['/lib/x86_64-linux-gnu', '/usr/lib/x86_64-linux-gnu', '/lib64', '/lib', '/usr/lib'];

export interface SymlinkHop {
  /** The link's path (a file or a directory component). */
  path: string;
  /** readlink() of it, as stored (relative or absolute). */
  target: string;
}

export interface ResolvedObject {
  /** The name as requested (DT_NEEDED entry or PT_INTERP path). */
  name: string;
  /** The path where the loader finds it (search directory + name). */
  path: string;
  /** The file after all symlinks. */
  realPath: string;
  /** Symlinks crossed from `path` to `realPath`, in order: each must exist in the image. */
  links: SymlinkHop[];
  /** Paths of the objects that need it. */
  neededBy: string[];
  /** Other paths that led to the same file (another DT_NEEDED spelling), with their links. */
  aliases: Array<{ path: string; links: SymlinkHop[] }>;
  elf: ElfInfo;
}

export interface ResolveOptions {
  /** LD_LIBRARY_PATH to honour (colon-separated), as the app would run with it. */
  libraryPath?: string;
  /** Root of the filesystem to search (for a sysroot); default '/'. */
  root?: string;
  /** Expansion of $LIB; Debian's multiarch glibc uses lib/x86_64-linux-gnu. */
  lib?: string;
  /** Expansion of $PLATFORM (AT_PLATFORM). */
  platform?: string;
  /** /etc/ld.so.conf (relative to root). */
  ldSoConf?: string;
  defaultDirs?: readonly string[];
}

export interface ResolveResult {
  /** The object the search started from. */
  main: { path: string; realPath: string; elf: ElfInfo };
  interpreter?: ResolvedObject;
  /** The transitive closure of DT_NEEDED, breadth first like ld.so's load order. */
  libraries: ResolvedObject[];
}

/** Follows every symlink in `p` (directory components too), recording each hop. */
export function symlinkChain(p: string, root = '/'): { realPath: string; links: SymlinkHop[] } {
  const links: SymlinkHop[] = [];
  let pending = resolvePath(p).split('/').filter(Boolean);
  let cur = '/';
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    const next = join(cur, part);
    const st = lstatSync(join(root, next), { throwIfNoEntry: false });
    if (st?.isSymbolicLink()) {
      if (++hops > 40) throw new Error(`too many symlinks resolving ${p}`);
      const target = readlinkSync(join(root, next));
      links.push({ path: next, target });
      const base = isAbsolute(target) ? '/' : cur;
      pending = [...resolvePath(base, target).split('/').filter(Boolean), ...pending];
      cur = '/';
    } else {
      cur = next;
    }
  }
  return { realPath: cur, links };
}

/** The directories listed in ld.so.conf and the files it includes (globs in `include`). */
export function ldSoConfDirs(confPath = '/etc/ld.so.conf', root = '/', seen = new Set<string>()): string[] {
  const full = join(root, confPath);
  if (seen.has(full) || !existsSync(full)) return [];
  seen.add(full);
  const dirs: string[] = [];
  for (const rawLine of readFileSync(full, 'utf8').split('\n')) {
    const line = rawLine.replace(/#.*/, '').trim();
    if (!line) continue;
    const inc = /^include\s+(.+)$/.exec(line);
    if (inc) {
      for (const pattern of inc[1]!.trim().split(/\s+/)) {
        const abs = isAbsolute(pattern) ? pattern : join(dirname(confPath), pattern);
        for (const f of globFiles(abs, root)) dirs.push(...ldSoConfDirs(f, root, seen));
      }
    } else if (!line.startsWith('hwcap')) {
      dirs.push(...line.split(/[:\s,]+/).filter(Boolean));
    }
  }
  return dirs;
}

/** Expands a glob whose wildcards are in the last component only (what ld.so.conf uses). */
function globFiles(pattern: string, root: string): string[] {
  const dir = dirname(pattern);
  const base = pattern.slice(dir.length + 1);
  if (!/[*?[]/.test(base)) return [pattern];
  const re = new RegExp(`^${base.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
  let names: string[];
  try {
    names = readdirSync(join(root, dir));
  } catch {
    return [];
  }
  return names.filter((n) => re.test(n)).sort().map((n) => join(dir, n));
}

/** Expands $ORIGIN, $LIB and $PLATFORM in one search-path entry. */
export function expandTokens(entry: string, origin: string, lib: string, platform: string): string {
  return entry.replace(/\$(?:\{(ORIGIN|LIB|PLATFORM)\}|(ORIGIN|LIB|PLATFORM)(?![A-Za-z0-9_]))/g, (_m, a?: string, b?: string) => {
    const t = a ?? b;
    return t === 'ORIGIN' ? origin : t === 'LIB' ? lib : platform;
  });
}

interface Loaded {
  path: string;
  realPath: string;
  elf: ElfInfo;
  /** The loader chain's RPATHs that apply to objects this one loads (glibc inherits them). */
  inheritedRpath: string[][];
  origin: string;
}

/**
 * Resolves the interpreter and all needed libraries of the ELF file at `file`.
 * Throws ERR_UNIPACK_LIBRARY_MISSING naming the library, who needs it and where it looked.
 */
export function resolveLibraries(file: string, opts: ResolveOptions = {}): ResolveResult {
  const root = opts.root ?? '/';
  const lib = opts.lib ?? 'lib/x86_64-linux-gnu';
  const platform = opts.platform ?? 'x86_64';
  const defaultDirs = opts.defaultDirs ?? DEFAULT_LIBRARY_DIRS;
  const confDirs = ldSoConfDirs(opts.ldSoConf ?? '/etc/ld.so.conf', root);
  const ldLibraryPath = (opts.libraryPath ?? '').split(/[:;]/).filter(Boolean);

  const mainPath = resolvePath(file);
  const mainReal = realpathSync(mainPath);
  const mainElf = readElf(mainPath);
  const main: Loaded = {
    path: mainPath,
    realPath: mainReal,
    elf: mainElf,
    inheritedRpath: [],
    // The kernel gives ld.so the executable's real path (/proc/self/exe); libraries' $ORIGIN is
    // the directory they were found in.
    origin: dirname(mainReal),
  };

  const byName = new Map<string, ResolvedObject>();
  const byReal = new Map<string, ResolvedObject>();
  const libraries: ResolvedObject[] = [];

  const compatible = (p: string): ElfInfo | undefined => {
    const full = join(root, p);
    if (!existsSync(full) || !statSync(full).isFile() || !isElfFile(full)) return undefined;
    const e = readElf(full);
    return e.class === mainElf.class && e.machine === mainElf.machine ? e : undefined;
  };

  const record = (name: string, path: string, elf: ElfInfo, neededBy: string): ResolvedObject => {
    const { realPath, links } = symlinkChain(path, root);
    const existing = byReal.get(realPath);
    if (existing) {
      if (!existing.neededBy.includes(neededBy)) existing.neededBy.push(neededBy);
      if (path !== existing.path && !existing.aliases.some((a) => a.path === path)) existing.aliases.push({ path, links });
      byName.set(name, existing);
      return existing;
    }
    const obj: ResolvedObject = { name, path, realPath, links, neededBy: [neededBy], aliases: [], elf };
    byName.set(name, obj);
    byReal.set(realPath, obj);
    return obj;
  };

  let interpreter: ResolvedObject | undefined;
  if (mainElf.interpreter) {
    const elf = compatible(mainElf.interpreter);
    if (!elf) {
      throw new UnipackError(ErrorCode.LIBRARY_MISSING, `interpreter ${mainElf.interpreter} of ${mainPath} not found`, {
        hint: 'the image needs the dynamic loader the binary was linked against',
      });
    }
    interpreter = record(mainElf.interpreter, mainElf.interpreter, elf, mainPath);
  }

  const queue: Loaded[] = [main];
  while (queue.length > 0) {
    const obj = queue.shift()!;
    const expand = (entries: readonly string[]) =>
      entries.filter(Boolean).map((e) => expandTokens(e, obj.origin, lib, platform));
    const ownRpath = obj.elf.hasRunpath ? [] : expand(obj.elf.rpath);
    // glibc: RPATHs of the loader chain apply unless this object has RUNPATH.
    const rpathDirs = obj.elf.hasRunpath ? [] : [...ownRpath, ...obj.inheritedRpath.flat()];
    const runpathDirs = expand(obj.elf.runpath);
    for (const name of obj.elf.needed) {
      const known = byName.get(name);
      if (known) {
        if (!known.neededBy.includes(obj.path)) known.neededBy.push(obj.path);
        continue;
      }
      const tried: string[] = [];
      let found: { path: string; elf: ElfInfo } | undefined;
      if (name.includes('/')) {
        const p = resolvePath(name);
        tried.push(p);
        const elf = compatible(p);
        if (elf) found = { path: p, elf };
      } else {
        for (const dir of [...rpathDirs, ...ldLibraryPath, ...runpathDirs, ...confDirs, ...defaultDirs]) {
          const p = join(dir, name);
          if (tried.includes(p)) continue;
          tried.push(p);
          const elf = compatible(p);
          if (elf) {
            found = { path: p, elf };
            break;
          }
        }
      }
      if (!found) {
        throw new UnipackError(ErrorCode.LIBRARY_MISSING, `${name}, needed by ${obj.path}, not found`, {
          details: `looked in:\n${tried.map((t) => `  ${t}`).join('\n')}`,
          hint: 'install the library on the build host, or pass its directory in LD_LIBRARY_PATH',
        });
      }
      const before = byReal.size;
      const resolved = record(name, found.path, found.elf, obj.path);
      if (byReal.size > before) {
        libraries.push(resolved);
        queue.push({
          path: found.path,
          realPath: resolved.realPath,
          elf: found.elf,
          inheritedRpath: obj.elf.hasRunpath ? [] : [ownRpath, ...obj.inheritedRpath].filter((r) => r.length > 0),
          origin: dirname(found.path),
        });
      }
    }
  }

  return {
    main: { path: mainPath, realPath: mainReal, elf: mainElf },
    ...(interpreter ? { interpreter } : {}),
    libraries,
  };
}
