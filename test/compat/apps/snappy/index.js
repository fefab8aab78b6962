// snappy (napi-rs, per-platform binary from npm): sync and async compression round trips.
const { compress, compressSync, uncompress, uncompressSync } = require('snappy');
const crypto = require('crypto');
(async () => {
  const text = Buffer.from('hello snappy '.repeat(5000));
  const c = compressSync(text);
  console.log('sync', text.length, c.length, uncompressSync(c).equals(text));
  const rnd = crypto.createHash('sha256');
  const chunks = [];
  for (let i = 0; i < 200; i++) chunks.push(rnd.copy().update(String(i)).digest());
  const data = Buffer.concat(chunks);
  const ac = await compress(data);
  console.log('async', data.length, ac.length, (await uncompress(ac)).equals(data));
  console.log('string', (await uncompress(await compress('abc'), { asBuffer: false })));
})();
