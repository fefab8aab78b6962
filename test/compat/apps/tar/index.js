// tar (node-tar): create a gzipped archive of a tree on /tmp, list it, extract elsewhere.
const tar = require('tar');
const fs = require('fs');
const os = require('os');
const path = require('path');
(async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tar-'));
  const src = path.join(root, 'src');
  fs.mkdirSync(path.join(src, 'dir/sub'), { recursive: true });
  fs.writeFileSync(path.join(src, 'dir/a.txt'), 'A'.repeat(1000));
  fs.writeFileSync(path.join(src, 'dir/sub/b.bin'), Buffer.alloc(70000, 7));
  fs.symlinkSync('a.txt', path.join(src, 'dir/link'));
  fs.chmodSync(path.join(src, 'dir/a.txt'), 0o640);
  await tar.c({ gzip: true, file: path.join(root, 'out.tgz'), cwd: src, portable: true }, ['dir']);
  const listed = [];
  await tar.t({ file: path.join(root, 'out.tgz'), onentry: (e) => listed.push(`${e.path} ${e.type} ${e.size}`) });
  console.log(listed.sort().join('\n'));
  fs.mkdirSync(path.join(root, 'x'));
  await tar.x({ file: path.join(root, 'out.tgz'), cwd: path.join(root, 'x') });
  const st = fs.statSync(path.join(root, 'x/dir/a.txt'));
  console.log('extracted', (st.mode & 0o777).toString(8), fs.readlinkSync(path.join(root, 'x/dir/link')), fs.readFileSync(path.join(root, 'x/dir/sub/b.bin')).length);
  fs.rmSync(root, { recursive: true });
})();
