// WebAssembly: V8 reserves a large guarded region per memory and turns an out-of-bounds access
// (a SIGSEGV inside wasm code) into a RuntimeError through its trap handler; `unreachable`, an
// integer divide by zero and memory.grow are checked too. The module is written out by hand.
const u = (n) => { const out = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n); return out; };
const str = (s) => [...u(s.length), ...Buffer.from(s)];
const section = (id, body) => [id, ...u(body.length), ...body];
const vec = (items) => [...u(items.length), ...items.flat()];
const I32 = 0x7f;
const types = vec([[0x60, 1, I32, 1, I32], [0x60, 2, I32, I32, 1, I32], [0x60, 0, 0]]);
// funcs: load(addr) -> i32, div(a,b) -> i32, trap(), grow(n) -> i32, store(addr, v) -> i32
const funcs = vec([[0], [1], [2], [0], [1]]);
const memory = vec([[0x01, 1, 4]]);   // 1 page min, 4 pages max
const exp = (name, kind, idx) => [...str(name), kind, idx];
const exports = vec([exp('load', 0, 0), exp('div', 0, 1), exp('trap', 0, 2), exp('grow', 0, 3), exp('store', 0, 4), exp('mem', 2, 0)]);
const body = (code) => { const b = [0, ...code, 0x0b]; return [...u(b.length), ...b]; };
const code = vec([
  body([0x20, 0, 0x28, 2, 0]),                       // local.get 0; i32.load
  body([0x20, 0, 0x20, 1, 0x6d]),                    // i32.div_s
  body([0x00]),                                      // unreachable
  body([0x20, 0, 0x40, 0]),                          // memory.grow
  body([0x20, 0, 0x20, 1, 0x36, 2, 0, 0x20, 1]),     // i32.store; return v
]);
const bytes = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...section(1, types), ...section(3, funcs),
  ...section(5, memory), ...section(7, exports), ...section(10, code)]);
console.log('valid', WebAssembly.validate(bytes));
const { instance } = await WebAssembly.instantiate(bytes);
const w = instance.exports;
const tryIt = (label, fn) => {
  try { console.log(label, 'returned', fn()); } catch (e) { console.log(label, 'threw', e.constructor.name, e.message); }
};
tryIt('store 1000', () => w.store(1000, 123456));
tryIt('load 1000', () => w.load(1000));
tryIt('load out of bounds', () => w.load(65536));
tryIt('load far out of bounds', () => w.load(0x7ffffff0));
tryIt('div 7/2', () => w.div(7, 2));
tryIt('div by zero', () => w.div(1, 0));
tryIt('unreachable', () => w.trap());
tryIt('grow 2', () => w.grow(2));
tryIt('load in grown memory', () => w.load(2 * 65536 + 8));
tryIt('grow past max', () => w.grow(5));
console.log('pages', w.mem.buffer.byteLength / 65536);
// Many instances, each with its own guarded reservation.
const many = await Promise.all(Array.from({ length: 20 }, () => WebAssembly.instantiate(bytes)));
many.forEach((m, i) => m.instance.exports.store(4 * i, i));
console.log('20 instances', many.map((m, i) => m.instance.exports.load(4 * i)).join(','));
