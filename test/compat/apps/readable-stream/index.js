// readable-stream (the userland streams): pipeline through transforms to a file on /tmp and
// back through zlib, backpressure with a small highWaterMark, object mode, finished().
const { Readable, Transform, Writable, pipeline, finished } = require('readable-stream');
const fs = require('fs');
const os = require('os');
const path = require('path');
const zlib = require('zlib');
const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rs-')), 'out.gz');
let i = 0;
const src = new Readable({ highWaterMark: 4, read() { this.push(i < 10000 ? `row ${i++}\n` : null); } });
const upper = new Transform({ transform(chunk, enc, cb) { cb(null, chunk.toString().toUpperCase()); } });
pipeline(src, upper, zlib.createGzip(), fs.createWriteStream(file), (err) => {
  console.log('written', err ?? 'ok');
  let lines = 0, last = '';
  const counter = new Writable({ write(chunk, enc, cb) { const s = chunk.toString(); lines += s.split('\n').length - 1; last = s.trim().split('\n').pop() || last; cb(); } });
  pipeline(fs.createReadStream(file, { highWaterMark: 1024 }), zlib.createGunzip(), counter, (e) => {
    console.log('read back', e ?? 'ok', lines, last);
    const objs = Readable.from([{ a: 1 }, { a: 2 }, { a: 3 }]);
    const seen = [];
    objs.on('data', (o) => seen.push(o.a));
    finished(objs, () => { console.log('objects', seen.join(',')); fs.rmSync(path.dirname(file), { recursive: true }); });
  });
});
