// The file system on /tmp: sync, callback, promise and stream APIs.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
const base = fs.mkdtempSync(path.join(os.tmpdir(), 'case-'));
const p = (...x) => path.join(base, ...x);
fs.mkdirSync(p('a/b/c'), { recursive: true });
fs.writeFileSync(p('a/one.txt'), 'one\n');
fs.appendFileSync(p('a/one.txt'), 'two\n');
console.log(fs.readFileSync(p('a/one.txt'), 'utf8').split('\n'));
fs.renameSync(p('a/one.txt'), p('a/b/moved.txt'));
fs.copyFileSync(p('a/b/moved.txt'), p('a/b/c/copy.txt'));
fs.symlinkSync('../moved.txt', p('a/b/c/link'));
console.log(fs.readlinkSync(p('a/b/c/link')), fs.readFileSync(p('a/b/c/link'), 'utf8').length);
const st = fs.statSync(p('a/b/c/copy.txt'));
console.log(st.size, (st.mode & 0o777).toString(8), st.isFile(), st.isDirectory(), fs.lstatSync(p('a/b/c/link')).isSymbolicLink());
fs.chmodSync(p('a/b/c/copy.txt'), 0o600);
console.log((fs.statSync(p('a/b/c/copy.txt')).mode & 0o777).toString(8));
console.log(fs.readdirSync(p('a/b'), { withFileTypes: true }).map((d) => `${d.name}:${d.isDirectory()}`).sort());
console.log(fs.readdirSync(base, { recursive: true }).sort());
try { fs.readFileSync(p('nope')); } catch (e) { console.log(e.code, e.syscall); }
try { fs.mkdirSync(p('a')); } catch (e) { console.log(e.code); }
try { fs.rmdirSync(p('a')); } catch (e) { console.log(e.code); }
const big = Buffer.alloc(1 << 20, 7);
await fsp.writeFile(p('big.bin'), big);
const fh = await fsp.open(p('big.bin'), 'r+');
const { bytesRead } = await fh.read(Buffer.alloc(10), 0, 10, (1 << 20) - 5);
await fh.truncate(1000);
await fh.close();
console.log(bytesRead, (await fsp.stat(p('big.bin'))).size);
await pipeline(fs.createReadStream(p('a/b/moved.txt')), fs.createWriteStream(p('streamed.txt')));
console.log(fs.readFileSync(p('streamed.txt'), 'utf8').length, fs.existsSync(p('streamed.txt')));
fs.utimesSync(p('streamed.txt'), 1000, 2000);
console.log(fs.statSync(p('streamed.txt')).mtimeMs, fs.statSync(p('streamed.txt')).atimeMs);
fs.rmSync(base, { recursive: true });
console.log(fs.existsSync(base));
