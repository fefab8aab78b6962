// The programmatic API: everything the CLI can do, as functions (`import { run } from 'unipack'`).
export { run, type RunOptions, type RunResult } from './commands/run.js';
export { UnipackError, ErrorCode, isUnipackError } from './errors.js';
export { createReporter, type Reporter, type Phase } from './reporter.js';
export { defaultKernelPath, packageRoot } from './paths.js';
export { runVm, VmError, type RunVmOptions, type RunVmResult, type LogLine } from './vm/run-vm.js';
export { qemuArgs, type Machine, type Accel } from './vm/qemu-args.js';
export {
  parseRecord,
  parseRecords,
  outcome,
  exitCodeOf,
  unsupportedCalls,
  unsupportedSummary,
  PANIC_EXIT_CODE,
  type KernelRecord,
  type Outcome,
} from './vm/kernel-log.js';
export { inspect, formatInspect, type InspectOptions, type InspectReport } from './commands/inspect.js';
export { check, formatCheck, scanSource, type CheckOptions, type CheckReport, type CheckFinding } from './commands/check.js';
export * from './elf/index.js';
export {
  writeImage,
  entriesFromDir,
  normaliseMode,
  normalisePath,
  PAGE,
  type ImageEntry,
  type WrittenEntry,
  type WriteImageOptions,
  type WriteImageResult,
} from './image/tar-writer.js';
export {
  buildRootfs,
  etcFiles,
  memoryForImage,
  IMAGE_LIBRARY_DIR,
  type BootConfig,
  type RootfsOptions,
  type RootfsProgram,
  type RootfsResult,
} from './image/rootfs.js';
export { exec, findProgram, DEFAULT_EXEC_ENV, type ExecOptions, type ExecResult } from './commands/exec.js';
export { bootImage, printRunNotes, kernelCmdline, netArgs, type BootImageOptions, type PortForward, type StdinOption } from './boot-image.js';
export { frameChunk, frameData, framer, stdinHasData } from './vm/stdin.js';
export {
  loadManifest,
  checkManifest,
  ManifestError,
  MANIFEST_DEFAULTS,
  type ResolvedManifest,
  type ManifestProblem,
} from './manifest/index.js';
export { resolveRuntime, cachedRuntimes, type ResolvedRuntime, type ResolveRuntimeOptions } from './runtime/index.js';
export { collectApp, productionTree, addonLibraries, APP_DIR, type CollectResult, type CollectOptions, type AddonReport } from './bundle/index.js';
export { build, appArgv, buildSummary, IMAGE_NODE, BASE_ENV, type BuildOptions, type BuildResult } from './build.js';
export { buildCommand, buildJson, type BuildCommandOptions } from './commands/build.js';
