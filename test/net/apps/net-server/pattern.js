// The bytes of the large transfers, the same on both sides: block i of 64 KiB is a fixed
// pseudo-random block with i written into its first four bytes, so a lost, duplicated or
// reordered block changes the hash.
const BLOCK = 65536;
const base = Buffer.alloc(BLOCK);
let x = 0x2545f491;
for (let i = 0; i < BLOCK; i += 4) {
  x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
  base.writeUInt32LE(x >>> 0, i);
}

/** Block `i` (a fresh Buffer of `len` ≤ 64 KiB bytes). */
function block(i, len = BLOCK) {
  const b = Buffer.from(base.subarray(0, len));
  if (len >= 4) b.writeUInt32LE(i >>> 0, 0);
  return b;
}

/** The sha256 of the first `bytes` bytes of the stream. */
function patternHash(bytes) {
  const h = require('node:crypto').createHash('sha256');
  for (let i = 0, left = bytes; left > 0; i++, left -= BLOCK) h.update(block(i, Math.min(BLOCK, left)));
  return h.digest('hex');
}

module.exports = { BLOCK, block, patternHash };
