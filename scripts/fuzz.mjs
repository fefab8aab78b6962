// `npm run fuzz`: the guest syscall fuzzer (test/abi/fuzz.c, static musl; never run on the host)
// for longer than CI does: many seeds, 60 s of fuzzing each (a seed whose fuzzer dies early is
// followed by derived seeds, seed*1000+i, until its time is up). Stops at the first kernel
// panic or hang and prints the seed and the kernel log tail. Needs `npm run build`.
// Usage: node scripts/fuzz.mjs [--seeds N | --seed S,S,...] [--seconds S] [--machine microvm|q35]
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { exec } from '../dist/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: { seeds: { type: 'string', default: '10' }, seed: { type: 'string' }, seconds: { type: 'string', default: '60' }, machine: { type: 'string', default: 'microvm' } },
});
const seconds = Number(values.seconds);
const seeds = values.seed ? values.seed.split(',').map(Number) : Array.from({ length: Number(values.seeds) }, () => randomInt(1, 2 ** 32));

const out = join(root, 'test', 'abi', 'build');
mkdirSync(out, { recursive: true });
const bin = join(out, 'fuzz.musl-static');
execFileSync('musl-gcc', ['-static', '-O2', '-g0', '-o', bin, join(root, 'test', 'abi', 'fuzz.c')]);
const sink = new Writable({ write: (_c, _e, cb) => cb() });

let bad = 0;
for (const seed of seeds) {
  const end = Date.now() + seconds * 1000;
  let boots = 0;
  const ends = new Map();
  for (let i = 0; i === 0 || Date.now() < end; i++) {
    const s = i === 0 ? seed : seed * 1000 + i;
    const left = Math.max(1, Math.ceil((end - Date.now()) / 1000));
    let r;
    try {
      r = await exec({ program: bin, argv0: 'fuzz', args: [String(s), '100000000', String(left)], machine: values.machine, accel: 'tcg', timeoutMs: (left + 60) * 1000, notes: sink });
    } catch (e) {
      console.log(`fuzz: seed ${s}: ${e.message}\n${e.details ?? ''}`);
      bad++;
      break;
    }
    boots++;
    const panic = r.vm.records.find((x) => x.event === 'panic');
    if (panic) {
      console.log(`fuzz: seed ${s}: KERNEL PANIC\n${r.vm.log.split('\n').slice(-30).join('\n')}`);
      bad++;
      break;
    }
    const last = r.vm.records.filter((x) => x.event === 'exit' || x.event === 'signal').pop();
    const how = last?.event === 'exit' ? `exit ${last.fields.status}` : (last?.fields.name ?? '?');
    ends.set(how, (ends.get(how) ?? 0) + 1);
  }
  console.log(`fuzz: seed ${seed}: ${boots} boots in ${seconds}s: ${[...ends].map(([k, v]) => `${k}×${v}`).join(', ')}`);
}
console.log(`fuzz: ${seeds.length} seeds, ${bad} failed`);
process.exit(bad ? 1 : 0);
