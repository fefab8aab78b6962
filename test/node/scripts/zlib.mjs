// zlib: deflate/gzip/brotli round trips and the compressed bytes themselves.
import zlib from 'node:zlib';
import { promisify } from 'node:util';
const text = Buffer.from('unipack '.repeat(1000) + Array.from({ length: 500 }, (_, i) => i * i).join(','));
const gz = zlib.gzipSync(text, { level: 9 });
console.log(gz.length, zlib.gunzipSync(gz).equals(text));
const df = zlib.deflateSync(text);
console.log(df.toString('base64').slice(0, 60), zlib.inflateSync(df).length);
const br = zlib.brotliCompressSync(text, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } });
console.log(br.length, zlib.brotliDecompressSync(br).equals(text));
const raw = await promisify(zlib.deflateRaw)(text);
console.log(raw.length, (await promisify(zlib.inflateRaw)(raw)).length);
console.log(zlib.crc32 ? zlib.crc32('unipack') : 'no crc32');
try { zlib.gunzipSync(Buffer.from('not gzip')); } catch (e) { console.log(e.code); }
