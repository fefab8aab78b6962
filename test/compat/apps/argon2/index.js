// argon2 (native, prebuilt): argon2id/argon2i with explicit salts, verify, needsRehash.
const argon2 = require('argon2');
(async () => {
  const salt = Buffer.from('0123456789abcdef');
  const id = await argon2.hash('password', { type: argon2.argon2id, salt, memoryCost: 4096, timeCost: 3, parallelism: 1 });
  console.log(id);
  const i = await argon2.hash('password', { type: argon2.argon2i, salt, memoryCost: 8192, timeCost: 2, parallelism: 2, raw: true });
  console.log('raw', i.toString('hex'));
  console.log('verify', await argon2.verify(id, 'password'), await argon2.verify(id, 'nope'));
  console.log('needsRehash', argon2.needsRehash(id, { memoryCost: 65536 }));
  const r = await argon2.hash('x');
  console.log('default', r.split('$').slice(0, 4).join('$'));
})();
