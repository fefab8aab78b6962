// bcrypt (native, prebuilt N-API binary): async hashing on the thread pool, sync compare.
const bcrypt = require('bcrypt');
(async () => {
  const salt = '$2b$10$abcdefghijklmnopqrstuu';
  const h = await bcrypt.hash('correct horse', salt);
  console.log('hash', h);
  console.log('compare ok', await bcrypt.compare('correct horse', h));
  console.log('compare bad', bcrypt.compareSync('wrong', h));
  const random = await bcrypt.hash('pw', 8);
  console.log('random salt', random.length, random.slice(0, 7), bcrypt.getRounds(random));
  const all = await Promise.all([1, 2, 3, 4].map((i) => bcrypt.hash(`p${i}`, 4)));
  console.log('parallel', (await Promise.all(all.map((x, i) => bcrypt.compare(`p${i + 1}`, x)))).join(','));
})();
