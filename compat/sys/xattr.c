/* Extended attributes: none of our filesystems stores any, like a tmpfs
 * without user xattrs. Reads answer ENODATA and lists are empty, after the
 * same path and fd checks Linux makes, so tools such as ls -l (which asks
 * for security.selinux and ACLs) print what they print on Linux. */
#include "compat/uaccess.h"
#include "fs/namei.h"
#include "fs/vfs.h"
#include "fs/fdtable.h"
#include "lib/errno.h"

#define AT_FDCWD -100
#define AT_SYMLINK_NOFOLLOW 0x100
#define XATTR_CREATE 1
#define XATTR_REPLACE 2

static long check_path(const char *upath, bool follow)
{
	char path[PATH_MAX];
	long n = strncpy_from_user(path, upath, sizeof(path));
	if (n < 0)
		return n;
	if (n == 0)
		return -ENOENT;
	struct kstat st;
	return vfs_statat(AT_FDCWD, path, follow ? 0 : AT_SYMLINK_NOFOLLOW, &st);
}

static long check_fd(int fd)
{
	struct file *f = fdtable_get(fd);
	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}

static long check_name(const char *uname)
{
	char name[256];
	long n = strncpy_from_user(name, uname, sizeof(name));
	if (n == -ENAMETOOLONG)
		return -ERANGE;
	if (n < 0)
		return n;
	return n == 0 ? -ERANGE : 0;
}

static long get(long err, const char *name)
{
	if (err)
		return err;
	err = check_name(name);
	return err ? err : -ENODATA;
}

static long set(long err, const char *name, int flags)
{
	if (err)
		return err;
	if (flags & ~(XATTR_CREATE | XATTR_REPLACE))
		return -EINVAL;
	err = check_name(name);
	if (err)
		return err;
	return (flags & XATTR_REPLACE) ? -ENODATA : -EOPNOTSUPP;
}

long sys_getxattr(const char *path, const char *name, void *v, size_t size) { return get(check_path(path, true), name); }
long sys_lgetxattr(const char *path, const char *name, void *v, size_t size) { return get(check_path(path, false), name); }
long sys_fgetxattr(int fd, const char *name, void *v, size_t size) { return get(check_fd(fd), name); }
long sys_listxattr(const char *path, char *list, size_t size) { return check_path(path, true); }
long sys_llistxattr(const char *path, char *list, size_t size) { return check_path(path, false); }
long sys_flistxattr(int fd, char *list, size_t size) { return check_fd(fd); }
long sys_setxattr(const char *path, const char *name, const void *v, size_t size, int flags) { return set(check_path(path, true), name, flags); }
long sys_lsetxattr(const char *path, const char *name, const void *v, size_t size, int flags) { return set(check_path(path, false), name, flags); }
long sys_fsetxattr(int fd, const char *name, const void *v, size_t size, int flags) { return set(check_fd(fd), name, flags); }
long sys_removexattr(const char *path, const char *name) { return get(check_path(path, true), name); }
long sys_lremovexattr(const char *path, const char *name) { return get(check_path(path, false), name); }
long sys_fremovexattr(int fd, const char *name) { return get(check_fd(fd), name); }

/* fadvise64 and readahead: hints about caching; everything is in memory. */
long sys_fadvise64(int fd, int64_t offset, int64_t len, int advice)
{
	struct file *f = fdtable_get(fd);
	if (!f)
		return -EBADF;
	long r = 0;
	if (advice < 0 || advice > 5 || len < 0)
		r = -EINVAL;
	else if (!f->inode || S_ISFIFO(f->inode->mode))
		r = -ESPIPE;
	file_put(f);
	return r;
}

long sys_readahead(int fd, int64_t offset, size_t count)
{
	struct file *f = fdtable_get(fd);
	if (!f)
		return -EBADF;
	long r = (!f->inode || !S_ISREG(f->inode->mode)) ? -EINVAL : 0;
	file_put(f);
	return r;
}
