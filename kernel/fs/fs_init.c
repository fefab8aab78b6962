/* fs_init: builds the name space at boot. The root is the initrd's tree
 * (tarfs) made writable in memory (tmpfs data layer): Linux would call this
 * an overlay, so statfs and /proc/mounts say "overlay". Then /proc, /dev,
 * /dev/shm and /tmp, the cwd, and fds 0-2 on the serial ports. */
#include "fs/fs.h"
#include "fs/vfs.h"
#include "fs/namei.h"
#include "fs/tarfs.h"
#include "fs/tmpfs.h"
#include "fs/devfs.h"
#include "fs/procfs.h"
#include "fs/sysfs.h"
#include "fs/console.h"
#include "fs/fdtable.h"
#include "core/initrd.h"
#include "core/log.h"
#include "core/panic.h"
#include "lib/cmdline.h"
#include "lib/string.h"
#include "lib/errno.h"

/* The directory at absolute path (made 0755 where missing). Caller holds vfs_lock. */
static int ensure_dir(const char *path, uint32_t mode, struct inode **out)
{
	struct nameidata nd;
	int err = path_walk(vfs_root, path, LOOKUP_FOLLOW, &nd);
	if (err == -ENOENT) {
		err = path_walk(vfs_root, path, LOOKUP_PARENT, &nd);
		if (err)
			return err;
		if (nd.inode)
			return -EEXIST;
		return vfs_mkdir_in(nd.dir, nd.last, strlen(nd.last), mode, out);
	}
	if (err)
		return err;
	if (!S_ISDIR(nd.inode->mode))
		return -ENOTDIR;
	*out = nd.inode;
	return 0;
}

static int mount_at(const char *path, uint32_t mode, struct super *sb)
{
	struct inode *dir;
	if (!sb)
		return -ENOMEM;
	int err = ensure_dir(path, mode, &dir);
	return err ? err : vfs_mount(dir, sb);
}

int fs_mount_tmpfs(const char *path, uint64_t size_max)
{
	mutex_lock(&vfs_lock);
	int err = mount_at(path, 01777, tmpfs_new("tmpfs", size_max, 01777));
	mutex_unlock(&vfs_lock);
	return err;
}

static void open_console_fd(int want, const char *path, int flags)
{
	struct file *f;
	int err = vfs_openat(AT_FDCWD, path, flags, 0, &f);
	if (err)
		panic("fs: cannot open %s for fd %d: %d", path, want, err);
	int fd = fdtable_install(f, want, false);
	if (fd != want)
		panic("fs: console fd %d became %d", want, fd);
}

void fs_init(void)
{
	mutex_init(&vfs_lock);
	struct super *root = tmpfs_new("overlay", 0, 0755);
	if (!root)
		panic("fs: no memory for the root");
	root->source = "overlay";
	root->magic = OVERLAYFS_MAGIC;
	vfs_root = root->root;
	vfs_mounts = root;
	vfs_cwd = vfs_inode_get(vfs_root);
	if (initrd_base) {
		struct tarfs_stats st;
		int err = tarfs_populate(root, initrd_base, initrd_size, &st);
		krecord("fs root files=%lu dirs=%lu symlinks=%lu hardlinks=%lu skipped=%lu err=%d", st.files, st.dirs,
			st.symlinks, st.hardlinks, st.skipped, err);
	}
	mutex_lock(&vfs_lock);
	int err = mount_at("/proc", 0555, procfs_new());
	if (!err)
		err = mount_at("/sys", 0555, sysfs_new());
	if (!err)
		err = mount_at("/dev", 0755, devfs_new());
	if (!err)
		err = mount_at("/dev/shm", 01777, tmpfs_new("tmpfs", 0, 01777));
	mutex_unlock(&vfs_lock);
	if (!err)
		err = fs_mount_tmpfs("/tmp", 0);
	if (err)
		panic("fs: mounting the base file systems failed: %d", err);
	console_init(cmdline_get(&kernel_cmdline, "unipack.stdin"), 1);
	open_console_fd(0, "/dev/ttyS0", O_RDONLY);
	open_console_fd(1, "/dev/ttyS0", O_WRONLY);
	open_console_fd(2, "/dev/ttyS1", O_WRONLY);
}
