// uuid: v4 (crypto.getRandomValues), v7 (time-ordered), v5 (SHA-1), validate, parse.
const { v4, v5, v7, validate, version, parse, stringify, NIL } = require('uuid');
const a = v4();
console.log('v4', validate(a), version(a), a.length);
const ids = Array.from({ length: 1000 }, () => v4());
console.log('unique', new Set(ids).size);
const seq = Array.from({ length: 50 }, () => v7());
console.log('v7 sorted', seq.every((x, i) => i === 0 || x > seq[i - 1]), version(seq[0]));
console.log('v5', v5('unipack.example', v5.DNS));
console.log('roundtrip', stringify(parse('6ba7b810-9dad-11d1-80b4-00c04fd430c8')), NIL);
