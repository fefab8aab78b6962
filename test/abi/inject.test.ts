// Meta-test: the differential comparison can fail. With the kernel told to break a call the
// ABI programs rely on (unipack.inject=openat:ENOENT — open:ENOENT for musl —, write:EIO), the same comparison that
// passes in abi.test.ts must go red; without injection it passes (the control).
import { describe, expect, test } from 'vitest';
import { differential } from './differential.js';
import { built } from './programs.js';

const victims = built().filter((b) => b.name === 'fs_basic' && b.path);

describe('inject meta-test: breaking a call turns the differential red', () => {
  test.each(victims.map((b) => [b.variant, b] as const))('fs_basic [%s]', async (_v, b) => {
    await differential(b); // control: green as it is
    // musl's open() is SYS_open on x86-64; glibc's is openat
    const open = b.variant === 'musl-static' ? 'open:ENOENT' : 'openat:ENOENT';
    for (const inject of [open, 'write:EIO']) {
      await expect(differential(b, { inject: [inject] }), inject).rejects.toThrow();
    }
  });
});
