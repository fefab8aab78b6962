// Buffer and the encoding APIs: every Buffer encoding both ways, TextEncoder/TextDecoder
// (streaming, fatal mode, BOM, legacy encodings from ICU), atob/btoa, structuredClone.
const s = 'héllo wörld ✓ 😀 \u0000 end';
for (const enc of ['utf8', 'utf16le', 'latin1', 'base64', 'base64url', 'hex', 'ascii', 'binary', 'ucs2']) {
  const b = Buffer.from(s, enc === 'base64' || enc === 'base64url' || enc === 'hex' ? 'utf8' : enc);
  const text = b.toString(enc);
  console.log(enc.padEnd(9), b.length, text.length, Buffer.from(text, enc).equals(b));
}
const b = Buffer.alloc(16);
b.writeUInt32BE(0xdeadbeef, 0); b.writeInt16LE(-2, 4); b.writeDoubleLE(Math.PI, 8);
console.log(b.toString('hex'), b.readUInt32BE(0).toString(16), b.readInt16LE(4), b.readDoubleLE(8));
console.log(Buffer.compare(Buffer.from('a'), Buffer.from('b')), Buffer.from('abcabc').indexOf('ca'), Buffer.byteLength(s));
const enc = new TextEncoder().encode(s);
const dec = new TextDecoder();
let out = '';
for (let i = 0; i < enc.length; i += 3) out += dec.decode(enc.subarray(i, i + 3), { stream: true });
out += dec.decode();
console.log('streamed decode equal', out === s);
try { new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array([0xff, 0xfe, 0x41])); } catch (e) { console.log('fatal:', e.code ?? e.name); }
console.log('bom', JSON.stringify(new TextDecoder().decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x41]))));
for (const label of ['utf-16le', 'latin1', 'windows-1252', 'iso-8859-2', 'shift_jis', 'gbk']) {
  try { console.log(label, JSON.stringify(new TextDecoder(label).decode(new Uint8Array([0x41, 0x80, 0xa4, 0xe9, 0x42, 0x43])))); }
  catch (e) { console.log(label, 'unsupported', e.code); }
}
console.log(btoa('unipack'), atob('dW5pcGFjaw=='));
const clone = structuredClone({ d: new Date(0), m: new Map([[1, 2]]), buf: new Uint8Array([1, 2, 3]) });
console.log(clone.d.toISOString(), clone.m.get(1), Array.from(clone.buf));
console.log(new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR' }).format(1234567.891));
console.log(new Intl.DateTimeFormat('fr-FR', { dateStyle: 'full', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 1, 29))));
console.log('ß'.toUpperCase(), 'İ'.toLowerCase().length, ['b', 'a', 'ä'].sort(new Intl.Collator('de').compare).join(''));
