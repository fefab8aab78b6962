// A 256 MiB Buffer: allocated, touched on every page, hashed and released; then a 64 MiB
// ArrayBuffer grown by small steps. The VM gets 768 MiB: the app holds ~420 MiB at its peak (see node.test.ts).
import { createHash } from 'node:crypto';
const MiB = 1024 * 1024;
const big = Buffer.alloc(256 * MiB);
for (let off = 0; off < big.length; off += 4096) big[off] = (off / 4096) & 0xff;
big.fill(0x5a, 100 * MiB, 101 * MiB);
console.log('length', big.length, 'sha256', createHash('sha256').update(big).digest('hex'));
const unsafe = Buffer.allocUnsafe(32 * MiB).fill(7);
console.log('allocUnsafe sum of a slice', unsafe.subarray(0, 1000).reduce((a, b) => a + b, 0));
const chunks = [];
for (let i = 0; i < 64; i++) chunks.push(Buffer.alloc(MiB, i));
console.log('concat', createHash('md5').update(Buffer.concat(chunks)).digest('hex'));
const rab = new ArrayBuffer(8 * MiB, { maxByteLength: 64 * MiB });
while (rab.byteLength < 64 * MiB) rab.resize(rab.byteLength + 8 * MiB);
console.log('resizable', rab.byteLength / MiB, 'MiB');
