// Loss recovery for real: test/net/relay/relay.c (ours, seeded) sits between QEMU's dgram
// backend and a TAP device in a network namespace, dropping, duplicating, delaying and
// reordering frames each way; bodies go each way between curl on the host and
// test/net/apps/net-server in the unikernel and are compared by hash, and the guest's
// RetransSegs counter must move. The default sizes fit CI (a 5 % loss, 200 ms RTT path carries
// ~40 KB/s by the Mathis bound, Linux's too); UNIPACK_NET_BYTES=100000000 runs the full size.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { run, type RunResult } from '../../packager/src/commands/run.js';
import { createReporter } from '../../packager/src/reporter.js';
import { createNetns, GUEST_ADDR, HOST_ADDR, TAP, type Netns } from '../helpers/netns.js';

const require = createRequire(import.meta.url);
const { BLOCK, block, patternHash } = require('./apps/net-server/pattern.js') as {
  BLOCK: number; block: (i: number, len?: number) => Buffer; patternHash: (n: number) => string;
};
const machine = process.env.UNIPACK_TEST_MACHINE === 'q35' ? 'q35' : 'microvm';
const FULL = Number(process.env.UNIPACK_NET_BYTES ?? 0);
const RELAY_PORT = 47001;
const QEMU_PORT = 47002;

interface Path { name: string; loss: number; dup: number; reorder: number; delayMs: number; bytes: number; seed: number }
const PATHS: Path[] = [
  { name: '1 % loss', loss: 0.01, dup: 0, reorder: 0, delayMs: 0, bytes: FULL || 20_000_000, seed: 1 },
  { name: '5 % loss, 2 % duplicated, 5 % reordered, 200 ms RTT', loss: 0.05, dup: 0.02, reorder: 0.05, delayMs: 100, bytes: FULL || 1_000_000, seed: 2 },
];

function collector(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  return { stream: new Writable({ write: (c, _e, cb) => { chunks.push(Buffer.from(c)); cb(); } }), text: () => Buffer.concat(chunks).toString('utf8') };
}

function retransSegs(snmp: string): number {
  const lines = snmp.split('\n').filter((l) => l.startsWith('Tcp:'));
  const names = lines[0]!.split(/\s+/);
  return Number(lines[1]!.split(/\s+/)[names.indexOf('RetransSegs')]);
}

