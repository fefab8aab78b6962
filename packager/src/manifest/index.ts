// Loads an app's manifest: unipack.yaml (optional) over what package.json implies over the
// built-in defaults. The merged manifest goes through the JSON Schema validator as a whole —
// user fields, inferred fields and defaults alike — then through the checks a schema cannot
// express (the runtime range, the entry file, ports given twice). Every problem is reported at
// once, with the file, line and column it comes from; nothing is returned until there are none.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import semver from 'semver';
import { ErrorCode, UnipackError } from '../errors.js';
import { knownNodeVersions } from '../runtime/cache.js';
import { hostNode } from '../runtime/host.js';
import { infer, resolveModuleFile, type Origin } from './infer.js';
import { pathText, show, validate, type JsonPath } from './schema.js';
import { locate, parseSource, type SourceFile } from './source.js';

export interface PortForward {
  host: number;
  guest: number;
  proto: 'tcp' | 'udp';
}

export interface ResolvedManifest {
  /** The app directory, absolute. */
  dir: string;
  name: string;
  /** The script node runs: an absolute host path inside `dir`. Absent when `command` is given. */
  entry?: string;
  /** The whole argv instead of entry; "node" means the chosen runtime. Paths are as written. */
  command?: string[];
  args: string[];
  /** A semver range of Node versions. */
  runtime: string;
  env: Record<string, string>;
  ports: PortForward[];
  memoryMiB?: number;
  cpus: number;
  machine: 'microvm' | 'q35';
  kernel: { args: string[]; trace?: string; debug: boolean };
  mounts: Array<{ path: string; sizeMiB: number }>;
  files: { include: string[]; exclude: string[]; tests: boolean };
  network: { mode: 'user' | 'tap' | 'none'; tap?: string; address?: string; gateway?: string; dns: string[] };
  /** A shell command run in `dir` before packing. */
  build?: string;
  hostname?: string;
  /** The unipack.yaml read, if any. */
  manifestFile?: string;
  /** Where each top-level field came from ("unipack.yaml", "package.json main", "default"). */
  sources: Record<string, string>;
}

/** Built-in defaults, in the manifest's own shape; the schema's `default`s say the same (tested). */
export const MANIFEST_DEFAULTS: {
  args: string[];
  env: Record<string, string | number | boolean>;
  ports: unknown[];
  cpus: number;
  machine: string;
  mounts: Array<{ path: string; size?: number | string }>;
  files: { include: string[]; exclude: string[]; tests: boolean };
  network: { mode: string };
  kernel: { args: string[]; debug: boolean };
} = {
  args: [],
  env: { NODE_ENV: 'production' },
  ports: [],
  cpus: 1,
  machine: 'microvm',
  mounts: [{ path: '/tmp', size: 64 }],
  files: { include: ['**'], exclude: [], tests: true },
  network: { mode: 'user' },
  kernel: { args: [], debug: false },
};

/** Sub-field defaults applied after validation (the schema's nested `default`s). */
const MOUNT_SIZE_DEFAULT_MIB = 64;
const PORT_PROTO_DEFAULT = 'tcp';

export const MANIFEST_FILES = ['unipack.yaml', 'unipack.yml'] as const;

export interface ManifestProblem {
  /** The file the problem is in (absolute), or undefined for a built-in default. */
  file?: string;
  line?: number;
  column?: number;
  /** The field path in that file, e.g. "ports[1]" or "engines.node". */
  field: string;
  kind: string;
  message: string;
  found?: string;
  allowed?: string;
  fix?: string;
}

export class ManifestError extends UnipackError {
  readonly problems: ManifestProblem[];
  constructor(problems: ManifestProblem[], cwd = process.cwd()) {
    const first = problems[0]!;
    const where = first.file ? relative(cwd, first.file) || first.file : 'the manifest';
    super(
      ErrorCode.MANIFEST_INVALID,
      problems.length === 1 ? `${where}: ${first.message}` : `${problems.length} problems in the manifest`,
      { details: formatProblems(problems, cwd), hint: 'fix the fields above; `unipack init --force` writes a fresh unipack.yaml' },
    );
    this.problems = problems;
  }
}

