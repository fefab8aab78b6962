// The production dependency tree of an app, found the way Node's require() finds packages:
// from each package's real directory, node_modules/<name> in it and then in every parent. Walked
// from package.json's dependencies and optionalDependencies (peer dependencies when they are
// installed), never devDependencies: the result is the user's installed node_modules pruned of
// what production does not load — only versions already installed (and tested) are used.
import { existsSync, lstatSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { ErrorCode, UnipackError } from '../errors.js';

export interface DepPackage {
  name: string;
  version: string;
  /** The package's real directory on the host. */
  realDir: string;
  /** Where it goes under the app in the image ('node_modules/x' or 'node_modules/a/node_modules/b'). */
  imageDir: string;
  /** Who needs it (package names, '.' for the app). */
  requiredBy: string[];
}

export interface DepLink {
  /** Image path of the symlink, relative to the app ('node_modules/x'). */
  imagePath: string;
  /** Relative target, as ln -s would write it. */
  target: string;
}

export interface DepTree {
  packages: DepPackage[];
  links: DepLink[];
  /** Optional dependencies that are not installed (skipped, as npm does on failure). */
  missingOptional: string[];
}

interface PkgJson {
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  bundleDependencies?: string[] | boolean;
  bundledDependencies?: string[] | boolean;
}

export function readPkg(dir: string): PkgJson {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PkgJson;
  } catch {
    return {};
  }
}

function inside(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent + sep);
}

/**
 * Walks the production dependencies of the app whose package.json is in `appDir`, looking for
 * packages from `rootDir` (the app itself, or a staging copy where `npm ci` installed them).
 */
export function productionTree(appDir: string, rootDir: string = appDir): DepTree {
  const root = realpathSync(rootDir);
  const app = readPkg(appDir);
  const byReal = new Map<string, DepPackage>();
  const links = new Map<string, DepLink>();
  const missingOptional: string[] = [];
  const usedImageDirs = new Set<string>();

  // Image dir for a package found at host path `found` (maybe a symlink) with real dir `real`.
  const imageDirFor = (found: string, real: string, name: string): string => {
    if (inside(real, root)) return relative(root, real).split(sep).join('/');
    if (inside(found, root)) return relative(root, found).split(sep).join('/');
    // Outside the app (a hoisted workspace dependency, npm link): flattened under the app.
    let dir = `node_modules/${name}`;
    for (let i = 2; usedImageDirs.has(dir); i++) dir = `node_modules/.unipack-hoisted/${i}/node_modules/${name}`;
    return dir;
  };

  const find = (fromReal: string, name: string): string | undefined => {
    for (let d = fromReal; ; d = dirname(d)) {
      if (!d.endsWith(`${sep}node_modules`)) {
        const cand = join(d, 'node_modules', name);
        if (existsSync(join(cand, 'package.json'))) return cand;
      }
      if (dirname(d) === d) return undefined;
    }
  };

  const queue: Array<{ fromReal: string; from: string; deps: Array<[string, 'required' | 'optional' | 'peer']> }> = [];
  const depsOf = (p: PkgJson): Array<[string, 'required' | 'optional' | 'peer']> => {
    const out = new Map<string, 'required' | 'optional' | 'peer'>();
    for (const n of Object.keys(p.peerDependencies ?? {})) out.set(n, 'peer');
    for (const n of Object.keys(p.dependencies ?? {})) out.set(n, 'required');
    for (const n of Object.keys(p.optionalDependencies ?? {})) out.set(n, 'optional');
    return [...out];
  };
  queue.push({ fromReal: root, from: '.', deps: depsOf(app) });

  while (queue.length) {
    const { fromReal, from, deps } = queue.shift()!;
    for (const [name, kind] of deps) {
      const found = find(fromReal, name);
      if (!found) {
        if (kind === 'required') {
          throw new UnipackError(ErrorCode.DEPS_INSTALL, `production dependency "${name}"${from === '.' ? '' : ` of ${from}`} is not installed`, {
            hint: 'run `npm install` (or your package manager) in the app directory first; unipack packs the versions you installed',
          });
        }
        if (kind === 'optional') missingOptional.push(name);
        continue;
      }
      const real = realpathSync(found);
      // A symlink on the lookup path (pnpm, npm link): keep it in the image when both ends are inside.
      if (lstatSync(found).isSymbolicLink() && inside(found, root) && inside(real, root)) {
        const imagePath = relative(root, found).split(sep).join('/');
        if (!links.has(imagePath)) links.set(imagePath, { imagePath, target: relative(dirname(found), real).split(sep).join('/') || readlinkSync(found) });
      }
      const seen = byReal.get(real);
      if (seen) {
        if (!seen.requiredBy.includes(from)) seen.requiredBy.push(from);
        continue;
      }
      const pkg = readPkg(real);
      const imageDir = imageDirFor(found, real, name);
      usedImageDirs.add(imageDir);
      byReal.set(real, { name, version: pkg.version ?? '0.0.0', realDir: real, imageDir, requiredBy: [from] });
      queue.push({ fromReal: real, from: name, deps: depsOf(pkg) });
    }
  }
  const packages = [...byReal.values()].sort((a, b) => (a.imageDir < b.imageDir ? -1 : a.imageDir > b.imageDir ? 1 : 0));
  return { packages, links: [...links.values()], missingOptional };
}

/** Resolve `p` against `base` and make sure it stays inside. */
export function within(base: string, p: string): string | undefined {
  const r = resolve(base, p);
  return inside(r, resolve(base)) ? r : undefined;
}
