// A network namespace per test file, holding one TAP device for the guest: the host side has
// HOST_ADDR on it, the guest gets GUEST_ADDR (static, from its manifest). Addresses exist only
// inside the namespace; programs run there through `ip netns exec`. Needs root and
// /dev/net/tun (CI runs as root); without them the suite fails with that reason, never skips.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';

export const HOST_ADDR = '10.77.0.1';
export const GUEST_ADDR = '10.77.0.2';
export const TAP = 'tap0';

export interface Netns {
  name: string;
  /** Runs a command in the namespace; resolves with its output (rejects on a non-zero status). */
  run(cmd: string, args: string[], o?: { input?: Buffer | string; timeoutMs?: number }): Promise<{ stdout: Buffer; stderr: string }>;
  /** Starts a long-running command in the namespace. */
  spawn(cmd: string, args: string[]): ChildProcess;
  remove(): void;
}

function ip(args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

export function createNetns(tag: string): Netns {
  const name = `unipack-${tag}-${process.pid}`;
  try {
    ip(['netns', 'add', name]);
  } catch (e) {
    throw new Error(`cannot create network namespace ${name} (root and iproute2 are needed): ${(e as { stderr?: Buffer }).stderr?.toString() ?? (e as Error).message}`);
  }
  const nsIp = (...a: string[]) => ip(['netns', 'exec', name, 'ip', ...a]);
  nsIp('link', 'set', 'lo', 'up');
  nsIp('tuntap', 'add', 'dev', TAP, 'mode', 'tap');
  nsIp('addr', 'add', `${HOST_ADDR}/24`, 'dev', TAP);
  nsIp('link', 'set', TAP, 'up');
  return {
    name,
    run(cmd, args, o = {}) {
      return new Promise((resolve, reject) => {
        const p = spawn('ip', ['netns', 'exec', name, cmd, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
        const out: Buffer[] = [];
        let err = '';
        p.stdout.on('data', (d: Buffer) => out.push(d));
        p.stderr.on('data', (d: Buffer) => (err += d));
        const timer = setTimeout(() => p.kill('SIGKILL'), o.timeoutMs ?? 120_000);
        p.on('close', (code, signal) => {
          clearTimeout(timer);
          if (code === 0) resolve({ stdout: Buffer.concat(out), stderr: err });
          else reject(new Error(`${cmd} ${args.join(' ')} (in ${name}) failed: ${signal ?? `status ${code}`}\n${err}`));
        });
        p.stdin.end(o.input ?? '');
      });
    },
    spawn(cmd, args) {
      return spawn('ip', ['netns', 'exec', name, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    },
    remove() {
      try {
        ip(['netns', 'delete', name]);   // takes the TAP device with it
      } catch {
        /* already gone */
      }
    },
  };
}
