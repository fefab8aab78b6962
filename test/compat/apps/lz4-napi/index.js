// lz4-napi (napi-rs, per-platform binary from npm): block and frame round trips, async.
const { compress, uncompress, compressSync, uncompressSync } = require('lz4-napi');
(async () => {
  const data = Buffer.from(Array.from({ length: 20000 }, (_, i) => `line ${i % 97}\n`).join(''));
  const c = compressSync(data);
  console.log('sync', data.length, c.length < data.length, uncompressSync(c).equals(data));
  const ac = await compress(data);
  console.log('async', (await uncompress(ac)).equals(data));
})();
