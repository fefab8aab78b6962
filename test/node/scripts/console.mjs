// console and process.exitCode: formatting of every kind of value, stdout vs stderr.
import { inspect } from 'node:util';
console.log('hello', 42, true, null, undefined, 1.5e300, -0, 10n);
console.log({ a: 1, b: [1, 2, { c: 'x' }], d: new Map([[1, 2]]), e: new Set(['s']) });
console.log('%s is %d years and %i, %f, %j %o', 'bob', 42.5, 42.5, 1.25, { j: 1 }, [1]);
console.log(inspect('x'.repeat(200)).length, inspect({ deep: { deeper: { deepest: { gone: 1 } } } }));
console.log(new Error('boom').message, typeof Symbol('s'), [1, 2, 3].map((x) => x * 2));
console.log(Buffer.from('héllo €').toString('hex'), Buffer.byteLength('héllo €'));
console.log('unicode: 日本語 🎉 ñ', 'tab\there');
console.table([{ a: 1, b: 2 }, { a: 3, b: 4 }]);
console.error('to stderr');
process.stdout.write('no newline');
process.stdout.write('\n');
process.exitCode = 3;
