// The own-suites runner compares host and unikernel test by test through parseTap: it must read
// node:test's and tap's TAP alike, count tests (not tap's assertion lines), and give the same
// key to the same test in two runs whatever their timings.
import { describe, expect, test } from 'vitest';
// @ts-expect-error: a plain .mjs script without types
import { parseTap } from '../../compat/own-suites.mjs';

const nodeTestTap = `TAP version 13
# Subtest: outer
    # Subtest: inner passes
    ok 1 - inner passes
      ---
      duration_ms: 1.2
      ...
    # Subtest: inner fails
    not ok 2 - inner fails
    1..2
not ok 1 - outer
# Subtest: skipped one
ok 2 - skipped one # SKIP no ipv6
1..2
# tests 3
# suites 0
# pass 1
`;

const tapTap = (ms: number) => `TAP version 13
# Subtest: logs a line
    ok 1 - should be equal
    not ok 2 - should be equivalent
    1..2
not ok 1 - logs a line # time=${ms}ms

# Subtest: same name twice
    ok 1 - should be equal
    1..1
ok 2 - same name twice # time=${ms / 2}ms

# Subtest: same name twice
    1..0
ok 3 - same name twice # time=1ms
# tests 5
`;

describe('parseTap', () => {
  test('node:test: nested tests keyed by depth, SKIP counted as skipped', () => {
    const r = parseTap(nodeTestTap);
    expect(Object.fromEntries(r.results)).toEqual({
      '1:inner passes#1': 'pass', '1:inner fails#1': 'fail', '0:outer#1': 'fail', '0:skipped one#1': 'skip',
    });
    expect([r.tests, r.pass, r.fail, r.skipped]).toEqual([4, 1, 2, 1]);
  });

  test("tap: assertions are not tests, '# time=' is not part of the name, repeats are numbered", () => {
    const a = parseTap(tapTap(12.5));
    const b = parseTap(tapTap(900));
    expect(Object.fromEntries(a.results)).toEqual({ '0:logs a line#1': 'fail', '0:same name twice#1': 'pass', '0:same name twice#2': 'pass' });
    expect([...b.results.keys()]).toEqual([...a.results.keys()]);
    // A comment that looks like node:test's summary does not override the count.
    expect([a.tests, a.pass, a.fail]).toEqual([3, 2, 1]);
  });
});
