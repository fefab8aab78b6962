// What unipack infers from package.json when unipack.yaml leaves a field out: the name, the
// entry (main, else the file `scripts.start` runs with node, else index.js), the runtime range
// (engines.node, else the host node's major line). Each inferred value remembers the
// package.json field it came from, so a problem with it points there.
import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { JsonPath } from './schema.js';
import type { SourceFile } from './source.js';

export interface Origin {
  /** The file the value came from; undefined for a built-in default. */
  src?: SourceFile;
  path: JsonPath;
  /** How it was inferred, for `unipack init` comments ("from package.json main"). */
  note: string;
}

export interface Inferred {
  /** Fields in the manifest's own shape (what unipack.yaml would say). */
  fields: Record<string, unknown>;
  origins: Record<string, Origin>;
}

type Pkg = {
  name?: unknown;
  main?: unknown;
  scripts?: Record<string, unknown>;
  engines?: { node?: unknown };
};

/** The file Node would load for `spec` relative to `dir` (require's file and directory rules). */
export function resolveModuleFile(dir: string, spec: string): string | undefined {
  const base = resolve(dir, spec);
  const isFile = (p: string) => existsSync(p) && statSync(p).isFile();
  for (const c of [base, `${base}.js`, `${base}.cjs`, `${base}.mjs`, `${base}.json`, join(base, 'index.js'), join(base, 'index.cjs'), join(base, 'index.mjs')]) {
    if (isFile(c)) return c;
  }
  return undefined;
}

/**
 * Parses a start script that runs node directly: `node [node options] file [args]`, optionally
 * after `NODE_ENV=… ` assignments. Returns undefined for anything else (npm run x, ts-node, &&).
 */
export function parseStartScript(script: string): { nodeOptions: string[]; file: string; args: string[] } | undefined {
  if (/[;&|<>`$()]/.test(script)) return undefined;
  const words = script.trim().split(/\s+/);
  while (words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]!)) words.shift();
  if (words.shift() !== 'node') return undefined;
  const nodeOptions: string[] = [];
  while (words.length && words[0]!.startsWith('-')) {
    const opt = words.shift()!;
    nodeOptions.push(opt);
    // Options that take a separate value.
    if (/^(-r|--require|--import|--loader|--experimental-loader|--env-file|--inspect-port|--title)$/.test(opt) && words.length) nodeOptions.push(words.shift()!);
  }
  const file = words.shift();
  if (!file) return undefined;
  return { nodeOptions, file, args: words };
}

/** Image name from a package name: no @scope/, only [A-Za-z0-9._-]. */
export function nameFrom(pkgName: string): string {
  const n = pkgName.replace(/^@[^/]+\//, '').replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return n.slice(0, 63) || 'app';
}

export function infer(dir: string, pkgSrc: SourceFile | undefined, hostMajor: string | undefined): Inferred {
  const fields: Record<string, unknown> = {};
  const origins: Record<string, Origin> = {};
  const pkg = (pkgSrc?.value && typeof pkgSrc.value === 'object' ? pkgSrc.value : {}) as Pkg;
  const set = (key: string, value: unknown, origin: Origin) => {
    fields[key] = value;
    origins[key] = origin;
  };

  if (typeof pkg.name === 'string' && pkg.name) set('name', nameFrom(pkg.name), { src: pkgSrc, path: ['name'], note: 'from package.json name' });
  else set('name', nameFrom(basename(resolve(dir))), { path: [], note: 'from the directory name' });

  const start = typeof pkg.scripts?.start === 'string' ? parseStartScript(pkg.scripts.start) : undefined;
  if (typeof pkg.main === 'string' && pkg.main) {
    const file = resolveModuleFile(dir, pkg.main);
    set('entry', file ? toRel(dir, file) : pkg.main, { src: pkgSrc, path: ['main'], note: 'from package.json main' });
  } else if (start) {
    set('entry', start.file, { src: pkgSrc, path: ['scripts', 'start'], note: 'from package.json scripts.start' });
    if (start.args.length) set('args', start.args, { src: pkgSrc, path: ['scripts', 'start'], note: 'from package.json scripts.start' });
    if (start.nodeOptions.length) {
      // Node options go into NODE_OPTIONS-free argv: command carries them.
      delete fields.entry;
      delete origins.entry;
      set('command', ['node', ...start.nodeOptions, start.file], { src: pkgSrc, path: ['scripts', 'start'], note: 'from package.json scripts.start' });
    }
  } else {
    set('entry', 'index.js', { path: [], note: 'the default (package.json has no main or start script)' });
  }

  if (pkg.engines?.node !== undefined) set('runtime', pkg.engines.node, { src: pkgSrc, path: ['engines', 'node'], note: 'from package.json engines.node' });
  else if (hostMajor !== undefined) set('runtime', `${hostMajor}.x`, { path: [], note: "the host node's major line (package.json has no engines.node)" });

  const script = fields.entry !== undefined ? String(fields.entry) : start?.file;
  if (typeof pkg.scripts?.build === 'string' && script !== undefined && !resolveModuleFile(dir, script)) {
    // The entry is a build output (dist/main.js of a TypeScript app) that is not there yet.
    set('build', 'npm run build', { src: pkgSrc, path: ['scripts', 'build'], note: 'the entry does not exist yet and package.json has a build script' });
  }
  return { fields, origins };
}

function toRel(dir: string, file: string): string {
  const rel = file.slice(resolve(dir).length + 1);
  return rel.split('\\').join('/');
}
