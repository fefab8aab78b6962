/* Directories and names: getdents64, mkdir(at), rmdir, unlink(at),
 * rename(at/at2), link(at), symlink(at), readlink(at). Paths are copied in
 * here; the rules live in kernel/fs/namei.c. */
#include "compat/sys/fs_args.h"
#include "fs/namei.h"

long sys_getdents64(int fd, void *dirp, unsigned count)
{
	struct file *f = file_for_io(fd);
	if (!f)
		return -EBADF;
	long r;
	if (!f->ops->getdents) {
		r = -ENOTDIR;
		goto out;
	}
	size_t n = count < IO_CHUNK ? count : IO_CHUNK;
	void *kbuf = kmalloc(n ? n : 1);
	if (!kbuf) {
		r = -ENOMEM;
		goto out;
	}
	if (!user_range_ok((uint64_t)dirp, count)) {
		kfree(kbuf);
		r = -EFAULT;
		goto out;
	}
	uint64_t pos = f->pos;
	r = f->ops->getdents(f, kbuf, n);
	if (r > 0 && copy_to_user(dirp, kbuf, (size_t)r)) {
		f->pos = pos;
		r = -EFAULT;
	}
	kfree(kbuf);
out:
	file_put(f);
	return r;
}

long sys_mkdirat(int dirfd, const char *upath, uint32_t mode)
{
	char *path;
	long err = path_from_user(upath, &path);
	if (err)
		return err;
	err = vfs_mkdirat(dirfd, path, mode);
	kfree(path);
	return err;
}
long sys_mkdir(const char *path, uint32_t mode) { return sys_mkdirat(AT_FDCWD, path, mode); }

long sys_unlinkat(int dirfd, const char *upath, int flags)
{
	char *path;
	long err = path_from_user(upath, &path);
	if (err)
		return err;
	err = vfs_unlinkat(dirfd, path, flags);
	kfree(path);
	return err;
}
long sys_unlink(const char *path) { return sys_unlinkat(AT_FDCWD, path, 0); }
long sys_rmdir(const char *path) { return sys_unlinkat(AT_FDCWD, path, AT_REMOVEDIR); }

/* Copies two user paths; on failure nothing is left allocated. */
static long two_paths(const char *u1, const char *u2, char **p1, char **p2)
{
	long err = path_from_user(u1, p1);
	if (err)
		return err;
	err = path_from_user(u2, p2);
	if (err) {
		kfree(*p1);
		return err;
	}
	return 0;
}

long sys_renameat2(int olddirfd, const char *uold, int newdirfd, const char *unew, unsigned flags)
{
	char *o, *n;
	long err = two_paths(uold, unew, &o, &n);
	if (err)
		return err;
	err = vfs_renameat2(olddirfd, o, newdirfd, n, flags);
	kfree(o);
	kfree(n);
	return err;
}
long sys_renameat(int olddirfd, const char *o, int newdirfd, const char *n) { return sys_renameat2(olddirfd, o, newdirfd, n, 0); }
long sys_rename(const char *o, const char *n) { return sys_renameat2(AT_FDCWD, o, AT_FDCWD, n, 0); }

long sys_linkat(int olddirfd, const char *uold, int newdirfd, const char *unew, int flags)
{
	char *o, *n;
	long err = two_paths(uold, unew, &o, &n);
	if (err)
		return err;
	err = vfs_linkat(olddirfd, o, newdirfd, n, flags);
	kfree(o);
	kfree(n);
	return err;
}
long sys_link(const char *o, const char *n) { return sys_linkat(AT_FDCWD, o, AT_FDCWD, n, 0); }

long sys_symlinkat(const char *utarget, int dirfd, const char *upath)
{
	char *t, *p;
	long err = two_paths(utarget, upath, &t, &p);
	if (err)
		return err;
	err = vfs_symlinkat(t, dirfd, p);
	kfree(t);
	kfree(p);
	return err;
}
long sys_symlink(const char *t, const char *p) { return sys_symlinkat(t, AT_FDCWD, p); }

long sys_readlinkat(int dirfd, const char *upath, char *ubuf, int bufsiz)
{
	if (bufsiz <= 0)
		return -EINVAL;
	char *path;
	long err = path_from_user(upath, &path);
	if (err)
		return err;
	size_t n = (size_t)bufsiz < PATH_MAX ? (size_t)bufsiz : PATH_MAX;
	char *kbuf = kmalloc(n);
	if (!kbuf) {
		kfree(path);
		return -ENOMEM;
	}
	err = vfs_readlinkat(dirfd, path, kbuf, n);
	if (err > 0 && copy_to_user(ubuf, kbuf, (size_t)err))
		err = -EFAULT;
	kfree(kbuf);
	kfree(path);
	return err;
}
long sys_readlink(const char *path, char *buf, int bufsiz) { return sys_readlinkat(AT_FDCWD, path, buf, bufsiz); }
