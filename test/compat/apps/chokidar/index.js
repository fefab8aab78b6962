// chokidar (fs.watch → inotify): watches a directory on /tmp for add, change and unlink.
const chokidar = require('chokidar');
const fs = require('fs');
const os = require('os');
const path = require('path');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chok-'));
const events = [];
const w = chokidar.watch(dir, { ignoreInitial: true, awaitWriteFinish: false });
w.on('all', (ev, p) => events.push(`${ev} ${path.relative(dir, p)}`));
w.on('ready', async () => {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  fs.writeFileSync(path.join(dir, 'a.txt'), 'one');
  await sleep(300);
  fs.appendFileSync(path.join(dir, 'a.txt'), 'two');
  await sleep(300);
  fs.mkdirSync(path.join(dir, 'sub'));
  await sleep(300);
  fs.unlinkSync(path.join(dir, 'a.txt'));
  await sleep(300);
  await w.close();
  console.log([...new Set(events)].join('\n'));
  fs.rmSync(dir, { recursive: true });
});
