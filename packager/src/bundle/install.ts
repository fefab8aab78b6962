// `npm ci --omit=dev` in a staging copy of the app's package.json and lockfile, cached under
// <cache>/deps/<hash>/ by the hash of what decides the result (package.json's dependency fields,
// the lockfile, .npmrc, the target runtime). The user's own node_modules is never touched.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { execa } from 'execa';
import { ErrorCode, UnipackError } from '../errors.js';
import { cacheDir } from '../runtime/cache.js';

export type Lockfile = 'package-lock.json' | 'npm-shrinkwrap.json' | 'yarn.lock' | 'pnpm-lock.yaml' | 'bun.lockb';

export function lockfileOf(dir: string): Lockfile | undefined {
  for (const f of ['npm-shrinkwrap.json', 'package-lock.json', 'pnpm-lock.yaml', 'yarn.lock', 'bun.lockb'] as const) {
    if (existsSync(join(dir, f))) return f;
  }
  return undefined;
}

const MARKER = '.unipack-deps.json';

/** The staging package.json: the app's, without scripts (npm ci would run the app's own prepare). */
function stagingPackageJson(dir: string): string {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
  delete pkg.scripts;
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

export function stagingKey(dir: string, lock: Lockfile, rt: { version: string }): string {
  const h = createHash('sha256');
  h.update(`unipack-deps-1\0${rt.version}\0`);
  h.update(stagingPackageJson(dir));
  h.update(readFileSync(join(dir, lock)));
  if (existsSync(join(dir, '.npmrc'))) h.update(readFileSync(join(dir, '.npmrc')));
  return h.digest('hex').slice(0, 24);
}

/** Installs production dependencies in a staging copy; returns its directory (cached). */
export async function installWithLockfile(
  dir: string,
  lock: Lockfile,
  rt: { version: string; nodePath: string; headersDir?: string },
  opts: { env: NodeJS.ProcessEnv; onProgress: (msg: string) => void },
): Promise<string> {
  const key = stagingKey(dir, lock, rt);
  const final = join(cacheDir(opts.env), 'deps', key);
  if (existsSync(join(final, MARKER))) {
    opts.onProgress(`production dependencies: cached (${lock} unchanged)`);
    return final;
  }
  const work = `${final}.${process.pid}.tmp`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, 'package.json'), stagingPackageJson(dir));
  copyFileSync(join(dir, lock), join(work, lock));
  if (existsSync(join(dir, '.npmrc'))) copyFileSync(join(dir, '.npmrc'), join(work, '.npmrc'));
  opts.onProgress(`installing production dependencies (npm ci --omit=dev, from ${lock})`);
  const env: NodeJS.ProcessEnv = {
    ...opts.env,
    // Install scripts and node-gyp build for the target runtime: its node first on PATH, its
    // headers as nodedir so node-gyp never downloads any.
    PATH: `${dirname(rt.nodePath)}${delimiter}${opts.env.PATH ?? ''}`,
    ...(rt.headersDir ? { npm_config_nodedir: rt.headersDir } : {}),
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  };
  const r = await execa('npm', ['ci', '--omit=dev', '--ignore-scripts=false', '--no-audit', '--no-fund'], {
    cwd: work,
    env,
    extendEnv: false,
    reject: false,
    all: true,
    stdin: 'ignore',
    timeout: 30 * 60_000,
  });
  if (r.exitCode !== 0 || r.failed) {
    rmSync(work, { recursive: true, force: true });
    const all = String(r.all ?? r.shortMessage ?? '');
    const tail = all.split('\n').filter(Boolean).slice(-15).join('\n');
    const outOfSync = /in sync|EUSAGE/i.test(all);
    throw new UnipackError(ErrorCode.DEPS_INSTALL, `npm ci --omit=dev failed for ${lock}`, {
      details: tail,
      hint: outOfSync
        ? 'package.json and the lockfile disagree: run `npm install` in the app and commit the lockfile'
        : 'local (file:) or workspace dependencies cannot be installed from a staging copy; the output above says more',
    });
  }
  writeFileSync(join(work, MARKER), `${JSON.stringify({ lock, runtime: rt.version, installed: new Date().toISOString() })}\n`);
  rmSync(final, { recursive: true, force: true });
  mkdirSync(dirname(final), { recursive: true });
  renameSync(work, final);
  return final;
}
