// The stack against real Linux peers, with test/net/apps/net-server (Node's http, net, dgram,
// dns, fetch and the ws package) in the unikernel:
// - over a TAP device in a network namespace this file creates: a Node client in the unikernel
//   resolves names through a DNS server on the host side (glibc and c-ares) and fetches from a
//   host server; curl, wrk and Node clients on the host talk to the servers in the unikernel;
//   100 MB go each way and are compared by hash; 30 s of wrk (churn, then keep-alive) give no
//   errors; SIGTERM ends the app with status 0.
// - over QEMU user networking with a port forward: examples/hello-http answers curl and wrk.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
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
const APP = join(import.meta.dirname, 'apps', 'net-server');
const BIG = 10 * 1024 * 1024;            // host-peer.mjs's /big
const HUNDRED_MB = 100 * 1000 * 1000;

interface Booted {
  out: () => string;
  err: () => string;
  done: Promise<RunResult>;
  stop: AbortController;
  dir: string;
}

function collector(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  return { stream: new Writable({ write: (c, _e, cb) => { chunks.push(Buffer.from(c)); cb(); } }), text: () => Buffer.concat(chunks).toString('utf8') };
}

/** Boots the app in `dir` and waits for READY on its stdout. */
async function boot(dir: string, extra: { netns?: string; inspect?: { port: number } } = {}): Promise<Booted> {
  const out = collector();
  const err = collector();
  const stop = new AbortController();
  const notes = collector();
  const done = run({
    dir, machine, accel: 'tcg', timeoutMs: 900_000, ...extra, stop: stop.signal,
    stdout: out.stream, stderr: err.stream, notes: notes.stream, reporter: createReporter({ quiet: true }),
  });
  const deadline = Date.now() + 240_000;
  let ended = false;
  done.then(() => (ended = true), () => (ended = true));
  while (!/^READY$/m.test(out.text())) {
    if (ended || Date.now() > deadline) {
      stop.abort();
      const r = await done.catch((e: Error) => e);
      throw new Error(`the app did not print READY (${ended ? 'it ended' : 'timeout'}):\n${out.text()}\n${err.text()}\n${notes.text()}\n${r instanceof Error ? r.message : ''}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { out: out.text, err: err.text, done, stop, dir };
}

/** wrk's summary: requests, and every kind of error it counts. */
function wrkSummary(text: string): { requests: number; errors: Record<string, number>; non2xx: number } {
  const requests = Number(/(\d+) requests in/.exec(text)?.[1] ?? 0);
  const m = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const errors = m ? { connect: +m[1]!, read: +m[2]!, write: +m[3]!, timeout: +m[4]! } : { connect: 0, read: 0, write: 0, timeout: 0 };
  return { requests, errors, non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0) };
}

describe(`over a TAP device in a network namespace (${machine})`, () => {
  let ns: Netns;
  let peer: ChildProcess;
  let app: Booted;

  beforeAll(async () => {
    ns = createNetns('net');
    peer = ns.spawn(process.execPath, [join(import.meta.dirname, 'host-peer.mjs'), HOST_ADDR, '9000']);
    await new Promise<void>((resolve, reject) => {
      let text = '';
      peer.stdout!.on('data', (d: Buffer) => { text += d; if (text.includes('PEER READY')) resolve(); });
      peer.stderr!.on('data', (d: Buffer) => (text += d));
      peer.on('exit', (c) => reject(new Error(`host-peer.mjs ended (${c}): ${text}`)));
    });
    const dir = mkdtempSync(join(tmpdir(), 'unipack-net-'));
    cpSync(APP, dir, { recursive: true, filter: (s) => !s.includes('node_modules') && !s.includes('.unipack') });
    writeFileSync(join(dir, 'unipack.yaml'), [
      'memory: 512M',
      `network: { mode: tap, tap: ${TAP}, address: ${GUEST_ADDR}/24, gateway: ${HOST_ADDR}, dns: [${HOST_ADDR}] }`,
      'env: { PEER_NAME: svc.unipack.test, PEER_PORT: "9000" }',
      '',
    ].join('\n'));
    app = await boot(dir, { netns: ns.name });
  }, 600_000);

  afterAll(async () => {
    app?.stop.abort();
    await app?.done.catch(() => undefined);
    peer?.kill('SIGTERM');
    ns?.remove();
    if (app) rmSync(app.dir, { recursive: true, force: true });
  });

  test('a Node client in the unikernel: DNS through the host-side server (glibc and c-ares), HTTP and 10 MiB from a host server, ECONNREFUSED', () => {
    const line = /^CLIENT (.*)$/m.exec(app.out())?.[1];
    expect(line, app.out()).toBeDefined();
    expect(JSON.parse(line!)).toEqual({
      lookup: HOST_ADDR,
      resolve4: [HOST_ADDR],
      nxdomain: 'ENOTFOUND',
      peer: '200 hello from the host',
      big: { bytes: BIG, sha256: patternHash(BIG) },
      refused: 'ECONNREFUSED',
    });
  });

  test('curl on the host gets the answer from the unikernel', async () => {
    const r = await ns.run('curl', ['-sS', '-m', '60', `http://${GUEST_ADDR}:8080/`]);
    expect(r.stdout.toString()).toBe('hello\n');
  });

  test('TCP and UDP echo with a Node client on the host: 4 MiB back intact, datagrams answered', async () => {
    const client = `
      const net = require('node:net'), dgram = require('node:dgram'), crypto = require('node:crypto');
      const data = crypto.randomBytes(4 << 20);
      const s = net.connect(7001, '${GUEST_ADDR}');
      const got = [];
      s.on('data', (d) => { got.push(d); if (Buffer.concat(got).length === data.length) s.end(); });
      s.on('connect', () => s.write(data));
      s.on('close', () => {
        const tcp = Buffer.concat(got).equals(data);
        const u = dgram.createSocket('udp4');
        const seen = [];
        u.on('message', (m) => { seen.push(String(m)); if (seen.length === 3) { u.close(); console.log(JSON.stringify({ tcp, udp: seen.sort() })); } });
        for (const w of ['a', 'bb', 'ccc']) u.send(w, 7002, '${GUEST_ADDR}');
        setTimeout(() => { console.log(JSON.stringify({ tcp, udp: seen.sort() })); process.exit(0); }, 20000).unref();
      });`;
    const r = await ns.run(process.execPath, ['-e', client]);
    expect(JSON.parse(r.stdout.toString().trim().split('\n')[0]!)).toEqual({ tcp: true, udp: ['echo:a', 'echo:bb', 'echo:ccc'] });
  });

  test('a WebSocket round trip (ws in the unikernel, the WebSocket client of Node on the host)', async () => {
    const client = `
      const ws = new WebSocket('ws://${GUEST_ADDR}:8080/chat');
      ws.binaryType = 'arraybuffer';
      const got = [];
      ws.onopen = () => { ws.send('hi'); ws.send(new Uint8Array([1, 2, 3])); };
      ws.onmessage = (e) => { got.push(typeof e.data === 'string' ? e.data : [...new Uint8Array(e.data)].join(',')); if (got.length === 2) ws.close(); };
      ws.onclose = () => console.log(JSON.stringify(got.sort()));
      ws.onerror = (e) => { console.log('error', e.message); process.exit(1); };`;
    const r = await ns.run(process.execPath, ['--experimental-websocket', '-e', client]);
    expect(r.stdout.toString().trim()).toBe(JSON.stringify(['3,2,1', 'echo:hi']));
  });

  test('100 MB each way arrives intact (sha256 on both ends)', async () => {
    const file = join(app.dir, 'upload.bin');
    const w = createWriteStream(file);
    for (let i = 0, left = HUNDRED_MB; left > 0; i++, left -= BLOCK) {
      if (!w.write(block(i, Math.min(BLOCK, left)))) await new Promise((r) => w.once('drain', r));
    }
    await new Promise((r) => w.end(r));
    const want = patternHash(HUNDRED_MB);
    const up = await ns.run('curl', ['-sS', '-m', '600', '--data-binary', `@${file}`, '-H', 'content-type: application/octet-stream', `http://${GUEST_ADDR}:8080/upload`], { timeoutMs: 620_000 });
    expect(JSON.parse(up.stdout.toString())).toEqual({ bytes: HUNDRED_MB, sha256: want });
    const down = await ns.run('curl', ['-sS', '-m', '600', `http://${GUEST_ADDR}:8080/download?bytes=${HUNDRED_MB}`], { timeoutMs: 620_000 });
    expect(down.stdout.length).toBe(HUNDRED_MB);
    expect(createHash('sha256').update(down.stdout).digest('hex')).toBe(want);
  }, 1_300_000);

  test('30 s of wrk, 64 connections: 15 s with a new connection per request, then 15 s keep-alive — no errors', async () => {
    for (const extra of [['-H', 'Connection: close'], []]) {
      const r = await ns.run('wrk', ['-t2', '-c64', '-d15s', '--timeout', '10s', ...extra, `http://${GUEST_ADDR}:8080/`], { timeoutMs: 60_000 });
      const s = wrkSummary(r.stdout.toString());
      expect(s.requests, r.stdout.toString()).toBeGreaterThan(1000);
      expect(s.errors, r.stdout.toString()).toEqual({ connect: 0, read: 0, write: 0, timeout: 0 });
      expect(s.non2xx, r.stdout.toString()).toBe(0);
    }
  }, 120_000);

  test('SIGTERM from the host: the app closes its servers and exits 0', async () => {
    app.stop.abort();
    const r = await app.done;
    expect(r.status, `${app.err()}\n${r.vm.log.split('\n').slice(-30).join('\n')}`).toBe(0);
    expect(r.vm.records.some((x) => x.event === 'panic')).toBe(false);
    // QEMU's TAP backend has vnet headers, so everything above ran with the device finishing our
    // TCP checksums and cutting our 64 KiB segments, vouching for received checksums and handing
    // us coalesced segments up to 64 KiB.
    const nic = r.vm.records.find((x) => x.event === 'netdev');
    expect(nic?.fields.offload?.split(',').sort()).toEqual(['rx-csum', 'rx-tso', 'tx-csum', 'tx-tso']);
  });
});

