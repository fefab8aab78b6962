// fs-extra (over graceful-fs): ensureDir, copy trees with symlinks, move across directories,
// JSON files, emptyDir, remove; timestamps preserved; readdir order sorted for comparison.
const fse = require('fs-extra');
const os = require('os');
const path = require('path');
(async () => {
  const root = await fse.mkdtemp(path.join(os.tmpdir(), 'fse-'));
  const src = path.join(root, 'src');
  await fse.outputFile(path.join(src, 'a/b/c.txt'), 'deep');
  await fse.outputJson(path.join(src, 'conf.json'), { x: 1 }, { spaces: 2 });
  await fse.ensureSymlink(path.join(src, 'a/b/c.txt'), path.join(src, 'link.txt'));
  await fse.utimes(path.join(src, 'conf.json'), new Date(1e12), new Date(1e12));
  await fse.copy(src, path.join(root, 'copy'), { preserveTimestamps: true, dereference: false });
  const walk = async (d) => (await fse.readdir(d)).sort().flatMap ? (await Promise.all((await fse.readdir(d)).sort().map(async (n) => {
    const p = path.join(d, n); const st = await fse.lstat(p);
    return st.isDirectory() ? [n + '/', ...(await walk(p)).map((x) => `${n}/${x}`)] : [st.isSymbolicLink() ? `${n} -> ${path.relative(d, await fse.readlink(p))}` : n];
  }))).flat() : [];
  console.log((await walk(path.join(root, 'copy'))).join(' '));
  console.log('mtime', (await fse.stat(path.join(root, 'copy/conf.json'))).mtime.toISOString());
  await fse.move(path.join(root, 'copy/a'), path.join(root, 'moved/a'));
  console.log('moved', await fse.pathExists(path.join(root, 'moved/a/b/c.txt')), await fse.pathExists(path.join(root, 'copy/a')));
  console.log('json', await fse.readJson(path.join(root, 'copy/conf.json')));
  await fse.emptyDir(path.join(root, 'copy'));
  console.log('emptied', (await fse.readdir(path.join(root, 'copy'))).length);
  await fse.remove(root);
  console.log('removed', await fse.pathExists(root));
})();
