// Runs pino's own test files (node_modules/pino/test/**/*.test.js, shipped in its tarball and
// written for tap) in this one process. tap's runner forks a process per file; tap's library
// also runs in-process: every file's `test()` joins the root test, which prints TAP when the
// process ends. The compat runner compares host and unikernel test by test; tests that spawn
// child processes (execa, child_process) cannot pass in a single-process unikernel and show up
// as host-only passes. The browser*.test.js files test pino/browser on tape, whose harness
// prints its own TAP stream into ours (and one freezes console), and stdout-protection.test.js
// deletes process.stdout.fd, the stream this run reports through: not loaded.
// SUITE_FILES (comma-separated paths under test/) picks a subset.
const { readdirSync, statSync } = require('node:fs');
const { join, relative } = require('node:path');

// The root test's own 30 s limit is for one file under tap's runner; here it is the whole suite.
process.env.TAP_TIMEOUT = '0';
const t = require('tap');
t.setTimeout(0);
t.jobs = 1;

const dir = join(__dirname, 'node_modules', 'pino', 'test');
const only = process.env.SUITE_FILES ? new Set(process.env.SUITE_FILES.split(',')) : undefined;
const files = [];
(function walk(d) {
  for (const name of readdirSync(d).sort()) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'fixtures' && name !== 'types' && name !== 'jest' && name !== 'pkg') walk(p);
    } else if (name.endsWith('.test.js') && !name.startsWith('browser') && name !== 'stdout-protection.test.js' && (!only || only.has(relative(dir, p)))) {
      files.push(p);
    }
  }
})(dir);
for (const f of files) {
  try {
    require(f);
  } catch (err) {
    // A file that cannot load is one failing test, not the end of the suite.
    t.test(`load ${relative(dir, f)}`, async (tt) => tt.fail(err.message));
  }
}
