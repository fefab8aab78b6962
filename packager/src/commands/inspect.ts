// `unipack inspect <file>`: what the packager sees in an ELF file — type, linkage, interpreter
// and the shared libraries it needs, resolved like ld.so — as text or, with --json, as JSON.
import { readElf, type ElfInfo } from '../elf/read.js';
import { resolveLibraries, type SymlinkHop } from '../elf/resolve.js';

export interface InspectOptions {
  file: string;
  /** LD_LIBRARY_PATH to honour while resolving. */
  libraryPath?: string;
}

export interface InspectedLibrary {
  name: string;
  path: string;
  realPath: string;
  links: SymlinkHop[];
  neededBy: string[];
}

export interface InspectReport {
  file: string;
  class: 32 | 64;
  machine: number;
  type: ElfInfo['type'];
  linkage: ElfInfo['linkage'];
  executable: boolean;
  interpreter?: InspectedLibrary;
  soname?: string;
  needed: string[];
  rpath: string[];
  runpath: string[];
  libraries: InspectedLibrary[];
}

export function inspect(opts: InspectOptions): InspectReport {
  const elf = readElf(opts.file);
  const resolved =
    elf.needed.length > 0 || elf.interpreter
      ? resolveLibraries(opts.file, opts.libraryPath !== undefined ? { libraryPath: opts.libraryPath } : {})
      : undefined;
  const lib = (o: { name: string; path: string; realPath: string; links: SymlinkHop[]; neededBy: string[] }): InspectedLibrary => ({
    name: o.name,
    path: o.path,
    realPath: o.realPath,
    links: o.links,
    neededBy: o.neededBy,
  });
  return {
    file: opts.file,
    class: elf.class,
    machine: elf.machine,
    type: elf.type,
    linkage: elf.linkage,
    executable: elf.executable,
    ...(resolved?.interpreter ? { interpreter: lib(resolved.interpreter) } : {}),
    ...(elf.soname !== undefined ? { soname: elf.soname } : {}),
    needed: elf.needed,
    rpath: elf.rpath,
    runpath: elf.runpath,
    libraries: resolved ? resolved.libraries.map(lib) : [],
  };
}

export function formatInspect(r: InspectReport): string {
  const lines = [`${r.file}: ELF${r.class} ${r.type}, ${r.linkage}${r.executable ? ', executable' : ''}, machine ${r.machine}`];
  if (r.soname) lines.push(`  soname      ${r.soname}`);
  if (r.interpreter) lines.push(`  interpreter ${r.interpreter.path} → ${r.interpreter.realPath}`);
  if (r.rpath.length) lines.push(`  rpath       ${r.rpath.join(':')}`);
  if (r.runpath.length) lines.push(`  runpath     ${r.runpath.join(':')}`);
  for (const l of r.libraries) lines.push(`  needs       ${l.name} → ${l.realPath}`);
  return `${lines.join('\n')}\n`;
}