/** "unipack.yaml:4:3 ports[1]: …" plus found / allowed / fix lines, one block per problem. */
export function formatProblems(problems: ManifestProblem[], cwd = process.cwd()): string {
  return problems
    .map((p) => {
      const file = p.file ? relative(cwd, p.file) || p.file : '(built-in default)';
      const at = p.line !== undefined ? `${file}:${p.line}:${p.column}` : file;
      const lines = [`${at}  ${p.field}: ${p.message}`];
      if (p.found !== undefined) lines.push(`    found:   ${p.found}`);
      if (p.allowed !== undefined) lines.push(`    allowed: ${p.allowed}`);
      if (p.fix !== undefined) lines.push(`    fix:     ${p.fix}`);
      return lines.join('\n');
    })
    .join('\n');
}

export interface LoadManifestOptions {
  env?: NodeJS.ProcessEnv;
  /** Versions that count as existing Node releases besides the known list (tests, registry). */
  extraVersions?: string[];
  /** Infer as if there were no unipack.yaml (`unipack init --force`). */
  ignoreManifestFile?: boolean;
}

/** Loads, validates and resolves the manifest of the app in `dir`; throws ManifestError. */
export async function loadManifest(dir: string, opts: LoadManifestOptions = {}): Promise<ResolvedManifest> {
  return loadManifestSync(dir, opts);
}

export function loadManifestSync(dir: string, opts: LoadManifestOptions = {}): ResolvedManifest {
  const r = checkManifest(dir, opts);
  if (r.problems.length) throw new ManifestError(r.problems);
  return r.manifest!;
}

interface Checked {
  problems: ManifestProblem[];
  manifest?: ResolvedManifest;
  /** The merged fields in the manifest's shape, with where each came from (for init). */
  fields: Record<string, unknown>;
  origins: Record<string, Origin | 'manifest' | 'default'>;
}

