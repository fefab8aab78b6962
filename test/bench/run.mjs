// Runs every benchmark part and writes test/bench/results/latest.json (not committed).
// Usage: node test/bench/run.mjs [--smoke]   (`npm run bench`; needs `npm run build`)
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bench as boot } from './boot.mjs';
import { bench as syscalls } from './syscalls.mjs';

const smoke = process.argv.includes('--smoke');
const here = dirname(fileURLToPath(import.meta.url));
const results = {
  date: new Date().toISOString(),
  smoke,
  node: process.version,
  parts: {
    boot: await boot({ runs: smoke ? 1 : 10 }),
    syscalls: await syscalls(smoke ? { n: 10_000, runs: 1 } : {}),
  },
};
const out = join(here, 'results', 'latest.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(`bench: results in ${out}`);
