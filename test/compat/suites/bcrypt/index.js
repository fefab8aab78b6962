// Runs bcrypt's own test files (node_modules/bcrypt/test/*.test.js, shipped in its tarball and
// written for jest) in this one process. jest's runner forks workers and crawls the tree with
// child processes, so the tests run on node:test instead, with jest's globals provided here:
// `test`/`it`/`describe` map onto node:test (a test that takes `done` gets a callback), and
// `expect` is jest's own expect library, including expect.assertions(n), checked after each
// test as jest-circus does. node:test reports TAP; the compat runner compares host and
// unikernel test by test. SUITE_FILES (comma-separated names) picks a subset.
const nodeTest = require('node:test');
const { expect } = require('expect');
const { readdirSync } = require('node:fs');
const { join } = require('node:path');

function jestBody(fn) {
  const run = fn.length >= 1
    ? () => new Promise((resolve, reject) => {
      const done = (err) => (err ? reject(err) : resolve());
      done.fail = (err) => reject(err instanceof Error ? err : new Error(String(err)));
      try { fn(done); } catch (e) { reject(e); }
    })
    : async () => fn();
  return async () => {
    expect.setState({ assertionCalls: 0, expectedAssertionsNumber: null, isExpectingAssertions: false, suppressedErrors: [] });
    await run();
    const errors = expect.extractExpectedAssertionsErrors();
    if (errors.length) throw errors[0].error;
  };
}

let defaultTimeout = 5000;   // jest's
function jestTest(name, fn, timeout) {
  return nodeTest.test(name, { timeout: typeof timeout === 'number' ? timeout : defaultTimeout }, jestBody(fn));
}
jestTest.skip = (name) => nodeTest.test(name, { skip: true }, () => {});
jestTest.only = jestTest;
jestTest.todo = (name) => nodeTest.test(name, { todo: true }, () => {});

global.test = jestTest;
global.it = jestTest;
global.describe = (name, fn) => nodeTest.describe(name, fn);
global.beforeAll = nodeTest.before;
global.afterAll = nodeTest.after;
global.beforeEach = nodeTest.beforeEach;
global.afterEach = nodeTest.afterEach;
global.expect = expect;
global.jest = { setTimeout: (ms) => { defaultTimeout = ms; } };

// The suite reads TEST_TIMEOUT_SECONDS for emulated CPUs ("significantly reduced performance");
// TCG is one, so both sides get the same generous limit.
process.env.TEST_TIMEOUT_SECONDS ??= '900';

const dir = join(__dirname, 'node_modules', 'bcrypt', 'test');
const only = process.env.SUITE_FILES ? new Set(process.env.SUITE_FILES.split(',')) : undefined;
const files = readdirSync(dir).filter((f) => f.endsWith('.test.js') && (!only || only.has(f))).sort();
for (const f of files) require(join(dir, f));
