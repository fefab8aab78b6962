// Promises and async functions; an unhandled rejection ends the process with status 1.
const wait = (ms, v) => new Promise((r) => setTimeout(() => r(v), ms));
console.log(await Promise.all([wait(10, 'a'), wait(5, 'b'), 'c']));
console.log(await Promise.race([wait(30, 'slow'), wait(5, 'fast')]));
console.log(JSON.stringify(await Promise.allSettled([Promise.reject(new Error('no')), wait(1, 'yes')]).then((r) => r.map((x) => x.status))));
console.log(await Promise.any([Promise.reject(1), wait(2, 'any')]));
async function* gen() { for (let i = 0; i < 3; i++) { await wait(1); yield i; } }
const got = [];
for await (const v of gen()) got.push(v);
console.log(got);
try { await Promise.reject(new TypeError('typed')); } catch (e) { console.log(e.name, e.message); }
const { promise, resolve } = Promise.withResolvers ? Promise.withResolvers() : (() => { let resolve; const promise = new Promise((r) => (resolve = r)); return { promise, resolve }; })();
setTimeout(() => resolve('resolved later'), 5);
console.log(await promise);
console.log('about to reject');
Promise.reject(new Error('unhandled on purpose'));
