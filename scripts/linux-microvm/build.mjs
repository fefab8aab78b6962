// The Linux microVM baseline of the benchmarks (issue 7): Debian's cloud kernel and an
// initramfs holding exactly the files of a unipack image (same node binary, libraries, app,
// /etc) plus our tiny init (init.c) and the virtio modules. Nothing is installed on the host:
// the kernel package is fetched with `apt-get download` into the cache and unpacked there.
//
//   node scripts/linux-microvm/build.mjs <image.tar> [--gzip]   → prints the paths as JSON
//
// Cache: $UNIPACK_CACHE_DIR or ~/.cache/unipack, under linux-microvm/ (kernel-<version>/ with
// vmlinuz and the modules; initramfs/<hash>.cpio[.gz] keyed by image, init and kernel).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync, copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync,
  readFileSync, readlinkSync, renameSync, rmSync, statSync, writeFileSync, writeSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar';

const here = dirname(fileURLToPath(import.meta.url));
const META_PACKAGE = 'linux-image-cloud-amd64';
/** The virtio-mmio NIC stack; init.c retries in passes, so the order only saves retries. */
const MODULES = [
  'kernel/drivers/virtio/virtio.ko',
  'kernel/drivers/virtio/virtio_ring.ko',
  'kernel/drivers/virtio/virtio_mmio.ko',
  'kernel/net/core/failover.ko',
  'kernel/drivers/net/net_failover.ko',
  'kernel/drivers/net/virtio_net.ko',
];
const MODULE_DIR = '/linux-microvm/modules';

export function cacheDir() {
  return join(process.env.UNIPACK_CACHE_DIR || join(homedir(), '.cache', 'unipack'), 'linux-microvm');
}

/**
 * The cloud kernel: vmlinuz (a bzImage, what QEMU -kernel takes) and the module files, from the
 * package the meta-package currently depends on; downloaded and unpacked once.
 */
