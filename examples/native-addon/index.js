// better-sqlite3 (a C++ addon compiled from source by node-gyp at install time): creates a
// database in /tmp, a table, inserts rows in a transaction and queries them. The output is
// deterministic, so the unikernel's must equal the host's.
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const file = join(tmpdir(), `native-addon-${process.pid}.db`);
rmSync(file, { force: true });
const db = new Database(file);
db.pragma('journal_mode = WAL');
console.log(`sqlite ${db.prepare('select sqlite_version() as v').get().v}`);

db.exec('create table planets (id integer primary key, name text not null, moons integer not null)');
const insert = db.prepare('insert into planets (name, moons) values (?, ?)');
const insertAll = db.transaction((rows) => {
  for (const [name, moons] of rows) insert.run(name, moons);
});
insertAll([
  ['Mercury', 0],
  ['Venus', 0],
  ['Earth', 1],
  ['Mars', 2],
  ['Jupiter', 95],
  ['Saturn', 146],
]);

for (const row of db.prepare('select id, name, moons from planets where moons > ? order by moons desc').all(0)) {
  console.log(`${row.id} ${row.name} ${row.moons}`);
}
const { n, total } = db.prepare('select count(*) as n, sum(moons) as total from planets').get();
console.log(`rows=${n} moons=${total}`);
db.close();

// reopen: the data was really written to the file
const again = new Database(file, { readonly: true });
console.log(`reopened: ${again.prepare('select name from planets where id = 3').pluck().get()}`);
again.close();
rmSync(file, { force: true });
rmSync(`${file}-wal`, { force: true });
rmSync(`${file}-shm`, { force: true });
console.log('done');
