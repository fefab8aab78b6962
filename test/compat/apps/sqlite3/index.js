// sqlite3 (native, async API on libuv's thread pool): serialize, parameters, each, WAL, errors.
const fs = require('fs');
const os = require('os');
const path = require('path');
const sqlite3 = require('sqlite3');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sq3-'));
const db = new sqlite3.Database(path.join(dir, 'app.db'));
db.serialize(() => {
  db.get('PRAGMA journal_mode = WAL', (e, r) => console.log('journal', r.journal_mode));
  db.run('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)');
  const st = db.prepare('INSERT INTO t VALUES (?, ?)');
  for (let i = 0; i < 200; i++) st.run(`k${i}`, i * i);
  st.finalize();
  db.get('SELECT count(*) AS c, sum(v) AS s FROM t', (e, r) => console.log('agg', r));
  const keys = [];
  db.each('SELECT k FROM t WHERE v % 50 = 0 ORDER BY v', (e, r) => keys.push(r.k), () => console.log('each', keys.join(',')));
  db.run('INSERT INTO t VALUES (?, ?)', ['k1', 0], (e) => console.log('dup', e && e.code));
  db.all('SELECT sqlite_version() IS NOT NULL AS ok', (e, r) => console.log('version', r[0].ok));
});
db.close((e) => { console.log('closed', e ?? null); fs.rmSync(dir, { recursive: true }); });
