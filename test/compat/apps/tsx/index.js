// tsx: loads TypeScript through esbuild, which runs its native binary as a child process
// (esbuild's service protocol over stdio). In a single-process unikernel, spawn fails.
require('tsx/cjs');
const { greet } = require('./greet.ts');
console.log(greet('tsx'));
