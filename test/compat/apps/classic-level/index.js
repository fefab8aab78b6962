// classic-level (native LevelDB): puts, batches, ordered iterators with ranges, snapshots
// across reopen (LevelDB's LOCK file uses fcntl locks, its log and tables use mmap/pread).
const fs = require('fs');
const os = require('os');
const path = require('path');
const { ClassicLevel } = require('classic-level');
(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lvl-'));
  let db = new ClassicLevel(dir, { valueEncoding: 'json' });
  await db.put('a', { n: 1 });
  await db.batch(Array.from({ length: 500 }, (_, i) => ({ type: 'put', key: `k${String(i).padStart(4, '0')}`, value: { i } })));
  await db.del('k0003');
  console.log('get', await db.get('a'));
  const range = [];
  for await (const [k, v] of db.iterator({ gte: 'k0001', lt: 'k0006' })) range.push(`${k}=${v.i}`);
  console.log('range', range.join(' '));
  const rev = await db.keys({ reverse: true, limit: 3 }).all();
  console.log('reverse', rev.join(' '));
  try { await db.get('missing'); console.log('missing', 'undefined'); } catch (e) { console.log('missing', e.code); }
  const locked = new ClassicLevel(dir);
  try { await locked.open(); console.log('second open ok'); } catch (e) { console.log('second open', e.code); }
  await db.close();
  db = new ClassicLevel(dir, { valueEncoding: 'json' });
  let count = 0;
  for await (const _ of db.keys()) count++;
  console.log('after reopen', count);
  await db.close();
  fs.rmSync(dir, { recursive: true });
})();
