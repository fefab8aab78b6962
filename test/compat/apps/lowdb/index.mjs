// lowdb: a JSON file database on /tmp (steno's atomic writes: temp file + rename).
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JSONFilePreset } from 'lowdb/node';
const dir = mkdtempSync(join(tmpdir(), 'lowdb-'));
const file = join(dir, 'db.json');
const db = await JSONFilePreset(file, { posts: [], meta: { v: 1 } });
await Promise.all([1, 2, 3, 4, 5].map((i) => db.update(({ posts }) => posts.push({ id: i, title: `post ${i}` }))));
db.data.meta.v = 2;
await db.write();
const again = await JSONFilePreset(file, {});
console.log(again.data.posts.length, again.data.meta, again.data.posts.map((p) => p.id).join(','));
console.log(JSON.parse(readFileSync(file, 'utf8')).posts[4]);
console.log(readdirSync(dir).join(','));
rmSync(dir, { recursive: true });
