// Choosing the accelerator for `accel: 'auto'`. KVM is used only when a probe boot of the real
// kernel — its self-tests plus a timed compute loop (`unipack.probe`) — finishes in time and
// fast enough: on these machines /dev/kvm is a nested software hypervisor where trivial guests
// pass and real work crawls (DESIGN.md "Accelerator"). The verdict is cached per host.
import { accessSync, constants, mkdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { homedir, hostname, release, cpus } from 'node:os';
import { join, dirname } from 'node:path';
import { createHash } from 'node:crypto';

/** Compute-loop rate (million iterations per second) a usable accelerator must reach. TCG
 * does ~400 here; a working KVM does several times that; kvm_pvm does < 1. */
export const MIN_PROBE_RATE = 200;
export const PROBE_TIMEOUT_MS = 15_000;

export interface ProbeVerdict {
  kvm: boolean;
  reason: string;
  rate?: number;
  checkedAt: string;
}

export interface ProbeDeps {
  /** Boots the kernel with KVM and `unipack.probe`; resolves with the kernel log. */
  bootKvm: (timeoutMs: number) => Promise<{ log: string; status?: number; failed?: string }>;
  cacheFile?: string;
  kvmDevice?: string;
}

export function defaultCacheFile(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'unipack', 'accel.json');
}

/** The key a verdict is valid for: this host, its kernel and CPU, and the guest kernel. */
export function probeKey(kernelPath: string): string {
  let kernelStamp = '';
  try {
    const st = statSync(kernelPath);
    kernelStamp = `${st.size}:${st.mtimeMs}`;
  } catch {
    kernelStamp = 'missing';
  }
  return createHash('sha256')
    .update([hostname(), release(), cpus()[0]?.model ?? '', kernelStamp].join('\n'))
    .digest('hex')
    .slice(0, 16);
}

/** Parses `unipack: probe loops=N ns=T mloops_per_s=R` from a kernel log. */
export function parseProbe(log: string): number | undefined {
  const m = /^unipack: probe loops=\d+ ns=\d+ mloops_per_s=(\d+)/m.exec(log);
  return m ? Number(m[1]) : undefined;
}

export async function probeAccel(kernelPath: string, deps: ProbeDeps): Promise<ProbeVerdict> {
  const file = deps.cacheFile ?? defaultCacheFile();
  const key = probeKey(kernelPath);
  let cache: Record<string, ProbeVerdict> = {};
  try {
    cache = JSON.parse(readFileSync(file, 'utf8')) as Record<string, ProbeVerdict>;
    const hit = cache[key];
    if (hit) return hit;
  } catch {
    cache = {};
  }
  const verdict = await runProbe(deps);
  cache[key] = verdict;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(cache, null, 2));
  } catch {
    // An unwritable cache only costs a probe next time.
  }
  return verdict;
}

async function runProbe(deps: ProbeDeps): Promise<ProbeVerdict> {
  const checkedAt = new Date().toISOString();
  try {
    accessSync(deps.kvmDevice ?? '/dev/kvm', constants.R_OK | constants.W_OK);
  } catch {
    return { kvm: false, reason: 'no usable /dev/kvm', checkedAt };
  }
  let result: { log: string; status?: number; failed?: string };
  try {
    result = await deps.bootKvm(PROBE_TIMEOUT_MS);
  } catch (e) {
    return { kvm: false, reason: `probe boot failed: ${(e as Error).message.split('\n')[0]}`, checkedAt };
  }
  if (result.failed) return { kvm: false, reason: `probe boot failed: ${result.failed}`, checkedAt };
  const rate = parseProbe(result.log);
  if (rate === undefined || result.status !== 0)
    return { kvm: false, reason: 'the probe did not finish (self-tests or compute loop)', checkedAt };
  if (rate < MIN_PROBE_RATE)
    return { kvm: false, reason: `KVM runs the probe loop at ${rate} M/s, under ${MIN_PROBE_RATE}`, rate, checkedAt };
  return { kvm: true, reason: `KVM probe passed at ${rate} M/s`, rate, checkedAt };
}
