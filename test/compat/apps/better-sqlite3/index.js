// better-sqlite3 (native): a file database in WAL mode (mmap'd shared-memory index),
// transactions, prepared statements, user functions, aggregates, iteration, backup.
const fs = require('fs');
const os = require('os');
const path = require('path');
const Database = require('better-sqlite3');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsq-'));
const db = new Database(path.join(dir, 'app.db'));
console.log('journal', db.pragma('journal_mode = WAL', { simple: true }));
db.exec('CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL)');
const insert = db.prepare('INSERT INTO items (name, price) VALUES (?, ?)');
const many = db.transaction((rows) => { for (const r of rows) insert.run(r.name, r.price); return rows.length; });
console.log('inserted', many(Array.from({ length: 1000 }, (_, i) => ({ name: `item${i}`, price: i * 1.5 }))));
db.function('shout', (s) => String(s).toUpperCase());
console.log(db.prepare('SELECT shout(name) AS n, price FROM items WHERE id IN (1, 500, 1000) ORDER BY id').all());
console.log(db.prepare('SELECT count(*) AS c, sum(price) AS s, max(name) AS m FROM items').get());
let n = 0;
for (const row of db.prepare('SELECT id FROM items WHERE price > ?').iterate(1400)) n += row.id;
console.log('iterated', n);
try { db.prepare('INSERT INTO items (name) VALUES (NULL)').run(); } catch (e) { console.log('constraint', e.code); }
db.backup(path.join(dir, 'copy.db')).then((p) => {
  const copy = new Database(path.join(dir, 'copy.db'), { readonly: true });
  console.log('backup pages', p.totalPages > 0, copy.prepare('SELECT count(*) AS c FROM items').get().c);
  copy.close();
  db.close();
  console.log('files', fs.readdirSync(dir).sort().join(','));
  fs.rmSync(dir, { recursive: true });
});