describe(`TCP through a lossy, reordering, duplicating relay (${machine})`, () => {
  let ns: Netns;
  let relayBin: string;
  let relay: ChildProcess | undefined;
  let work: string;
  let done: Promise<RunResult>;
  const stop = new AbortController();
  const out = collector();

  async function startRelay(p: Path): Promise<void> {
    relay = ns.spawn(relayBin, [TAP, String(RELAY_PORT), String(QEMU_PORT), String(p.loss), String(p.dup), String(p.reorder), String(p.delayMs), String(p.seed)]);
    await new Promise<void>((resolve, reject) => {
      let t = '';
      relay!.stdout!.on('data', (d: Buffer) => { t += d; if (t.includes('RELAY READY')) resolve(); });
      relay!.stderr!.on('data', (d: Buffer) => (t += d));
      relay!.once('exit', (c) => reject(new Error(`relay ended (${c}): ${t}`)));
    });
  }

  async function stopRelay(): Promise<Record<string, Record<string, number>>> {
    const r = relay!;
    relay = undefined;
    let t = '';
    r.stdout!.on('data', (d: Buffer) => (t += d));
    r.kill('SIGTERM');
    await new Promise((res) => r.once('exit', res));
    return JSON.parse(t.trim().split('\n').pop()!);
  }

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'unipack-impaired-'));
    relayBin = join(work, 'relay');
    execFileSync('gcc', ['-O2', '-Wall', '-o', relayBin, join(import.meta.dirname, 'relay', 'relay.c')]);
    ns = createNetns('imp');
    await startRelay({ ...PATHS[0]!, loss: 0 });
    const dir = join(work, 'app');
    mkdirSync(dir);
    cpSync(join(import.meta.dirname, 'apps', 'net-server'), dir, { recursive: true, filter: (s) => !s.includes('node_modules') && !s.includes('.unipack') });
    done = run({
      dir, machine, accel: 'tcg', timeoutMs: FULL ? 2 * Math.ceil(FULL / 20) * PATHS.length + 1_200_000 : 3_000_000, netns: ns.name, stop: stop.signal,
      network: { mode: 'dgram', local: `127.0.0.1:${QEMU_PORT}`, remote: `127.0.0.1:${RELAY_PORT}` },
      kernelArgs: `ip=${GUEST_ADDR}::${HOST_ADDR}:255.255.255.0`,
      stdout: out.stream, stderr: collector().stream, notes: collector().stream, reporter: createReporter({ quiet: true }),
    });
    let ended = false;
    done.then(() => (ended = true), () => (ended = true));
    const deadline = Date.now() + 240_000;
    while (!/^READY$/m.test(out.text())) {
      if (ended || Date.now() > deadline) throw new Error(`no READY from the app: ${out.text()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await stopRelay();
  }, 600_000);

  afterAll(async () => {
    if (relay) await stopRelay().catch(() => undefined);
    stop.abort();
    await done?.catch(() => undefined);
    ns?.remove();
    rmSync(work, { recursive: true, force: true });
  });

  test.each(PATHS)('$name: the body arrives intact each way, recovery is visible in the counters', async (p) => {
    await startRelay(p);
    const limit = String(Math.max(600, Math.ceil(p.bytes / 20_000)));   // per direction: ≥ 20 KB/s
    const before = retransSegs((await ns.run('curl', ['-sS', '-m', '120', '--retry', '5', `http://${GUEST_ADDR}:8080/snmp`])).stdout.toString());
    const file = join(work, `up-${p.seed}.bin`);
    const w = createWriteStream(file);
    for (let i = 0, left = p.bytes; left > 0; i++, left -= BLOCK) w.write(block(i, Math.min(BLOCK, left)));
    await new Promise((r) => w.end(r));
    const want = patternHash(p.bytes);
    const up = await ns.run('curl', ['-sS', '-m', limit, '--data-binary', `@${file}`, `http://${GUEST_ADDR}:8080/upload`], { timeoutMs: Number(limit) * 1000 + 30_000 });
    expect(up.stdout.toString(), `curl upload: ${up.stderr.toString()}`).toMatch(/^\{/);
    expect(JSON.parse(up.stdout.toString())).toEqual({ bytes: p.bytes, sha256: want });
    const down = await ns.run('curl', ['-sS', '-m', limit, `http://${GUEST_ADDR}:8080/download?bytes=${p.bytes}`], { timeoutMs: Number(limit) * 1000 + 30_000 });
    expect(createHash('sha256').update(down.stdout).digest('hex'), `curl download: ${down.stderr.toString()}`).toBe(want);
    const after = retransSegs((await ns.run('curl', ['-sS', '-m', '120', '--retry', '5', `http://${GUEST_ADDR}:8080/snmp`])).stdout.toString());
    const stats = await stopRelay();
    expect(stats.toGuest!.dropped! + stats.toHost!.dropped!, JSON.stringify(stats)).toBeGreaterThan(0);
    if (p.dup) expect(stats.toGuest!.duplicated! + stats.toHost!.duplicated!).toBeGreaterThan(0);
    if (p.reorder) expect(stats.toGuest!.reordered! + stats.toHost!.reordered!).toBeGreaterThan(0);
    expect(after - before, `RetransSegs ${before} → ${after}; relay ${JSON.stringify(stats)}`).toBeGreaterThan(0);
  }, FULL ? 2 * Math.ceil(FULL / 20) + 600_000 : 3_000_000);
});
