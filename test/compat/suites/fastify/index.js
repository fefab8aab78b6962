// Runs fastify's own test files (node_modules/fastify/test/*.test.js, shipped in its tarball) in
// this one process: node:test collects the tests of every file required here and runs them when
// the module graph is loaded, reporting TAP on stdout. SUITE_FILES (comma-separated names)
// picks a subset; the same program runs on the host and in the unikernel, and the compat runner
// compares which tests pass.
const { readdirSync } = require('node:fs');
const { join } = require('node:path');
const dir = join(__dirname, 'node_modules', 'fastify', 'test');
const only = process.env.SUITE_FILES ? new Set(process.env.SUITE_FILES.split(',')) : undefined;
const files = readdirSync(dir).filter((f) => f.endsWith('.test.js') && (!only || only.has(f))).sort();
for (const f of files) require(join(dir, f));
