import { Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { ErrorCode, UnipackError, formatBug, formatUserError } from '../../packager/src/errors.js';
import { createReporter } from '../../packager/src/reporter.js';

function sink(isTTY: boolean) {
  let text = '';
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        text += chunk.toString();
        cb();
      },
    }),
    { isTTY },
  );
  return { stream, text: () => text };
}

describe('reporter', () => {
  test('not a TTY: one plain line per phase, when it ends', () => {
    const s = sink(false);
    const r = createReporter({ stream: s.stream, tty: false });
    const p = r.phase('boot microvm');
    expect(s.text()).toBe('');
    p.done('→ exit 0');
    p.done('again'); // a phase ends once
    r.phase('pack').fail('no space');
    r.info('hello');
    r.summary('✓ built');
    expect(s.text()).toMatch(/^✓ boot microvm → exit 0 \(\d+\.\ds\)\n✗ pack no space \(\d+\.\ds\)\nunipack: hello\n✓ built\n$/);
  });

  test('TTY: the running line is rewritten in place', () => {
    const s = sink(true);
    const p = createReporter({ stream: s.stream, tty: true }).phase('boot');
    expect(s.text()).toBe('… boot');
    p.done();
    expect(s.text()).toMatch(/^… boot\r\x1b\[K✓ boot \(\d+\.\ds\)\n$/);
  });

  test('quiet prints nothing', () => {
    const s = sink(false);
    const r = createReporter({ stream: s.stream, quiet: true });
    r.phase('x').done();
    r.info('y');
    expect(s.text()).toBe('');
  });
});

describe('error formatting', () => {
  test('user errors: message, details, hint, code', () => {
    const e = new UnipackError(ErrorCode.KERNEL_MISSING, 'kernel not found: /k', { hint: 'build it', details: 'looked in /k' });
    expect(formatUserError(e)).toBe('unipack: error: kernel not found: /k\nlooked in /k\nhint: build it\n(ERR_UNIPACK_KERNEL_MISSING)');
  });

  test('bugs: "this is a bug in unipack" with versions, platform, command and stack', () => {
    const text = formatBug(new TypeError('boom'), ['run', '.']);
    expect(text).toContain('this is a bug in unipack');
    expect(text).toMatch(/^unipack \d+\.\d+\.\d+$/m);
    expect(text).toContain(`node ${process.version}`);
    expect(text).toContain(`platform ${process.platform} ${process.arch}`);
    expect(text).toContain('command unipack run .');
    expect(text).toContain('TypeError: boom');
  });
});