/** Every problem of the app's manifest, and the resolved manifest when there are none. */
export function checkManifest(dirIn: string, opts: LoadManifestOptions = {}): Checked {
  const env = opts.env ?? process.env;
  const dir = resolve(dirIn);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UnipackError(ErrorCode.APP_MISSING, `app directory not found: ${dirIn}`, { hint: 'pass the directory holding package.json' });
  }
  const problems: ManifestProblem[] = [];
  const read = (name: string): SourceFile | undefined => {
    const file = join(dir, name);
    if (!existsSync(file)) return undefined;
    const src = parseSource(file, readFileSync(file, 'utf8'));
    for (const e of src.errors) {
      problems.push({ file, line: e.pos.line, column: e.pos.column, field: '(syntax)', kind: 'syntax', message: e.message, fix: name.endsWith('.json') ? 'fix the JSON syntax' : 'fix the YAML syntax (indentation, quotes, a missing ":")' });
    }
    return src;
  };
  const pkgSrc = read('package.json');
  const manifestName = opts.ignoreManifestFile ? undefined : MANIFEST_FILES.find((n) => existsSync(join(dir, n)));
  const ySrc = manifestName ? read(manifestName) : undefined;
  const empty = { problems, fields: {}, origins: {} };
  if (problems.length) return empty;

  if (pkgSrc && (typeof pkgSrc.value !== 'object' || pkgSrc.value === null || Array.isArray(pkgSrc.value))) {
    problems.push({ file: pkgSrc.file, line: 1, column: 1, field: '(top level)', kind: 'type', message: 'package.json must be a JSON object', found: show(pkgSrc.value) });
  }
  let user: Record<string, unknown> = {};
  if (ySrc && ySrc.value !== undefined && ySrc.value !== null) {
    if (typeof ySrc.value !== 'object' || Array.isArray(ySrc.value)) {
      problems.push({ file: ySrc.file, line: 1, column: 1, field: '(top level)', kind: 'type', message: 'a manifest is a mapping of fields (name: value)', found: show(ySrc.value), allowed: 'a mapping', fix: 'start from `unipack init --force`' });
    } else user = ySrc.value as Record<string, unknown>;
  }
  if (problems.length) return empty;

  const host = hostNode(env);
  const inferred = infer(dir, pkgSrc, host ? String(semver.major(host.version)) : undefined);
  const fields: Record<string, unknown> = {};
  const origins: Record<string, Origin | 'manifest' | 'default'> = {};
  for (const [k, v] of Object.entries(MANIFEST_DEFAULTS)) [fields[k], origins[k]] = [structuredClone(v), 'default'];
  for (const [k, v] of Object.entries(inferred.fields)) [fields[k], origins[k]] = [v, inferred.origins[k]!];
  // entry and command exclude each other: the user's choice of one drops the inferred other.
  if ('entry' in user || 'command' in user) {
    delete fields.entry;
    delete fields.command;
  }
  for (const [k, v] of Object.entries(user)) [fields[k], origins[k]] = [v, 'manifest'];

  // Where a problem at a path of the merged object is reported.
  const place = (path: JsonPath, atKey = false): Pick<ManifestProblem, 'file' | 'line' | 'column' | 'field'> => {
    const top = String(path[0] ?? '');
    const o = origins[top];
    if (o === 'manifest' || o === undefined) {
      const pos = ySrc ? locate(ySrc, path, atKey) : undefined;
      return { file: ySrc?.file, ...(pos ? { line: pos.line, column: pos.column } : {}), field: pathText(path) };
    }
    if (o === 'default') return { field: pathText(path) };
    const pos = o.src ? locate(o.src, o.path) : undefined;
    return { file: o.src?.file ?? join(dir, 'package.json'), ...(pos ? { line: pos.line, column: pos.column } : {}), field: o.src ? pathText(o.path) : pathText(path) };
  };
  const add = (path: JsonPath, p: Omit<ManifestProblem, 'file' | 'line' | 'column' | 'field'>, atKey = false) => problems.push({ ...place(path, atKey), ...p });

  const schemaBad = new Set<string>();
  for (const p of validate(fields)) {
    const { path, atKey, ...rest } = p;
    schemaBad.add(String(path[0] ?? ''));
    add(path, rest, atKey);
  }
  // Semantic checks run on the fields the schema accepted.
  const ok = (k: string) => k in fields && !schemaBad.has(k) && !schemaBad.has('');

  // The runtime range: valid semver, and some Node release satisfies it.
  const runtime = typeof fields.runtime === 'string' ? fields.runtime : undefined;
  if (!('runtime' in fields)) {
    problems.push({ field: 'runtime', kind: 'runtime', message: 'no runtime range and no host node to default to', fix: 'add runtime: "20.x" (or another range) to unipack.yaml, or install node' });
  }
  if (runtime !== undefined && ok('runtime')) {
    if (semver.validRange(runtime) === null) {
      add(['runtime'], { kind: 'runtime', message: `${show(runtime)} is not a semver range`, found: show(runtime), allowed: 'a semver range such as "20.x", "^22.11" or ">=18 <23"', fix: 'write a range like "20.x"' });
    } else {
      const known = knownNodeVersions(env, [...(host ? [host.version] : []), ...(opts.extraVersions ?? [])]);
      if (!known.some((v) => semver.satisfies(v, runtime!))) {
        const newest = known[known.length - 1];
        add(['runtime'], {
          kind: 'runtime',
          message: `no Node release satisfies ${show(runtime)}`,
          found: show(runtime),
          allowed: `a range matching a released version (the newest known is ${newest})`,
          fix: host ? `use "${semver.major(host.version)}.x" (the host's node is ${host.version})` : `use "${semver.major(newest!)}.x"`,
        });
      }
    }
  }

  // The entry file exists inside the app (unless a build step will make it).
  if (typeof fields.entry === 'string' && ok('entry')) {
    const file = resolveModuleFile(dir, fields.entry);
    const inside = file !== undefined && (file + sep).startsWith(dir + sep);
    if (!inside && fields.build === undefined) {
      const o = origins.entry;
      const fromPkg = typeof o === 'object' && o.src !== undefined;
      add(['entry'], {
        kind: 'entry',
        message: file ? `entry ${show(fields.entry)} is outside the app directory` : `entry file ${show(fields.entry)} does not exist`,
        found: show(fields.entry),
        allowed: 'a file inside the app directory',
        fix: fromPkg
          ? 'fix package.json, or set entry: <file> in unipack.yaml (or build: <command> if a build step creates it)'
          : 'create the file, correct the path, or add build: <command> if a build step creates it',
      });
    }
  }

  // Ports: parsed, and no host port (per protocol) given twice.
  const ports: PortForward[] = [];
  if (Array.isArray(fields.ports) && ok('ports')) {
    const seen = new Map<string, number>();
    fields.ports.forEach((p, i) => {
      const fwd = parsePort(p);
      if (!fwd) {
        add(['ports', i], { kind: 'range', message: `${show(p)} has a port out of range`, found: show(p), allowed: 'ports 1..65535', fix: 'use a port between 1 and 65535' });
        return;
      }
      const key = `${fwd.host}/${fwd.proto}`;
      const prev = seen.get(key);
      if (prev !== undefined) {
        const at = place(['ports', prev]);
        add(['ports', i], {
          kind: 'duplicate-port',
          message: `host port ${fwd.host}/${fwd.proto} is given twice${at.line !== undefined ? ` (first at line ${at.line})` : ''}`,
          found: show(p),
          allowed: 'each host port once per protocol',
          fix: 'remove one of them or pick another host port ("8081:80")',
        });
      } else seen.set(key, i);
      ports.push(fwd);
    });
  }

  // Mounts: distinct paths, not over the app or the system directories.
  if (Array.isArray(fields.mounts) && ok('mounts')) {
    const seen = new Set<string>();
    (fields.mounts as Array<{ path: string }>).forEach((m, i) => {
      const p = m.path.replace(/\/+$/, '') || '/';
      if (seen.has(p)) add(['mounts', i, 'path'], { kind: 'duplicate-mount', message: `${p} is mounted twice`, found: show(m.path), fix: 'remove one of them' });
      if (['/', '/app', '/usr', '/lib', '/lib64', '/etc', '/.unipack'].includes(p)) add(['mounts', i, 'path'], { kind: 'mount', message: `a tmpfs over ${p} would hide image files`, found: show(m.path), allowed: 'a directory such as /tmp or /var/data', fix: 'mount a subdirectory instead' });
      seen.add(p);
    });
  }

  // Network: addresses are real IPv4, tap needs a device, a gateway needs an address.
  const net = (ok('network') ? fields.network : undefined) as ResolvedManifest['network'] | undefined;
  if (net) {
    const octets = (s: string) => s.split('/')[0]!.split('.').every((o) => Number(o) <= 255);
    if (net.address && (!octets(net.address) || Number(net.address.split('/')[1]) > 32)) add(['network', 'address'], { kind: 'pattern', message: `${show(net.address)} is not an IPv4 address with prefix`, found: show(net.address), allowed: 'e.g. 192.168.100.2/24' });
    if (net.gateway && !octets(net.gateway)) add(['network', 'gateway'], { kind: 'pattern', message: `${show(net.gateway)} is not an IPv4 address`, found: show(net.gateway) });
    for (const [i, d] of (net.dns ?? []).entries()) if (!octets(d)) add(['network', 'dns', i], { kind: 'pattern', message: `${show(d)} is not an IPv4 address`, found: show(d) });
    if ((net.mode ?? 'user') === 'tap' && !net.tap) add(['network'], { kind: 'required', message: 'mode tap needs the tap device', allowed: 'network: { mode: tap, tap: tap0 }', fix: 'add tap: <interface>' });
    if (net.mode === 'tap' && Array.isArray(fields.ports) && fields.ports.length > 0 && origins.ports === 'manifest') add(['ports'], { kind: 'conflict', message: 'ports are forwarded only with user networking; on a tap device the guest is reachable at its own address', found: `network mode tap with ${fields.ports.length} port(s)`, fix: 'remove ports, or use network: { mode: user }' });
    if (net.gateway && !net.address) add(['network', 'gateway'], { kind: 'required', message: 'a gateway needs a static address', fix: 'add address: <ip>/<prefix>, or remove gateway to use DHCP' });
  }

  if (problems.length) {
    problems.sort((a, b) => (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
    return { problems, fields, origins };
  }

  const files = { ...MANIFEST_DEFAULTS.files, ...(fields.files as object) } as ResolvedManifest['files'];
  const kernel = { ...MANIFEST_DEFAULTS.kernel, ...(fields.kernel as object) } as ResolvedManifest['kernel'];
  const env2: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...MANIFEST_DEFAULTS.env, ...(fields.env as object) })) env2[k] = String(v);
  const sources: Record<string, string> = {};
  for (const [k, o] of Object.entries(origins)) sources[k] = o === 'manifest' ? (manifestName ?? 'unipack.yaml') : o === 'default' ? 'default' : o.src ? `package.json ${pathText(o.path)}` : o.note;

  const manifest: ResolvedManifest = {
    dir,
    name: fields.name as string,
    ...(typeof fields.entry === 'string' ? { entry: resolveModuleFile(dir, fields.entry) ?? resolve(dir, fields.entry) } : {}),
    ...(Array.isArray(fields.command) ? { command: fields.command as string[] } : {}),
    args: (fields.args as string[] | undefined) ?? [],
    runtime: runtime!,
    env: env2,
    ports,
    ...(fields.memory !== undefined ? { memoryMiB: sizeMiB(fields.memory as number | string) } : {}),
    cpus: fields.cpus as number,
    machine: fields.machine as ResolvedManifest['machine'],
    kernel,
    mounts: (fields.mounts as Array<{ path: string; size?: number | string }>).map((m) => ({ path: m.path, sizeMiB: m.size === undefined ? MOUNT_SIZE_DEFAULT_MIB : sizeMiB(m.size) })),
    files,
    network: { mode: 'user', dns: [], ...(fields.network as object) } as ResolvedManifest['network'],
    ...(typeof fields.build === 'string' ? { build: fields.build } : {}),
    hostname: typeof fields.hostname === 'string' ? fields.hostname : hostnameFrom(fields.name as string),
    ...(ySrc ? { manifestFile: ySrc.file } : {}),
    sources,
  };
  return { problems, manifest, fields, origins };
}

