/* inotify_init, inotify_init1, inotify_add_watch, inotify_rm_watch over kernel/fs/inotify.c. */
#include "compat/uaccess.h"
#include "fs/inotify.h"
#include "fs/fdtable.h"
#include "fs/file.h"
#include "fs/namei.h"
#include "fs/path.h"
#include "fs/vfs.h"
#include "lib/errno.h"

#define AT_FDCWD -100

long sys_inotify_init1(int flags)
{
	if (flags & ~(O_NONBLOCK | O_CLOEXEC))
		return -EINVAL;
	struct file *f = inotify_create_file(flags);
	if (!f)
		return -ENOMEM;
	int fd = fdtable_install(f, 0, flags & O_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

long sys_inotify_init(void) { return sys_inotify_init1(0); }

long sys_inotify_add_watch(int fd, const char *upath, uint32_t mask)
{
	char path[PATH_MAX];
	long n = strncpy_from_user(path, upath, sizeof(path));
	if (n < 0)
		return n;
	struct file *f = fdtable_get(fd);
	if (!f)
		return -EBADF;
	long r;
	if (!file_is_inotify(f)) {
		r = -EINVAL;
	} else if (n == 0) {
		r = -ENOENT;
	} else {
		struct walk w;
		mutex_lock(&vfs_lock);
		r = walk_at(AT_FDCWD, path, (mask & IN_DONT_FOLLOW) ? 0 : LOOKUP_FOLLOW, &w);
		if (!r)
			r = w.nd.inode ? inotify_add(f, w.nd.inode, mask) : -ENOENT;
		walk_done(&w);
		mutex_unlock(&vfs_lock);
	}
	file_put(f);
	return r;
}

long sys_inotify_rm_watch(int fd, int wd)
{
	struct file *f = fdtable_get(fd);
	if (!f)
		return -EBADF;
	long r = file_is_inotify(f) ? inotify_rm(f, wd) : -EINVAL;
	file_put(f);
	return r;
}
