// unipack.profile (`unipack run --profile`): the kernel samples the CPU on each timer tick and
// writes a `profile` record at exit. A node program that computes for a while must show most
// samples in the app, kernel samples named by function, and none of it without the flag.
import { describe, expect, test } from 'vitest';
import { runInGuest } from '../helpers/guest.js';
import { profileSummary } from '../../packager/src/vm/kernel-log.js';

const BUSY = 'let x = 0; for (let i = 0; i < 4e8; i++) x = (x + i) % 1000003; console.log(x > -1)';

describe('profile', () => {
  test('samples land mostly in the app; kernel time is named by function', async () => {
    const r = await runInGuest(process.execPath, ['-e', BUSY], { kernelArgs: ['unipack.profile'], timeoutMs: 300_000 });
    expect(r.stdout.trim(), r.log.slice(-2000)).toBe('true');
    const p = r.records.find((x) => x.event === 'profile');
    expect(p, r.log.slice(-2000)).toBeDefined();
    const n = (k: string) => Number(p!.fields[k]);
    expect(n('samples')).toBe(n('idle') + n('user') + n('kernel'));
    expect(n('samples')).toBeGreaterThan(200);
    expect(n('user') / n('samples'), JSON.stringify(p!.fields)).toBeGreaterThan(0.5);
    expect(p!.fields.top, JSON.stringify(p!.fields)).toMatch(/^[A-Za-z_][\w.]* \d+(;[A-Za-z_?][\w.]* \d+)*$/);
    expect(profileSummary(r.records)).toMatch(/^unipack: profile \(\d+ samples, 1 per ms of CPU\): app \d+\.\d %/);
  }, 320_000);

  test('no profile record without the flag', async () => {
    const r = await runInGuest(process.execPath, ['-e', 'console.log(1)']);
    expect(r.stdout.trim()).toBe('1');
    expect(r.records.some((x) => x.event === 'profile')).toBe(false);
  });
});
