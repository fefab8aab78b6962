// The example apps end to end through `unipack run` (what `npm run demo` does), compared with
// the host's node running them: examples/hello with arguments, environment and an exit status.
// (examples/hello-http joins when networking is in the default test run.)
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
