// Runs piscina's own tests (transpiled from its shipped TypeScript by prepare.mjs into
// ./piscina-test) in this one process on tap's in-process library: every file's `test()` joins
// the root test, which prints TAP when the process ends; workers load the transpiled .ts.js
// fixtures. The compat runner compares host and unikernel test by test. SUITE_FILES
// (comma-separated test names without extension) picks a subset.
const { readdirSync } = require('node:fs');
const { join } = require('node:path');

// The root test's own 30 s limit is for one file under tap's runner; here it is the whole suite.
process.env.TAP_TIMEOUT = '0';
const t = require('tap');
t.setTimeout(0);
t.jobs = 1;

const dir = join(__dirname, 'piscina-test');
const only = process.env.SUITE_FILES ? new Set(process.env.SUITE_FILES.split(',')) : undefined;
const files = readdirSync(dir).filter((f) => f.endsWith('.ts.js') && (!only || only.has(f.replace(/\.ts\.js$/, '')))).sort();
for (const f of files) {
  try {
    require(join(dir, f));
  } catch (err) {
    // A file that cannot load is one failing test, not the end of the suite.
    t.test(`load ${f}`, async (tt) => tt.fail(err.message));
  }
}