/** A port as written (8080, "8080:80/udp", {host, guest, proto}) → a forward; undefined if invalid. */
export function parsePort(p: unknown): PortForward | undefined {
  if (typeof p === 'number') return { host: p, guest: p, proto: PORT_PROTO_DEFAULT };
  if (typeof p === 'string') {
    const m = /^(\d+)(?::(\d+))?(?:\/(tcp|udp))?$/.exec(p);
    if (!m) return undefined;
    const host = Number(m[1]);
    const guest = m[2] !== undefined ? Number(m[2]) : host;
    if (host < 1 || host > 65535 || guest < 1 || guest > 65535) return undefined;
    return { host, guest, proto: (m[3] as 'tcp' | 'udp' | undefined) ?? PORT_PROTO_DEFAULT };
  }
  if (p && typeof p === 'object') {
    const o = p as { host?: number; guest: number; proto?: 'tcp' | 'udp' };
    return { host: o.host ?? o.guest, guest: o.guest, proto: o.proto ?? PORT_PROTO_DEFAULT };
  }
  return undefined;
}

/** A size as written (a number of MiB, "512M", "1.5G", "64MiB", "2048K") → MiB, rounded up. */
export function sizeMiB(s: number | string): number {
  if (typeof s === 'number') return s;
  const m = /^([0-9]+(?:\.[0-9]+)?) ?([KMGkmg])(?:i?B)?$/.exec(s);
  if (!m) throw new Error(`invalid size ${s}`);
  const n = Number(m[1]);
  const unit = m[2]!.toUpperCase();
  return Math.ceil(unit === 'K' ? n / 1024 : unit === 'G' ? n * 1024 : n);
}

function hostnameFrom(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 63)
      .replace(/-+$/, '') || 'unipack'
  );
}
