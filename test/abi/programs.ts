// The ABI test programs: every test/abi/*.c except the fuzzer (which must never run on the
// host), each compiled three ways — static musl, static glibc, dynamic glibc — into
// test/abi/build/ (ignored by git). Built once per test run by the global setup; the suites read
// the list the setup wrote. A program can declare its arguments and extra compiler flags in its
// source with comment lines:
//     abi-args: @fixtures/overlay       (@fixtures is test/abi/fixtures, wherever it is put)
//     abi-cflags: -lm
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';

export const ABI_DIR = import.meta.dirname;
export const BUILD_DIR = join(ABI_DIR, 'build');
export const FIXTURES_DIR = join(ABI_DIR, 'fixtures');
/** Where the guest finds test/abi/fixtures. */
export const GUEST_FIXTURES = '/fixtures';
const LIST = join(BUILD_DIR, 'programs.json');

/** Never run on the host: fuzz makes random system calls (as root here). */
export const GUEST_ONLY = new Set(['fuzz']);

export type Variant = 'musl-static' | 'glibc-static' | 'glibc-dynamic';
export const VARIANTS: readonly Variant[] = ['musl-static', 'glibc-static', 'glibc-dynamic'];

export interface Built {
  name: string;
  variant: Variant;
  /** The binary, or undefined when it did not compile (see `error`). */
  path?: string;
  error?: string;
  /** Arguments, with @fixtures still to be replaced. */
  args: string[];
}

/** Arguments a program declared (abi-args), or the known ones for programs that did not. */
const KNOWN_ARGS: Record<string, string[]> = { fs_overlay: ['@fixtures/overlay'] };

function directive(src: string, key: string): string[] | undefined {
  const m = new RegExp(`${key}:[ \\t]*([^\\n*]*)`).exec(src);
  return m ? m[1]!.trim().split(/\s+/).filter(Boolean) : undefined;
}

export function sources(): string[] {
  return readdirSync(ABI_DIR)
    .filter((f) => f.endsWith('.c'))
    .sort();
}

function compiler(variant: Variant): { cc: string; flags: string[] } {
  switch (variant) {
    case 'musl-static':
      return { cc: 'musl-gcc', flags: ['-static'] };
    case 'glibc-static':
      return { cc: 'gcc', flags: ['-static'] };
    case 'glibc-dynamic':
      return { cc: 'gcc', flags: [] };
  }
}

const run = promisify(execFile);

/** Compiles one source file one way; a compile error is kept, not thrown. */
async function compile(file: string, variant: Variant, extra: string[]): Promise<{ path?: string; error?: string }> {
  const name = basename(file, '.c');
  const out = join(BUILD_DIR, `${name}.${variant}`);
  const src = join(ABI_DIR, file);
  const { cc, flags } = compiler(variant);
  if (existsSync(out) && statSync(out).mtimeMs > statSync(src).mtimeMs && !headersNewerThan(out)) return { path: out };
  try {
    await run(cc, [...flags, '-O2', '-g0', '-Wall', '-D_GNU_SOURCE', '-I', ABI_DIR, '-o', out, src, '-lpthread', ...extra]);
    return { path: out };
  } catch (e) {
    return { error: `${cc} ${flags.join(' ')} ${file}:\n${(e as { stderr?: string }).stderr ?? (e as Error).message}` };
  }
}

function headersNewerThan(out: string): boolean {
  const t = statSync(out).mtimeMs;
  return readdirSync(ABI_DIR).some((f) => f.endsWith('.h') && statSync(join(ABI_DIR, f)).mtimeMs > t);
}

/** Builds everything (two compilers at a time: two cores) and writes the list. */
export async function buildAll(files: string[] = sources()): Promise<Built[]> {
  mkdirSync(BUILD_DIR, { recursive: true });
  const jobs: Array<() => Promise<Built>> = [];
  for (const file of files) {
    const name = basename(file, '.c');
    const src = readFileSync(join(ABI_DIR, file), 'utf8');
    const args = directive(src, 'abi-args') ?? KNOWN_ARGS[name] ?? [];
    const cflags = directive(src, 'abi-cflags') ?? [];
    for (const variant of VARIANTS) {
      // the fuzzer is only ever built static with musl
      if (GUEST_ONLY.has(name) && variant !== 'musl-static') continue;
      jobs.push(async () => ({ name, variant, args, ...(await compile(file, variant, cflags)) }));
    }
  }
  const results: Built[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    [0, 1].map(async () => {
      while (next < jobs.length) {
        const i = next++;
        results[i] = await jobs[i]!();
      }
    }),
  );
  writeFileSync(LIST, `${JSON.stringify(results, null, 2)}\n`);
  return results;
}

/** The list the global setup wrote. */
export function built(): Built[] {
  return JSON.parse(readFileSync(LIST, 'utf8')) as Built[];
}

/** Arguments with @fixtures replaced by where the fixtures are on this side. */
export function argsFor(b: Built, fixtures: string): string[] {
  return b.args.map((a) => a.replace(/^@fixtures/, fixtures));
}
