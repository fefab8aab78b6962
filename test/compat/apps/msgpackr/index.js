// msgpackr with its optional native accelerator (msgpackr-extract, a prebuilt binary from npm).
const { pack, unpack, Packr } = require('msgpackr');
const obj = { name: 'unipack', list: [1, 2.5, -3, 'x'.repeat(40)], nested: { a: null, b: true, d: new Date(0) }, big: 2n ** 60n };
const buf = pack(obj);
console.log('bytes', buf.length);
console.log(unpack(buf));
const records = new Packr({ structuredClone: true });
const arr = Array.from({ length: 1000 }, (_, i) => ({ id: i, label: `label-${i}`, tags: ['a', 'b'] }));
const p = records.pack(arr);
const back = records.unpack(p);
console.log('records', back.length, back[999].label, back[500].tags.join(''));
let native = false;
try { require('msgpackr-extract'); native = true; } catch {}
console.log('native extract', native);
