// Test projects: unit (fast, no kernel), boot (the real kernel in QEMU, TCG), bench (the
// benchmark harness in smoke mode). At most two workers: these machines have two cores and a
// TCG guest keeps one busy. The ledger reporter prints per-suite time against test/ledger.json.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    maxWorkers: 2,
    minWorkers: 1,
    reporters: ['default', './test/reporters/ledger.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'boot',
          include: ['test/boot/**/*.test.ts'],
          globalSetup: ['test/boot/global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: 'bench',
          include: ['test/bench/**/*.test.ts'],
          globalSetup: ['test/boot/global-setup.ts'],
          testTimeout: 300_000,
        },
      },
    ],
  },
});
