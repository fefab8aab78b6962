// `unipack build [dir] -o out.tar|<image dir> [--json]`: builds the app's root filesystem image
// (build.ts; an -o path not ending in .tar is an image directory: rootfs.tar, kernel.elf, lock)
// and reports it: progress and the summary line on stderr, or, with --json, a JSON description
// on stdout.
import { build as buildImage, buildSummary, type BuildOptions, type BuildResult } from '../build.js';
import type { Writable } from 'node:stream';
import { createReporter } from '../reporter.js';

export interface BuildCommandOptions extends BuildOptions {
  json?: boolean;
  quiet?: boolean;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

/** The JSON `unipack build --json` prints. */
export function buildJson(r: BuildResult): Record<string, unknown> {
  return {
    image: r.image,
    ...(r.imageDir ? { imageDir: r.imageDir, lock: r.lock } : {}),
    size: r.size,
    files: r.files,
    name: r.manifest.name,
    runtime: r.runtime,
    boot: r.boot,
    addons: r.addons,
    libraries: r.libraries,
    dependencies: r.deps,
    ports: r.manifest.ports,
    machine: r.manifest.machine,
    durationMs: Math.round(r.durationMs),
  };
}

export async function buildCommand(opts: BuildCommandOptions): Promise<BuildResult> {
  const stderr = opts.stderr ?? process.stderr;
  const reporter =
    opts.reporter ?? createReporter({ ...(opts.stderr ? { stream: opts.stderr as Writable } : {}), quiet: (opts.quiet ?? false) || (opts.json ?? false) });
  const r = await buildImage({ ...opts, reporter });
  if (opts.json) (opts.stdout ?? process.stdout).write(`${JSON.stringify(buildJson(r), null, 2)}\n`);
  else if (!opts.quiet) stderr.write(`${buildSummary(r)}\n`);
  return r;
}
