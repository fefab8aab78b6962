// `unipack init [dir]`: writes a commented unipack.yaml holding what unipack inferred for the
// app (each line says where its value came from), with the fields it could not infer commented
// out. Refuses to overwrite an existing manifest without --force.
import { existsSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { stringify } from 'yaml';
import { ErrorCode, UnipackError } from '../errors.js';
import { checkManifest, MANIFEST_FILES } from '../manifest/index.js';
import { validate } from '../manifest/schema.js';
import { packageRoot } from '../paths.js';

export interface InitOptions {
  dir?: string;
  force?: boolean;
  /** Compute the text without writing it. */
  dryRun?: boolean;
}

export interface InitResult {
  file: string;
  text: string;
  written: boolean;
  /** Problems the inferred manifest still has (e.g. the entry file is missing). */
  notes: string[];
}

/** Fields in the order they are written, with a comment for the ones left out. */
const ORDER: Array<[field: string, example: string]> = [
  ['name', ''],
  ['entry', ''],
  ['command', '# command: [node, --enable-source-maps, dist/main.js]   # instead of entry'],
  ['args', '# args: [--port, "3000"]'],
  ['runtime', ''],
  ['build', '# build: npm run build            # run on the host before packing'],
  ['env', ''],
  ['ports', '# ports: ["8080:3000"]            # host:guest, add /udp for UDP'],
  ['memory', '# memory: 512M                    # default: the image plus 256 MiB'],
  ['cpus', ''],
  ['machine', ''],
  ['files', ''],
  ['mounts', ''],
  ['network', ''],
  ['kernel', '# kernel: { trace: syscalls }     # log every system call'],
  ['hostname', ''],
];

function schemaRef(dir: string): string {
  const local = join(dir, 'node_modules', 'unipack', 'manifests', 'unipack.schema.json');
  if (existsSync(local)) return relative(dir, local);
  return join(packageRoot(), 'manifests', 'unipack.schema.json');
}

function yamlLine(key: string, value: unknown): string {
  const flow = stringify(value, { collectionStyle: 'flow', lineWidth: 0 }).trim();
  return `${key}: ${flow}`;
}

export function init(opts: InitOptions = {}): InitResult {
  const dir = resolve(opts.dir ?? '.');
  const existing = MANIFEST_FILES.map((n) => join(dir, n)).find((f) => existsSync(f));
  const file = existing ?? join(dir, 'unipack.yaml');
  if (existing && !opts.force) {
    throw new UnipackError(ErrorCode.MANIFEST_EXISTS, `${relative(process.cwd(), existing) || existing} already exists`, { hint: 'pass --force to overwrite it' });
  }
  // Infer as if there were no manifest: check the app without the existing file's fields.
  const checked = checkManifest(dir, { ignoreManifestFile: true });
  const { fields, origins } = checked;
  const lines = [
    `# yaml-language-server: $schema=${schemaRef(dir)}`,
    '#',
    '# unipack.yaml: how unipack packs this app into a unikernel image and runs it.',
    '# Written by `unipack init` from what it inferred; every field is optional, and a field',
    '# left out is inferred again at each build. Reference: unipack.schema.json.',
    '',
  ];
  const comment = (k: string) => {
    const o = origins[k];
    if (o === undefined || o === 'manifest') return '';
    if (o === 'default') return 'default';
    return o.note;
  };
  const written: Record<string, unknown> = {};
  for (const [k, example] of ORDER) {
    if (k in fields && !(k === 'args' && Array.isArray(fields[k]) && (fields[k] as unknown[]).length === 0) && !(k === 'ports' && (fields[k] as unknown[]).length === 0)) {
      const line = yamlLine(k, fields[k]);
      const note = comment(k);
      lines.push(note ? `${line.padEnd(34)} # ${note}` : line);
      written[k] = fields[k];
    } else if (example) {
      lines.push(example);
    }
  }
  const text = `${lines.join('\n')}\n`;
  // What we write must pass the same validator as a hand-written manifest.
  const schemaProblems = validate(written);
  if (schemaProblems.length) throw new Error(`unipack init produced an invalid manifest: ${JSON.stringify(schemaProblems)}`);
  const notes = checked.problems.map((p) => `${p.file ? `${relative(process.cwd(), p.file)}${p.line ? `:${p.line}:${p.column}` : ''} ` : ''}${p.field}: ${p.message}`);
  if (!opts.dryRun) writeFileSync(file, text);
  return { file, text, written: !opts.dryRun, notes };
}