function freePort(): Promise<number> {
  return new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
  });
}

function runHost(cmd: string, args: string[]): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const p = spawn(cmd, args);
    let o = '';
    let e = '';
    p.stdout.on('data', (d) => (o += d));
    p.stderr.on('data', (d) => (e += d));
    p.on('close', (c) => (c === 0 ? resolve(o) : reject(new Error(`${cmd}: status ${c}\n${o}${e}`))));
  });
}

describe(`over QEMU user networking with a port forward (${machine})`, () => {
  test('run --inspect: a debugger on the host evaluates code in the app through the inspector protocol', async () => {
    const [port, inspectPort] = [await freePort(), await freePort()];
    const dir = mkdtempSync(join(tmpdir(), 'unipack-inspect-'));
    cpSync(join(import.meta.dirname, '..', '..', 'examples', 'hello-http'), dir, { recursive: true, filter: (s) => !s.includes('.unipack') });
    writeFileSync(join(dir, 'unipack.yaml'), `ports:\n  - "${port}:8080"\n`);
    const app = await boot(dir, { inspect: { port: inspectPort } });
    try {
      const list = JSON.parse(await runHost('curl', ['-sS', '-m', '60', `http://127.0.0.1:${inspectPort}/json/list`])) as Array<{ webSocketDebuggerUrl: string; url: string }>;
      expect(list[0]!.url).toBe('file:///app/server.js');
      const client = `
        const ws = new WebSocket(${JSON.stringify(list[0]!.webSocketDebuggerUrl)});
        ws.onopen = () => ws.send(JSON.stringify({ id: 1, method: 'Runtime.evaluate', params: { expression: '[process.platform, 6 * 7, process.argv[1]].join(" ")' } }));
        ws.onmessage = (e) => { const m = JSON.parse(e.data); if (m.id === 1) { console.log(m.result.result.value); ws.close(); } };
        ws.onerror = (e) => { console.log('error', e.message); process.exit(1); };`;
      expect((await runHost(process.execPath, ['--experimental-websocket', '-e', client])).trim()).toBe('linux 42 /app/server.js');
      expect(await runHost('curl', ['-sS', '-m', '60', `http://127.0.0.1:${port}/`])).toBe('hello\n');
    } finally {
      app.stop.abort();
      await app.done.catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);

  test('examples/hello-http answers curl and wrk on the host', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'unipack-user-'));
    cpSync(join(import.meta.dirname, '..', '..', 'examples', 'hello-http'), dir, { recursive: true, filter: (s) => !s.includes('.unipack') });
    writeFileSync(join(dir, 'unipack.yaml'), `ports:\n  - "${port}:8080"\n`);
    const app = await boot(dir);
    try {
      const curl = await new Promise<string>((resolve, reject) => {
        const p = spawn('curl', ['-sS', '-m', '60', `http://127.0.0.1:${port}/`]);
        let o = '';
        p.stdout.on('data', (d) => (o += d));
        p.on('close', (c) => (c === 0 ? resolve(o) : reject(new Error(`curl: ${c}`))));
      });
      expect(curl).toBe('hello\n');
      // QEMU's slirp accepts with a tiny backlog: few connections, keep-alive.
      const wrk = await new Promise<string>((resolve) => {
        const p = spawn('wrk', ['-t1', '-c4', '-d5s', '--timeout', '10s', `http://127.0.0.1:${port}/`]);
        let o = '';
        p.stdout.on('data', (d) => (o += d));
        p.on('close', () => resolve(o));
      });
      const s = wrkSummary(wrk);
      expect(s.requests, wrk).toBeGreaterThan(100);
      expect(s.errors, wrk).toEqual({ connect: 0, read: 0, write: 0, timeout: 0 });
    } finally {
      app.stop.abort();
      const r = await app.done;
      expect(r.status, app.err()).toBe(0);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);
});
