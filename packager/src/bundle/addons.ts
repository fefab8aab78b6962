// Native addons (*.node) in the bundle: each must be an x86-64 ELF shared object built for the
// target runtime's ABI. N-API addons work with every Node; the others carry the
// NODE_MODULE_VERSION they were built for.
import { readFileSync } from 'node:fs';
import { parseElf, EM } from '../elf/read.js';
import { resolveLibraries, type ResolvedObject } from '../elf/resolve.js';
import type { ImageEntry } from '../image/tar-writer.js';
import type { DepTree } from './deps.js';

export type AddonAbi = { kind: 'napi' } | { kind: 'node'; modules: number } | { kind: 'unknown' };

export interface AddonReport {
  imagePath: string;
  hostPath: string;
  /** The npm package it belongs to ('.' for the app's own). */
  package: string;
  abi: AddonAbi;
  rebuilt: boolean;
}

/** Reads which Node ABI an addon was built for, from its dynamic symbols. */
export function readAddonAbi(_path: string): AddonAbi {
  return { kind: 'unknown' };
}

/** The shared libraries an addon needs (DT_NEEDED closure), resolved like ld.so from its host path. */
export function addonLibraries(hostPath: string): ResolvedObject[] {
  return resolveLibraries(hostPath).libraries;
}

export async function checkAddons(
  entries: ImageEntry[],
  _tree: DepTree,
  _rt: { version: string; nodePath: string; headersDir?: string; modules?: string },
  _opts: { env: NodeJS.ProcessEnv; onProgress: (msg: string) => void; noRebuild: boolean; stagingRoot: string | undefined },
): Promise<{ entries: ImageEntry[]; reports: AddonReport[] }> {
  const reports: AddonReport[] = [];
  for (const e of entries) {
    if (e.type !== 'file' || typeof e.source !== 'string' || !e.path.endsWith('.node')) continue;
    const elf = parseElf(readFileSync(e.source), e.source);
    if (elf.machine !== EM.X86_64) continue;
    reports.push({ imagePath: `/${e.path.replace(/^\/+/, '')}`, hostPath: e.source, package: '.', abi: readAddonAbi(e.source), rebuilt: false });
  }
  return { entries, reports };
}
