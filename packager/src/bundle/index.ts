// Collects what of an app goes into the image under /app: its own files (files.include and
// files.exclude over built-in .gitignore-style defaults) and its production dependencies. With
// a package-lock.json, dependencies are installed by `npm ci --omit=dev` in a staging copy
// (cached by the lockfile's hash); otherwise the user's installed node_modules is walked from
// package.json and pruned of dev dependencies. The user's directory is never written to.
// Native addons (*.node) are checked against the target runtime (./addons.ts).
import { existsSync } from 'node:fs';
import { join, posix, relative, resolve, sep } from 'node:path';
import type { ManifestFiles, BundleManifest } from './types.js';
import type { ImageEntry } from '../image/tar-writer.js';
import { productionTree, type DepTree } from './deps.js';
import { GlobList } from './glob.js';
import { installWithLockfile, lockfileOf } from './install.js';
import { checkAddons, type AddonReport } from './addons.js';
import { walkFiles } from './files.js';

export type { BundleManifest } from './types.js';
export { productionTree, type DepTree, type DepPackage } from './deps.js';
export { GlobList, compileGlob } from './glob.js';
export { addonLibraries, readAddonAbi, dynamicSymbols, findNodeGyp, checkToolchain, type AddonReport, type AddonAbi } from './addons.js';
export { walkFiles } from './files.js';

/** Where the app lives in the image. */
export const APP_DIR = '/app';

/** Never packed from the app directory (node_modules comes from the dependency walk). */
export const ALWAYS_EXCLUDED = ['.git/', '/.gitignore', '/.dockerignore', '.hg/', '.svn/', '.unipack/', '/node_modules/', '.DS_Store', 'npm-debug.log*', '.npm/', '.nyc_output/', 'coverage/'];
/** Never packed from a dependency. */
// In dependencies: VCS and cache directories, and node-gyp's byproducts (objects, static
// libraries, the generated Makefiles and config.gypi). Only the built .node files are loaded;
// the byproducts hold the build directory's path, so leaving them out also keeps images the
// same bytes from any staging directory.
export const DEP_EXCLUDED = [
  '/node_modules/', '.git/', '.cache/', '.DS_Store',
  '/build/Release/obj.target/', '/build/Release/.deps/', '/build/Release/obj/', '/build/Debug/obj.target/', '/build/Debug/.deps/',
  '/build/Makefile', '/build/config.gypi', '/build/**/*.mk', '/build/**/*.Makefile', '/build/Release/*.a', '/build/Debug/*.a',
];
/** Left out with files.tests: false, from the app and its dependencies. */
export const TEST_PATTERNS = ['test/', 'tests/', '__tests__/', '__mocks__/', '*.test.*', '*.spec.*'];

export interface RuntimeForBundle {
  version: string;
  nodePath: string;
  headersDir?: string;
  modules?: string;
}

export interface CollectOptions {
  onProgress?: (msg: string) => void;
  /** More directories (absolute) to leave out, such as the image output directory. */
  excludeDirs?: string[];
  env?: NodeJS.ProcessEnv;
  /** Do not rebuild addons with the wrong ABI: fail instead. */
  noRebuild?: boolean;
}

export interface CollectResult {
  files: ImageEntry[];
  /** Image paths of the native addons (*.node). */
  addons: string[];
  /** Per-addon details: host file, package, ABI, whether it was rebuilt. */
  addonReports: AddonReport[];
  /** How dependencies were chosen. */
  deps: { mode: 'npm-ci' | 'installed' | 'none'; packages: number; stagingDir?: string; missingOptional: string[] };
}

function toPosix(p: string): string {
  return p.split(sep).join('/');
}

