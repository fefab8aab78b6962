/* open, openat, creat, close, close_range: the ABI shell over vfs_openat
 * and the fd table. */
#include "compat/sys/fs_args.h"
#include "fs/namei.h"

long sys_openat(int dirfd, const char *upath, int flags, uint32_t mode)
{
	char *path;
	long err = path_from_user(upath, &path);
	if (err)
		return err;
	struct file *f;
	/* 64-bit kernels force O_LARGEFILE (fs/open.c force_o_largefile), and F_GETFL shows it. */
	err = vfs_openat(dirfd, path, flags | O_LARGEFILE, mode, &f);
	kfree(path);
	if (err)
		return err;
	int fd = fdtable_install(f, 0, (flags & O_CLOEXEC) != 0);
	if (fd < 0)
		file_put(f);
	return fd;
}

long sys_open(const char *upath, int flags, uint32_t mode) { return sys_openat(AT_FDCWD, upath, flags, mode); }

long sys_creat(const char *upath, uint32_t mode)
{
	return sys_openat(AT_FDCWD, upath, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

long sys_close(int fd) { return fdtable_close(fd); }

long sys_close_range(unsigned first, unsigned last, unsigned flags)
{
	return fdtable_close_range(first, last, flags);
}
