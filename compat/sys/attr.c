/* Attributes: access/faccessat/faccessat2, chmod/fchmod/fchmodat,
 * chown/lchown/fchown/fchownat, utimensat/utimes/futimesat,
 * truncate/ftruncate. */
#include "compat/sys/fs_args.h"
#include "fs/namei.h"

struct timespec_k { int64_t tv_sec, tv_nsec; };
struct timeval_k { int64_t tv_sec, tv_usec; };
_Static_assert(sizeof(struct timespec_k) == 16, "struct timespec");
_Static_assert(sizeof(struct timeval_k) == 16, "struct timeval");

/* Runs a path call with the path copied in. */
#define WITH_PATH(upath, expr)                          \
	({                                              \
		char *path;                             \
		long err_ = path_from_user(upath, &path); \
		if (!err_) {                            \
			err_ = (expr);                  \
			kfree(path);                    \
		}                                       \
		err_;                                   \
	})

long sys_faccessat2(int dirfd, const char *upath, int mode, int flags)
{
	return WITH_PATH(upath, vfs_accessat(dirfd, path, mode, flags));
}
long sys_faccessat(int dirfd, const char *upath, int mode) { return sys_faccessat2(dirfd, upath, mode, 0); }
long sys_access(const char *upath, int mode) { return sys_faccessat2(AT_FDCWD, upath, mode, 0); }

long sys_fchmodat(int dirfd, const char *upath, uint32_t mode)
{
	return WITH_PATH(upath, vfs_chmod(dirfd, path, NULL, mode, 0));
}
long sys_chmod(const char *upath, uint32_t mode) { return sys_fchmodat(AT_FDCWD, upath, mode); }

long sys_fchmod(int fd, uint32_t mode)
{
	struct file *f = fdtable_get(fd);
	if (!f)
		return -EBADF;
	long r = (f->flags & O_PATH) ? -EBADF : vfs_chmod(0, NULL, f, mode, 0);
	file_put(f);
	return r;
}

long sys_fchownat(int dirfd, const char *upath, uint32_t uid, uint32_t gid, int flags)
{
	return WITH_PATH(upath, vfs_chown(dirfd, path, NULL, uid, gid, flags));
}
long sys_chown(const char *p, uint32_t uid, uint32_t gid) { return sys_fchownat(AT_FDCWD, p, uid, gid, 0); }
long sys_lchown(const char *p, uint32_t uid, uint32_t gid)
{
	return sys_fchownat(AT_FDCWD, p, uid, gid, AT_SYMLINK_NOFOLLOW);
}

long sys_fchown(int fd, uint32_t uid, uint32_t gid)
{
	struct file *f = fdtable_get(fd);
	if (!f)
		return -EBADF;
	long r = (f->flags & O_PATH) ? -EBADF : vfs_chown(0, NULL, f, uid, gid, 0);
	file_put(f);
	return r;
}

/* utimensat with times already in kernel memory (NULL = now). A NULL path
 * means dirfd itself (the Linux extension futimens uses). */
static long utimens_user(int dirfd, const char *upath, const struct ktimespec *t, int flags)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (!upath) {
		if (dirfd == AT_FDCWD)
			return -EFAULT;
		struct file *f = fdtable_get(dirfd);
		if (!f)
			return -EBADF;
		long r = vfs_utimens(0, NULL, f, t, 0);
		file_put(f);
		return r;
	}
	return WITH_PATH(upath, vfs_utimens(dirfd, path, NULL, t, flags));
}

static bool ns_ok(int64_t ns) { return (ns >= 0 && ns < 1000000000) || ns == UTIME_NOW || ns == UTIME_OMIT; }

long sys_utimensat(int dirfd, const char *upath, const struct timespec_k *utimes, int flags)
{
	struct ktimespec t[2];
	if (utimes) {
		struct timespec_k u[2];
		if (copy_from_user(u, utimes, sizeof(u)))
			return -EFAULT;
		for (int i = 0; i < 2; i++) {
			if (!ns_ok(u[i].tv_nsec))
				return -EINVAL;
			t[i].sec = u[i].tv_sec;
			t[i].nsec = u[i].tv_nsec;
		}
	}
	return utimens_user(dirfd, upath, utimes ? t : NULL, flags);
}

long sys_futimesat(int dirfd, const char *upath, const struct timeval_k *utv)
{
	struct ktimespec t[2];
	if (utv) {
		struct timeval_k v[2];
		if (copy_from_user(v, utv, sizeof(v)))
			return -EFAULT;
		for (int i = 0; i < 2; i++) {
			if (v[i].tv_usec < 0 || v[i].tv_usec >= 1000000)
				return -EINVAL;
			t[i].sec = v[i].tv_sec;
			t[i].nsec = v[i].tv_usec * 1000;
		}
	}
	return utimens_user(dirfd, upath, utv ? t : NULL, 0);
}
long sys_utimes(const char *upath, const struct timeval_k *utv) { return sys_futimesat(AT_FDCWD, upath, utv); }

long sys_truncate(const char *upath, int64_t length)
{
	return WITH_PATH(upath, vfs_truncate(AT_FDCWD, path, NULL, length));
}

long sys_ftruncate(int fd, int64_t length)
{
	struct file *f = fdtable_get(fd);
	if (!f)
		return -EBADF;
	long r = (f->flags & O_PATH) ? -EBADF : vfs_truncate(0, NULL, f, length);
	file_put(f);
	return r;
}
