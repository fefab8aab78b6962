// The example apps end to end through `unipack run` (what `npm run demo` does), compared with
// the host's node running them: examples/hello with arguments, environment and an exit status;
// examples/express-app (real express, self-test over loopback) and examples/native-addon
// (better-sqlite3 compiled from source). The first run of native-addon compiles SQLite (~45 s);
// later runs take the staging install from unipack's cache.
// (examples/hello-http joins when networking is in the default test run.)
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { explain, runOnHost } from '../helpers/guest.js';
import { appEnv, runAppInGuest } from '../helpers/guest-node.js';

const machine = process.env.UNIPACK_TEST_MACHINE === 'q35' ? 'q35' : 'microvm';
const hello = join(import.meta.dirname, '..', '..', 'examples', 'hello');

test(`examples/hello: output, argv, env and exit status as with the host's node (${machine})`, async () => {
  const env = { HELLO_STATUS: '9' };
  const host = await runOnHost(process.execPath, ['index.js', '7', 'two words'], { cwd: hello, env: appEnv(env) });
  const guest = await runAppInGuest(hello, { args: ['7', 'two words'], env, machine });
  // the working directory is the one difference by design: /app in the image
  expect(guest.stdout, explain(host, guest)).toBe(host.stdout.replace(JSON.stringify(hello), '"/app"'));
  expect(guest.status).toBe(7);
  expect(host.status).toBe(guest.status);
});

// examples/express-app: real express@5 (npm ci --omit=dev from its lockfile in a staging copy).
// SELFTEST=1 makes the app listen on 127.0.0.1:0 and fetch its own routes, so no host port is
// needed: text, JSON, route params, a static file from public/ and a 404, over the guest's
// loopback TCP.
const EXPRESS_SELFTEST = [
  '/ 200 text/plain; charset=utf-8 hello from express',
  '/api 200 application/json; charset=utf-8 {"ok":true,"name":"express-app","routes":["/","/api","/api/echo/:word","/hello.txt"]}',
  '/api/echo/unikernel 200 application/json; charset=utf-8 {"word":"unikernel","length":9}',
  '/hello.txt 200 text/plain; charset=utf-8 a static file served by express.static',
  '/missing 404 text/html; charset=utf-8 (146 bytes)',
  '',
].join('\n');

test(`examples/express-app: express routes, JSON and a static file answered inside the unikernel (${machine})`, async () => {
  const dir = join(import.meta.dirname, '..', '..', 'examples', 'express-app');
  const guest = await runAppInGuest(dir, { env: { SELFTEST: '1' }, machine, timeoutMs: 300_000 });
  expect(guest.stdout, explain({ status: 0, stdout: EXPRESS_SELFTEST, stderr: '' }, guest)).toBe(EXPRESS_SELFTEST);
  expect(guest.status).toBe(0);
  // the same as the host's node gives, when the example has its dependencies installed
  if (existsSync(join(dir, 'node_modules', 'express'))) {
    const host = await runOnHost(process.execPath, ['server.js'], { cwd: dir, env: appEnv({ SELFTEST: '1' }) });
    expect(host.stdout).toBe(EXPRESS_SELFTEST);
  }
}, 600_000);

// examples/native-addon: better-sqlite3@12 compiled from source by node-gyp during the staging
// npm ci (.npmrc build-from-source, headers from the runtime), loaded by the guest's node:
// a database in /tmp, a table, a transaction, queries, a reopen.
const NATIVE_ADDON_OUTPUT = ['sqlite 3.50.4', '6 Saturn 146', '5 Jupiter 95', '4 Mars 2', '3 Earth 1', 'rows=6 moons=244', 'reopened: Earth', 'done', ''].join('\n');

test(`examples/native-addon: better-sqlite3 built from source gives the host's output (${machine})`, async () => {
  const dir = join(import.meta.dirname, '..', '..', 'examples', 'native-addon');
  const guest = await runAppInGuest(dir, { machine, timeoutMs: 300_000 });
  expect(guest.stdout, explain({ status: 0, stdout: NATIVE_ADDON_OUTPUT, stderr: '' }, guest)).toBe(NATIVE_ADDON_OUTPUT);
  expect(guest.status).toBe(0);
  if (existsSync(join(dir, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'))) {
    const host = await runOnHost(process.execPath, ['index.js'], { cwd: dir, env: appEnv() });
    expect(host.stdout).toBe(NATIVE_ADDON_OUTPUT);
  }
}, 900_000);
