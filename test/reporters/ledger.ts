// The per-suite time ledger: after every run, a table of each suite file's duration against
// its budget in test/ledger.json, flagging suites over budget and suites the ledger does not
// know, then the one plain line CI reads: "tests: N passed, N failed[, N skipped]".
// Time never fails the run; it is only reported.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Reporter, TestModule, Vitest } from 'vitest/node';

interface Ledger {
  /** Total budget for the whole run, seconds. */
  total: number;
  /** Budget per suite file (path relative to the repo root), seconds. */
  suites: Record<string, number>;
}

export default class LedgerReporter implements Reporter {
  private root = process.cwd();
  private start = 0;

  onInit(ctx: Vitest): void {
    this.root = ctx.config.root;
    this.start = performance.now();
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    let ledger: Ledger = { total: 0, suites: {} };
    try {
      ledger = JSON.parse(readFileSync(join(this.root, 'test', 'ledger.json'), 'utf8')) as Ledger;
    } catch (e) {
      process.stdout.write(`ledger: cannot read test/ledger.json: ${(e as Error).message}\n`);
    }

    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const rows: Array<{ file: string; secs: number; budget?: number; note: string }> = [];
    for (const m of modules) {
      const file = relative(this.root, m.moduleId);
      const secs = m.diagnostic().duration / 1000;
      let failedTests = 0;
      for (const t of m.children.allTests()) {
        const s = t.result().state;
        if (s === 'passed') passed++;
        else if (s === 'failed') failedTests++;
        else skipped++;
      }
      // A suite that failed outside its tests (import or hook error) counts as one failure.
      failed += failedTests > 0 ? failedTests : m.state() === 'failed' ? 1 : 0;
      const budget = ledger.suites[file];
      const note = budget === undefined ? 'NOT IN LEDGER' : secs > budget ? 'OVER BUDGET' : '';
      rows.push({ file, secs, ...(budget !== undefined ? { budget } : {}), note });
    }
    rows.sort((a, b) => a.file.localeCompare(b.file));
    const total = (performance.now() - this.start) / 1000;

    const w = Math.max(10, ...rows.map((r) => r.file.length));
    const line = (a: string, b: string, c: string, d: string) => `${a.padEnd(w)}  ${b.padStart(9)}  ${c.padStart(9)}  ${d}`;
    const out = ['', 'time ledger (seconds)', line('suite', 'took', 'budget', ''), line('-'.repeat(w), '-------', '-------', '')];
    for (const r of rows) out.push(line(r.file, r.secs.toFixed(1), r.budget === undefined ? '-' : String(r.budget), r.note));
    out.push(line('total (wall)', total.toFixed(1), String(ledger.total), total > ledger.total ? 'OVER BUDGET' : ''));
    out.push('');
    out.push(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
    process.stdout.write(`${out.join('\n')}\n`);
  }
}
