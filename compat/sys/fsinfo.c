/* Places and file systems: getcwd, chdir, fchdir, umask, statfs, fstatfs,
 * sync, syncfs, fsync, fdatasync. Nothing persists, so the syncs only
 * validate their fd. */
#include "compat/sys/fs_args.h"
#include "fs/namei.h"
#include "lib/string.h"

struct statfs_k {
	int64_t f_type, f_bsize;
	uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	int32_t f_fsid[2];
	int64_t f_namelen, f_frsize, f_flags, f_spare[4];
};
_Static_assert(sizeof(struct statfs_k) == 120, "struct statfs");
_Static_assert(__builtin_offsetof(struct statfs_k, f_fsid) == 56, "f_fsid");
_Static_assert(__builtin_offsetof(struct statfs_k, f_namelen) == 64, "f_namelen");
_Static_assert(__builtin_offsetof(struct statfs_k, f_flags) == 80, "f_flags");

long sys_getcwd(char *ubuf, size_t size)
{
	size_t n = size < PATH_MAX ? size : PATH_MAX;
	char *k = kmalloc(n ? n : 1);
	if (!k)
		return -ENOMEM;
	long r = vfs_getcwd(k, n);
	if (r > 0 && copy_to_user(ubuf, k, (size_t)r))
		r = -EFAULT;
	kfree(k);
	return r;
}

long sys_chdir(const char *upath)
{
	char *path;
	long err = path_from_user(upath, &path);
	if (err)
		return err;
	err = vfs_chdir(AT_FDCWD, path);
	kfree(path);
	return err;
}

long sys_fchdir(int fd)
{
	struct file *f = fdtable_get(fd);
	if (!f)
		return -EBADF;
	file_put(f);
	return vfs_chdir(fd, "");
}

long sys_umask(uint32_t mask)
{
	return (long)__atomic_exchange_n(&vfs_umask, mask & 0777, __ATOMIC_RELAXED);
}

static long put_statfs(const struct kstatfs *k, struct statfs_k *u)
{
	struct statfs_k s;
	memset(&s, 0, sizeof(s));
	s.f_type = (int64_t)k->type;
	s.f_bsize = (int64_t)k->bsize;
	s.f_blocks = k->blocks;
	s.f_bfree = k->bfree;
	s.f_bavail = k->bavail;
	s.f_files = k->files;
	s.f_ffree = k->ffree;
	s.f_fsid[0] = (int32_t)k->fsid[0];
	s.f_fsid[1] = (int32_t)k->fsid[1];
	s.f_namelen = (int64_t)k->namelen;
	s.f_frsize = (int64_t)k->frsize;
	s.f_flags = (int64_t)k->flags;
	return copy_to_user(u, &s, sizeof(s)) ? -EFAULT : 0;
}

long sys_statfs(const char *upath, struct statfs_k *ubuf)
{
	char *path;
	long err = path_from_user(upath, &path);
	if (err)
		return err;
	struct kstatfs k;
	err = vfs_statfs(AT_FDCWD, path, NULL, &k);
	kfree(path);
	return err ? err : put_statfs(&k, ubuf);
}

long sys_fstatfs(int fd, struct statfs_k *ubuf)
{
	struct file *f = fdtable_get(fd);
	if (!f)
		return -EBADF;
	struct kstatfs k;
	long err = vfs_statfs(0, NULL, f, &k);
	file_put(f);
	return err ? err : put_statfs(&k, ubuf);
}

long sys_sync(void) { return 0; }

long sys_syncfs(int fd)
{
	struct file *f = fdtable_get(fd);
	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}

long sys_fsync(int fd)
{
	struct file *f = file_for_io(fd);
	if (!f)
		return -EBADF;
	long r = f->ops->fsync ? f->ops->fsync(f) : -EINVAL;
	file_put(f);
	return r;
}

long sys_fdatasync(int fd) { return sys_fsync(fd); }
