// Build time of examples/express-app: cold (an empty unipack cache, so the staging `npm ci`,
// the dependency walk, the node strip and the image write all happen; npm's own download cache
// is whatever the machine has) and warm (the same cache again), against the baseline a user
// runs anyway: `npm ci --omit=dev` of the same lockfile in a fresh copy, in the same run.
// Usage: node test/bench/build.mjs
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stats, fmt } from './stats.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const APP = join(root, 'examples', 'express-app');

function timed(fn) {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

function unipackBuild(app, cacheDir) {
  execFileSync(process.execPath, [join(root, 'bin', 'unipack.js'), 'build', app, '-q', '--offline'], {
    env: { ...process.env, UNIPACK_CACHE_DIR: cacheDir },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

export async function bench({ runs = 3, log = console.log } = {}) {
  const cold = [];
  const warm = [];
  const npmCi = [];
  for (let i = 0; i < runs; i++) {
    const work = mkdtempSync(join(tmpdir(), 'unipack-build-bench-'));
    try {
      const app = join(work, 'app');
      cpSync(APP, app, { recursive: true, filter: (s) => !s.includes('node_modules') && !s.includes('.unipack') });
      const cache = join(work, 'cache');
      cold.push(timed(() => unipackBuild(app, cache)));
      warm.push(timed(() => unipackBuild(app, cache)));
      const plain = join(work, 'plain');
      cpSync(APP, plain, { recursive: true, filter: (s) => !s.includes('node_modules') && !s.includes('.unipack') });
      npmCi.push(timed(() => execFileSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: plain, stdio: 'ignore' })));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  const r = { app: 'express-app', runs, coldMs: stats(cold), warmMs: stats(warm), npmCiMs: stats(npmCi) };
  log(`build express-app: cold ${fmt(r.coldMs, 'ms')}, warm ${fmt(r.warmMs, 'ms')}; npm ci --omit=dev alone ${fmt(r.npmCiMs, 'ms')}`);
  return r;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await bench();
