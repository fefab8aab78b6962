/* Shared argument handling for the file-syscall families (compat/sys/open.c,
 * read_write.c, stat.c, dir.c, fcntl.c, ioctl.c, attr.c, fsinfo.c, pipe.c,
 * copy.c): copying a path in from user memory and checking an fd's access
 * mode. Only the ABI shell includes this; kernel/fs never sees user pointers. */
#ifndef COMPAT_SYS_FS_ARGS_H
#define COMPAT_SYS_FS_ARGS_H
#include "compat/uaccess.h"
#include "fs/vfs.h"
#include "fs/fdtable.h"
#include "mm/kmalloc.h"
#include "lib/errno.h"

/* Copies a user path into a new PATH_MAX buffer (kfree it). Returns 0,
 * -EFAULT, -ENAMETOOLONG (no NUL in PATH_MAX bytes) or -ENOMEM. */
static inline long path_from_user(const char *upath, char **out)
{
	*out = NULL;
	if (!upath)
		return -EFAULT;
	char *p = kmalloc(PATH_MAX);
	if (!p)
		return -ENOMEM;
	long n = strncpy_from_user(p, upath, PATH_MAX);
	if (n < 0) {
		kfree(p);
		return n;
	}
	*out = p;
	return 0;
}

static inline bool file_readable(const struct file *f)
{
	int acc = f->flags & O_ACCMODE;
	return !(f->flags & O_PATH) && (acc == O_RDONLY || acc == O_RDWR);
}

static inline bool file_writable(const struct file *f)
{
	int acc = f->flags & O_ACCMODE;
	return !(f->flags & O_PATH) && (acc == O_WRONLY || acc == O_RDWR);
}

/* The fd's file, excluding O_PATH ones (most calls give EBADF on those). */
static inline struct file *file_for_io(int fd)
{
	struct file *f = fdtable_get(fd);
	if (f && (f->flags & O_PATH)) {
		file_put(f);
		return NULL;
	}
	return f;
}

/* Kernel bounce buffers for data copies move at most this much at a time. */
#define IO_CHUNK (64 * 1024)
/* MAX_RW_COUNT: Linux caps one read/write at INT_MAX rounded down to a page. */
#define MAX_RW_COUNT 0x7ffff000L

#endif