/** The app's own files (not node_modules), as image entries under /app. */
export function appFiles(m: BundleManifest, excludeDirs: string[] = []): ImageEntry[] {
  const files: ManifestFiles = m.files;
  const include = new GlobList(files.include.length ? files.include : ['**']);
  const exclude = new GlobList([
    ...ALWAYS_EXCLUDED,
    ...(files.tests === false ? TEST_PATTERNS : []),
    ...excludeDirs.map((d) => relative(m.dir, resolve(d))).filter((r) => r && !r.startsWith('..')).map((r) => `/${toPosix(r)}/`),
    ...files.exclude,
  ]);
  const entry = m.entry ? toPosix(relative(m.dir, m.entry)) : undefined;
  const keep = (rel: string, isDir: boolean) => {
    if (exclude.matches(rel, isDir)) return false;
    if (isDir) return true; // include globs select files; empty directories are dropped below
    return rel === 'package.json' || rel === entry || include.matches(rel, false);
  };
  const entries = walkFiles(m.dir, APP_DIR, keep, m.dir);
  return dropEmptyDirs(entries);
}

function dropEmptyDirs(entries: ImageEntry[]): ImageEntry[] {
  const used = new Set<string>();
  for (const e of entries) {
    if (e.type === 'dir') continue;
    let p = posix.dirname(e.path);
    while (p !== '/' && p !== '.' && !used.has(p)) {
      used.add(p);
      p = posix.dirname(p);
    }
  }
  return entries.filter((e) => e.type !== 'dir' || used.has(e.path));
}

/** Entries for the production dependencies in `tree`, found under `rootDir`. */
export function dependencyFiles(tree: DepTree, rootDir: string, tests: boolean): ImageEntry[] {
  const out: ImageEntry[] = [];
  const exclude = new GlobList([...DEP_EXCLUDED, ...(tests ? [] : TEST_PATTERNS)]);
  for (const pkg of tree.packages) {
    const dir = posix.join(APP_DIR, pkg.imageDir);
    out.push({ type: 'dir', path: dir });
    out.push(...walkFiles(pkg.realDir, dir, (rel, isDir) => !exclude.matches(rel, isDir), rootDir));
  }
  for (const l of tree.links) out.push({ type: 'symlink', path: posix.join(APP_DIR, l.imagePath), target: l.target });
  return out;
}

/**
 * The app's files and production dependencies as image entries under /app, and its native
 * addons (image paths). Addons built for another Node ABI are rebuilt for `rt` with node-gyp.
 */
export async function collectApp(m: BundleManifest, rt: RuntimeForBundle, opts: CollectOptions = {}): Promise<CollectResult> {
  const progress = opts.onProgress ?? (() => {});
  const env = opts.env ?? process.env;
  progress('collecting app files');
  const own = appFiles(m, opts.excludeDirs);

  let tree: DepTree;
  let rootDir = m.dir;
  let mode: CollectResult['deps']['mode'];
  let stagingDir: string | undefined;
  const lock = lockfileOf(m.dir);
  if (lock === 'package-lock.json' || lock === 'npm-shrinkwrap.json') {
    stagingDir = await installWithLockfile(m.dir, lock, rt, { env, onProgress: progress });
    rootDir = stagingDir;
    tree = productionTree(m.dir, stagingDir);
    mode = 'npm-ci';
  } else {
    if (lock) progress(`${lock}: packing the installed node_modules (pruned of dev dependencies)`);
    tree = productionTree(m.dir);
    mode = tree.packages.length ? 'installed' : 'none';
  }
  progress(`${tree.packages.length} production package${tree.packages.length === 1 ? '' : 's'}`);
  let deps = dependencyFiles(tree, rootDir, m.files.tests ?? true);

  const depExclude = new GlobList([...DEP_EXCLUDED, ...(m.files.tests === false ? TEST_PATTERNS : [])]);
  const checked = await checkAddons([...own, ...deps], tree, rt, {
    env,
    onProgress: progress,
    noRebuild: opts.noRebuild ?? false,
    stagingRoot: stagingDir,
    keep: (rel, isDir) => !depExclude.matches(rel, isDir),
  });
  deps = checked.entries.filter((e) => !own.includes(e));
  const files = dropEmptyDirs([...own.filter((e) => checked.entries.includes(e)), ...deps]);
  return {
    files,
    addons: checked.reports.map((r) => r.imagePath).sort(),
    addonReports: checked.reports,
    deps: { mode, packages: tree.packages.length, ...(stagingDir ? { stagingDir } : {}), missingOptional: tree.missingOptional },
  };
}

export function hasNodeModules(dir: string): boolean {
  return existsSync(join(dir, 'node_modules'));
}