export function ensureKernel({ dir = cacheDir(), log = () => {} } = {}) {
  mkdirSync(dir, { recursive: true });
  const have = readdirSync(dir).filter((n) => n.startsWith('kernel-') && existsSync(join(dir, n, 'vmlinuz')));
  if (have.length) return kernelIn(join(dir, have.sort().at(-1)));
  const deps = execFileSync('apt-cache', ['depends', META_PACKAGE], { encoding: 'utf8' });
  const pkg = /Depends: (linux-image-[\w.+-]+-cloud-amd64)\b/.exec(deps)?.[1];
  if (!pkg) throw new Error(`linux-microvm: cannot tell which kernel ${META_PACKAGE} depends on:\n${deps}`);
  const version = pkg.replace(/^linux-image-/, '');
  log(`linux-microvm: apt-get download ${pkg}`);
  const work = mkdtempSync(join(dir, 'tmp-'));
  try {
    execFileSync('apt-get', ['download', pkg], { cwd: work, stdio: ['ignore', 'ignore', 'pipe'] });
    const deb = readdirSync(work).find((n) => n.endsWith('.deb'));
    execFileSync('dpkg-deb', ['-x', join(work, deb), join(work, 'x')]);
    const out = join(work, `kernel-${version}`);
    mkdirSync(join(out, 'modules'), { recursive: true });
    copyFileSync(join(work, 'x', 'boot', `vmlinuz-${version}`), join(out, 'vmlinuz'));
    copyFileSync(join(work, 'x', 'boot', `config-${version}`), join(out, 'config'));
    for (const m of MODULES) copyFileSync(join(work, 'x', 'lib', 'modules', version, m), join(out, 'modules', basename(m)));
    writeFileSync(join(out, 'package'), `${deb}\n`);
    renameSync(out, join(dir, `kernel-${version}`));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return kernelIn(join(dir, `kernel-${version}`));
}

function kernelIn(d) {
  return {
    version: basename(d).slice('kernel-'.length),
    vmlinuz: join(d, 'vmlinuz'),
    modules: MODULES.map((m) => join(d, 'modules', basename(m))),
    package: existsSync(join(d, 'package')) ? readFileSync(join(d, 'package'), 'utf8').trim() : undefined,
  };
}

/** The host's TSC rate (kHz): Linux cannot calibrate it on microvm under TCG. Cached per boot of the host. */
export function hostTscKhz({ dir = cacheDir() } = {}) {
  const bin = join(dir, 'tsc-khz');
  if (!existsSync(bin)) {
    mkdirSync(dir, { recursive: true });
    execFileSync('gcc', ['-O2', '-o', bin, join(here, 'tsc-khz.c')]);
  }
  return Number(execFileSync(bin, { encoding: 'utf8' }).trim());
}

/** Our PID 1, static so the initramfs needs no loader for it. */
function buildInit(dir) {
  const src = readFileSync(join(here, 'init.c'));
  const bin = join(dir, `init-${createHash('sha256').update(src).digest('hex').slice(0, 16)}`);
  if (!existsSync(bin)) execFileSync('gcc', ['-static', '-Os', '-Wall', '-o', bin, join(here, 'init.c')]);
  return bin;
}

/** Keeps the `keep` most recently written initramfs files (each is ~100 MiB). */
function prune(d, keep) {
  const files = readdirSync(d)
    .map((n) => ({ n, t: statSync(join(d, n)).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  for (const f of files.slice(keep)) rmSync(join(d, f.n), { force: true });
}

/** newc cpio writer: what the kernel's initramfs unpacker reads (init/initramfs.c). */
class Cpio {
  constructor(fd) {
    this.fd = fd;
    this.ino = 1;
    this.bytes = 0;
  }
  write(b) {
    writeSync(this.fd, b);
    this.bytes += b.length;
  }
  pad() {
    const n = (4 - (this.bytes % 4)) % 4;
    if (n) this.write(Buffer.alloc(n));
  }
  entry(name, mode, data = Buffer.alloc(0), rdev = [0, 0]) {
    const f = [this.ino++, mode, 0, 0, 1, 0, data.length, 0, 0, rdev[0], rdev[1], Buffer.byteLength(name) + 1, 0];
    this.write(Buffer.from(`070701${f.map((x) => x.toString(16).padStart(8, '0')).join('')}${name}\0`, 'latin1'));
    this.pad();
    this.write(data);
    this.pad();
  }
  end() {
    this.entry('TRAILER!!!', 0);
  }
}

function walk(root, rel, visit) {
  for (const n of readdirSync(join(root, rel)).sort()) {
    const r = rel ? `${rel}/${n}` : n;
    const st = lstatSync(join(root, r));
    visit(r, st);
    if (st.isDirectory()) walk(root, r, visit);
  }
}

/** init.c's ip=/mask=/gw= lines for boot.json's { address: 'a.b.c.d/len', gateway }. */
function staticNet(net) {
  const [ip, len] = net.address.split('/');
  const bits = Number(len ?? 24);
  const m = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  const mask = [24, 16, 8, 0].map((s) => (m >>> s) & 255).join('.');
  return [`ip=${ip}`, `mask=${mask}`, ...(net.gateway ? [`gw=${net.gateway}`] : [])];
}

/** /etc/linux-microvm.conf for init.c, from the image's /.unipack/boot.json. */
function initConf(boot) {
  const lines = [
    ...boot.argv.map((a) => `arg=${a}`),
    ...Object.entries(boot.env ?? {}).map(([k, v]) => `env=${k}=${v}`),
    `cwd=${boot.cwd ?? '/'}`,
    ...(boot.hostname ? [`hostname=${boot.hostname}`] : []),
    ...MODULES.map((m) => `module=${MODULE_DIR}/${basename(m)}`),
    // The image's boot.json: absent or dhcp/static → configure eth0 (QEMU user networking's
    // fixed 10.0.2.15/24 via 10.0.2.2, what its DHCP would hand out); none → no NIC, no modules.
    ...(boot.net?.mode === 'none' ? ['net=none'] : []),
    // A static address (a TAP network): the same one our kernel configures from boot.json.
    ...(boot.net?.mode === 'static' ? staticNet(boot.net) : []),
  ];
  for (const l of lines) if (l.includes('\n')) throw new Error(`linux-microvm: a newline in boot.json cannot go to init: ${JSON.stringify(l)}`);
  return `${lines.join('\n')}\n`;
}

/**
 * The initramfs for a unipack image: every file of the image, /init, the modules and init's
 * configuration; uncompressed (`.cpio`) or gzip (`.cpio.gz`). Cached by content.
 */
export async function buildInitramfs({ image, gzip = false, dir = cacheDir(), log = () => {} }) {
  const kernel = ensureKernel({ dir, log });
  const init = buildInit(dir);
  const key = createHash('sha256')
    .update(readFileSync(image))
    .update(readFileSync(init))
    .update(kernel.version)
    .update(readFileSync(fileURLToPath(import.meta.url)))
    .digest('hex')
    .slice(0, 20);
  mkdirSync(join(dir, 'initramfs'), { recursive: true });
  prune(join(dir, 'initramfs'), 8);
  const out = join(dir, 'initramfs', `${key}.cpio${gzip ? '.gz' : ''}`);
  if (existsSync(out)) return { initramfs: out, kernel };
  const plain = join(dir, 'initramfs', `${key}.cpio`);
  if (!existsSync(plain)) {
    log(`linux-microvm: initramfs from ${image}`);
    const stage = mkdtempSync(join(tmpdir(), 'linux-microvm-'));
    try {
      // preservePaths: keep absolute symlink targets (the image's ld.so link is one) as they are.
      await tar.x({ file: image, cwd: stage, preservePaths: true });
      const boot = JSON.parse(readFileSync(join(stage, '.unipack', 'boot.json'), 'utf8'));
      const tmp = `${plain}.tmp`;
      const fd = openSync(tmp, 'w');
      const c = new Cpio(fd);
      c.entry('dev', 0o40755);
      c.entry('dev/console', 0o20600, undefined, [5, 1]);
      for (const d of ['proc', 'sys', 'tmp', 'linux-microvm', 'linux-microvm/modules']) if (!existsSync(join(stage, d))) c.entry(d, 0o40755);
      walk(stage, '', (rel, st) => {
        if (rel === 'dev') return;
        if (st.isDirectory()) c.entry(rel, 0o40000 | (st.mode & 0o7777));
        else if (st.isSymbolicLink()) c.entry(rel, 0o120777, Buffer.from(readlinkSync(join(stage, rel))));
        else if (st.isFile()) c.entry(rel, 0o100000 | (st.mode & 0o7777), readFileSync(join(stage, rel)));
      });
      c.entry('init', 0o100755, readFileSync(init));
      c.entry('etc/linux-microvm.conf', 0o100644, Buffer.from(initConf(boot)));
      for (const m of kernel.modules) c.entry(`${MODULE_DIR.slice(1)}/${basename(m)}`, 0o100644, readFileSync(m));
      c.end();
      closeSync(fd);
      renameSync(tmp, plain);
    } finally {
      rmSync(stage, { recursive: true, force: true });
    }
  }
  if (gzip) {
    writeFileSync(`${out}.tmp`, gzipSync(readFileSync(plain), { level: 6 }));
    renameSync(`${out}.tmp`, out);
  }
  return { initramfs: out, kernel };
}

/**
 * The kernel command line. ACPI stays on (QEMU's microvm default): this kernel has neither
 * CONFIG_X86_MPPARSE (so with acpi=off it would find no IOAPIC) nor
 * CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES (so it would ignore QEMU's virtio_mmio.device=); with ACPI
 * it finds the transports in the DSDT (LNRO0005). rootfstype=ramfs: a tmpfs root is capped at
 * half of RAM. panic=-1 reboot=t: PID 1 dying or rebooting ends QEMU (-no-reboot) at once.
 * tsc_early_khz: microvm has no HPET, PM timer or port 0x61 to calibrate the TSC against;
 * tsc=reliable: with no other clocksource to watch it, Linux must not demote the TSC (the
 * vDSO serves clock_gettime only from the TSC; a demoted TSC made it a syscall, ~800 ns).
 */
export function linuxCmdline({ tscKhz }) {
  return ['console=ttyS0', 'quiet', 'rdinit=/init', 'rootfstype=ramfs', 'panic=-1', 'reboot=t', `tsc_early_khz=${tscKhz}`, 'tsc=reliable'].join(' ');
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const image = process.argv[2];
  if (!image) {
    console.error('usage: node scripts/linux-microvm/build.mjs <image.tar> [--gzip]');
    process.exit(2);
  }
  const r = await buildInitramfs({ image, gzip: process.argv.includes('--gzip'), log: (m) => console.error(m) });
  console.log(JSON.stringify({ vmlinuz: r.kernel.vmlinuz, initramfs: r.initramfs, kernel: r.kernel.version, tscKhz: hostTscKhz() }, null, 2));
}
