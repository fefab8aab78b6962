// One ABI program on the host (fresh directory, fixtures copied with the image's modes) and in
// the unikernel (fixtures at /fixtures); throws when stdout or the exit status differ. Shared by
// the ABI suite, its q35 smoke subset and the inject meta-test.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { explain, normaliseModes, runInGuest, runOnHost, type GuestOptions } from '../helpers/guest.js';
import { FIXTURES_DIR, GUEST_FIXTURES, argsFor, type Built } from './programs.js';

/** The machine for this run: UNIPACK_TEST_MACHINE=q35 runs a suite on q35. */
export const TEST_MACHINE = process.env.UNIPACK_TEST_MACHINE === 'q35' ? 'q35' : 'microvm';

export async function differential(b: Built, guestOpts: GuestOptions = {}): Promise<void> {
  if (!b.path) throw new Error(`did not compile:\n${b.error}`);
  const hostDir = mkdtempSync(join(tmpdir(), `unipack-abi-${b.name}-`));
  try {
    cpSync(FIXTURES_DIR, join(hostDir, 'fixtures'), { recursive: true });
    normaliseModes(join(hostDir, 'fixtures'));
    const host = await runOnHost(b.path, argsFor(b, join(hostDir, 'fixtures')), { argv0: b.name, cwd: hostDir });
    // a program that hangs on the host is broken itself: say so without booting
    if (host.status === -1) throw new Error(`${b.name} [${b.variant}] did not finish on the host:\n${host.stdout}${host.stderr}`);
    const guest = await runInGuest(b.path, argsFor(b, GUEST_FIXTURES), {
      argv0: b.name,
      files: [{ host: FIXTURES_DIR, image: GUEST_FIXTURES }],
      machine: TEST_MACHINE,
      timeoutMs: 60_000,
      ...guestOpts,
    });
    expect(guest.stdout, explain(host, guest)).toBe(host.stdout);
    expect(guest.status, explain(host, guest)).toBe(host.status);
  } finally {
    rmSync(hostDir, { recursive: true, force: true });
  }
}
