/* devfs: the device drivers that need no hardware (null, zero, full,
 * random, urandom, tty) and the tree under /dev. Driver lookup is by device
 * number, so a node copied from the image works too. */
#include "fs/devfs.h"
#include "fs/console.h"
#include "fs/tmpfs.h"
#include "fs/vfs.h"
#include "core/random.h"
#include "lib/string.h"
#include "lib/errno.h"

static long null_read(struct file *f, void *buf, size_t n) { return 0; }
static long null_pread(struct file *f, void *buf, size_t n, uint64_t off) { return 0; }
static long sink_write(struct file *f, const void *buf, size_t n) { return (long)n; }
static long sink_pwrite(struct file *f, const void *buf, size_t n, uint64_t off) { return (long)n; }
static long zero_read(struct file *f, void *buf, size_t n)
{
	memset(buf, 0, n);
	return (long)n;
}
static long zero_pread(struct file *f, void *buf, size_t n, uint64_t off) { return zero_read(f, buf, n); }
static long full_write(struct file *f, const void *buf, size_t n) { return -ENOSPC; }
static long full_pwrite(struct file *f, const void *buf, size_t n, uint64_t off) { return -ENOSPC; }
static long rand_read(struct file *f, void *buf, size_t n)
{
	random_bytes(buf, n);
	return (long)n;
}
static long rand_write(struct file *f, const void *buf, size_t n)
{
	random_mix(buf, n);
	return (long)n;
}
static long rand_pread(struct file *f, void *buf, size_t n, uint64_t off) { return rand_read(f, buf, n); }
static long rand_pwrite(struct file *f, const void *buf, size_t n, uint64_t off) { return rand_write(f, buf, n); }
/* null/zero/full/random accept any seek and stay at 0 (memory_lseek-like). */
static long zero_lseek(struct file *f, int64_t off, int whence)
{
	f->pos = 0;
	return 0;
}
static uint32_t always_ready(struct file *f) { return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM; }
/* /dev/tty: we have no controlling terminal (tty(4): ENXIO). */
static int tty_open(struct inode *ino, struct file *f) { return -ENXIO; }

static const struct file_ops null_ops = {
	.read = null_read, .write = sink_write, .pread = null_pread, .pwrite = sink_pwrite,
	.lseek = zero_lseek, .poll = always_ready,
};
static const struct file_ops zero_ops = {
	.read = zero_read, .write = sink_write, .pread = zero_pread, .pwrite = sink_pwrite,
	.lseek = zero_lseek, .poll = always_ready,
};
static const struct file_ops full_ops = {
	.read = zero_read, .write = full_write, .pread = zero_pread, .pwrite = full_pwrite,
	.lseek = zero_lseek, .poll = always_ready,
};
static const struct file_ops random_ops = {
	.read = rand_read, .write = rand_write, .pread = rand_pread, .pwrite = rand_pwrite,
	.lseek = zero_lseek, .poll = always_ready,
};
static const struct file_ops tty_ops = { .open = tty_open };

struct devnode { const char *name; uint32_t major, minor, mode; const struct file_ops *ops; };

static const struct devnode devices[] = {
	{ "null", 1, 3, 0666, &null_ops },
	{ "zero", 1, 5, 0666, &zero_ops },
	{ "full", 1, 7, 0666, &full_ops },
	{ "random", 1, 8, 0666, &random_ops },
	{ "urandom", 1, 9, 0666, &random_ops },
	{ "tty", 5, 0, 0666, &tty_ops },
	{ "console", 5, 1, 0600, &console_out_ops },
	{ "ttyS0", 4, 64, 0660, &console_out_ops },
	{ "ttyS1", 4, 65, 0660, &console_err_ops },
};

const struct file_ops *devfs_driver(uint64_t rdev)
{
	for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++)
		if (DEV_MAKE(devices[i].major, devices[i].minor) == rdev)
			return devices[i].ops;
	return NULL;
}

struct super *devfs_new(void)
{
	struct super *sb = tmpfs_new("devtmpfs", 0, 0755);
	if (!sb)
		return NULL;
	sb->source = "devtmpfs";
	struct inode *root = sb->root, *ino;
	for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++) {
		const struct devnode *d = &devices[i];
		if (vfs_mknod_in(root, d->name, strlen(d->name), S_IFCHR | d->mode, &ino))
			return NULL;
		ino->rdev = DEV_MAKE(d->major, d->minor);
		ino->fops = d->ops;
	}
	static const char *const links[][2] = {
		{ "stdin", "/proc/self/fd/0" }, { "stdout", "/proc/self/fd/1" },
		{ "stderr", "/proc/self/fd/2" }, { "fd", "/proc/self/fd" },
	};
	for (size_t i = 0; i < 4; i++)
		if (vfs_symlink_in(root, links[i][0], strlen(links[i][0]), links[i][1], &ino))
			return NULL;
	if (vfs_mkdir_in(root, "shm", 3, 01777, &ino))
		return NULL;
	return sb;
}
