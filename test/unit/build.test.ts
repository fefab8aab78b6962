// build(): the app image of examples/hello — node at /usr/bin/node with its loader and libraries,
// the app under /app, boot.json — and the same bytes for the same inputs.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { build } from '../../packager/src/build.js';
import { createReporter } from '../../packager/src/reporter.js';

const hello = join(import.meta.dirname, '..', '..', 'examples', 'hello');
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

test('examples/hello: contents, boot.json, determinism', async () => {
  const work = mkdtempSync(join(tmpdir(), 'unipack-build-'));
  const quiet = createReporter({ quiet: true });
  const a = await build({ dir: hello, out: join(work, 'a.tar'), offline: true, reporter: quiet });
  const b = await build({ dir: hello, out: join(work, 'b.tar'), offline: true, reporter: quiet, env: {} });
  expect(sha(a.image)).toBe(sha(b.image));
  const names = execFileSync('tar', ['-tf', a.image], { encoding: 'utf8', maxBuffer: 1 << 24 }).split('\n');
  for (const n of ['usr/bin/node', 'app/index.js', 'app/package.json', 'lib64', 'etc/hosts', '.unipack/boot.json']) expect(names).toContain(n);
  expect(names.some((n) => n.endsWith('libc.so.6'))).toBe(true);
  const boot = JSON.parse(execFileSync('tar', ['-xOf', a.image, '.unipack/boot.json'], { encoding: 'utf8' }));
  expect(boot).toMatchObject({ argv: ['/usr/bin/node', '/app/index.js'], cwd: '/app', hostname: 'hello', env: { NODE_ENV: 'production' } });
  expect(a.runtime.source).toBe('host');
  expect(a.size).toBeGreaterThan(readFileSync(process.execPath).length);
});
