import { describe, expect, test } from 'vitest';
import {
  LineSplitter,
  PANIC_EXIT_CODE,
  exitCodeOf,
  outcome,
  parseRecord,
  parseRecords,
  unsupportedCalls,
  unsupportedSummary,
  sockoptSummary,
  profileSummary,
} from '../../../packager/src/vm/kernel-log.js';

describe('parseRecord', () => {
  test('event and key=value fields', () => {
    const r = parseRecord('unipack: memmap addr=0x100000 len=0x7ee0000 type=1');
    expect(r).toEqual({
      event: 'memmap',
      fields: { addr: '0x100000', len: '0x7ee0000', type: '1' },
      words: [],
      raw: 'unipack: memmap addr=0x100000 len=0x7ee0000 type=1',
    });
  });

  test('quoted values and free words', () => {
    const r = parseRecord('unipack: panic page fault in kernel msg="bad \\"thing\\" here" rip=0xffffffff80001234');
    expect(r?.event).toBe('panic');
    expect(r?.fields).toEqual({ msg: 'bad "thing" here', rip: '0xffffffff80001234' });
    expect(r?.words).toEqual(['page', 'fault', 'in', 'kernel']);
  });

  test('an event without fields, CR stripped', () => {
    expect(parseRecord('unipack: ticks-start\r')).toMatchObject({ event: 'ticks-start', fields: {}, words: [] });
  });

  test('lines that are not records', () => {
    expect(parseRecord('hello')).toBeUndefined();
    expect(parseRecord(' unipack: exit status=0')).toBeUndefined();
    expect(parseRecord('unipack:exit')).toBeUndefined();
    expect(parseRecord('')).toBeUndefined();
  });

  test('empty value', () => {
    expect(parseRecord('unipack: boot version= machine=microvm')?.fields).toEqual({ version: '', machine: 'microvm' });
  });
});

describe('outcome and exit codes', () => {
  const log = (s: string) => parseRecords(s);

  test('exit status is taken from the exit record', () => {
    const o = outcome(log('unipack: boot version=1\nnoise\nunipack: exit status=130\n'));
    expect(o).toEqual({ kind: 'exit', status: 130 });
    expect(exitCodeOf(o)).toBe(130);
  });

  test('a signal gives 128+N like a shell', () => {
    const o = outcome(log('unipack: signal sig=11 name=SIGSEGV addr=0x0\n'));
    expect(o.kind).toBe('signal');
    expect(exitCodeOf(o)).toBe(139);
  });

  test('a panic wins over an earlier exit record', () => {
    const o = outcome(log('unipack: exit status=0\nunipack: panic reason=double-fault\n'));
    expect(o.kind).toBe('panic');
    expect(exitCodeOf(o)).toBe(PANIC_EXIT_CODE);
  });

  test('no record: none, no exit code', () => {
    const o = outcome(log('unipack: boot version=1\nunipack: oom requested=4096\n'));
    expect(o).toEqual({ kind: 'none' });
    expect(exitCodeOf(o)).toBeUndefined();
  });

  test('a malformed exit record does not count', () => {
    expect(outcome(log('unipack: exit status=abc\n'))).toEqual({ kind: 'none' });
  });

  test('the last of several exit/signal records counts', () => {
    expect(outcome(log('unipack: exit status=1\nunipack: exit status=2\n'))).toEqual({ kind: 'exit', status: 2 });
  });
});

describe('unsupported calls', () => {
  const records = parseRecords(
    [
      'unipack: unsupported syscall=fork nr=57 count=1',
      'unipack: ready tsc_delta=100',
      'unipack: unsupported syscall=execve nr=59 count=1',
      'unipack: unsupported syscall=fork nr=57 count=4',
      'unipack: exit status=0',
    ].join('\n'),
  );

  test('one per name, the refreshed count wins, first-seen order', () => {
    expect(unsupportedCalls(records)).toEqual([
      { syscall: 'fork', nr: 57, count: 4 },
      { syscall: 'execve', nr: 59, count: 1 },
    ]);
  });

  test('one-line summary, none when there were none', () => {
    const s = unsupportedSummary(records);
    expect(s).toContain('fork×4');
    expect(s).toContain('execve×1');
    expect(s?.includes('\n')).toBe(false);
    expect(unsupportedSummary(parseRecords('unipack: exit status=0'))).toBeUndefined();
  });

  test('socket options refused or without effect: one line naming each', () => {
    const recs = parseRecords('unipack: sockopt level=ip name=IP_ADD_MEMBERSHIP result=refused\nunipack: sockopt level=ip name=IP_PKTINFO result=ignored\n');
    expect(sockoptSummary(recs)).toBe('unipack: the app set socket options this kernel does not implement: IP_ADD_MEMBERSHIP (refused: ENOPROTOOPT), IP_PKTINFO (accepted, no effect)');
    expect(sockoptSummary(parseRecords('unipack: exit status=0'))).toBeUndefined();
  });

  test('profile: shares of the samples, the busiest kernel functions by name', () => {
    const recs = parseRecords('unipack: profile samples=1000 idle=100 user=850 kernel=50 kernel_other=0 top="net_unlock 30;memset 20"\n');
    expect(profileSummary(recs)).toBe('unipack: profile (1000 samples, 1 per ms of CPU): app 85.0 %, kernel 5.0 % (net_unlock 3.0 %, memset 2.0 %), idle 10.0 %');
    expect(profileSummary(parseRecords('unipack: profile samples=0 idle=0 user=0 kernel=0 kernel_other=0 top=""'))).toMatch(/no samples/);
    expect(profileSummary(parseRecords('unipack: exit status=0'))).toBeUndefined();
  });
});

describe('LineSplitter', () => {
  test('splits across chunks and UTF-8 boundaries, flushes the tail', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    const bytes = Buffer.from('unipack: a x=é\r\nsecond li', 'utf8');
    for (const b of bytes) s.push(Uint8Array.of(b));
    s.push(Buffer.from('ne\nlast'));
    s.end();
    expect(lines).toEqual(['unipack: a x=é', 'second line', 'last']);
  });
});
