/* Open files: allocation and reference counting of struct file, generic
 * lseek, and stat of any inode. The last file_put releases the OFD and flock
 * locks, calls ->release and drops the inode reference. */
#include "fs/file.h"
#include "fs/vfs.h"
#include "fs/locks.h"
#include "fs/tmpfs.h"
#include "fs/epoll.h"
#include "mm/kmalloc.h"
#include "lib/errno.h"

struct file *file_alloc(const struct file_ops *ops, struct inode *inode, uint32_t flags)
{
	struct file *f = kzalloc(sizeof(*f));
	if (!f)
		return NULL;
	f->ops = ops;
	f->refcount = 1;
	f->flags = flags;
	f->inode = vfs_inode_get(inode);
	return f;
}

struct file *file_get(struct file *f)
{
	__atomic_fetch_add(&f->refcount, 1, __ATOMIC_RELAXED);
	return f;
}

void file_put(struct file *f)
{
	if (__atomic_sub_fetch(&f->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	/* Closing the last reference removes the file from every epoll set (epoll(7)). */
	if (f->epoll_links)
		epoll_file_released(f);
	locks_release_file(f);
	if (f->ops && f->ops->release)
		f->ops->release(f);
	vfs_inode_put(f->inode);
	kfree(f->path);
	kfree(f);
}

long vfs_generic_lseek(struct file *f, int64_t off, int whence, uint64_t size)
{
	int64_t base;
	switch (whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = (int64_t)f->pos; break;
	case SEEK_END: base = (int64_t)size; break;
	case SEEK_DATA:
	case SEEK_HOLE:
		/* Holes are not reported: the whole file is data (allowed by lseek(2)). */
		if (off < 0 || (uint64_t)off >= size)
			return -ENXIO;
		f->pos = whence == SEEK_DATA ? (uint64_t)off : size;
		return (long)f->pos;
	default:
		return -EINVAL;
	}
	int64_t np;
	if (__builtin_add_overflow(base, off, &np))
		return -EOVERFLOW;
	if (np < 0)
		return -EINVAL;
	f->pos = (uint64_t)np;
	return np;
}

void vfs_getattr(struct inode *ino, struct kstat *st)
{
	st->dev = DEV_MAKE(0, ino->sb->dev);
	st->ino = ino->ino;
	st->mode = ino->mode;
	st->nlink = ino->nlink;
	st->uid = ino->uid;
	st->gid = ino->gid;
	st->rdev = ino->rdev;
	st->size = S_ISDIR(ino->mode) ? (uint64_t)(ino->u.dir.nents + 2) * 20 : ino->size;
	st->blksize = 4096;
	st->blocks = S_ISREG(ino->mode) ? tmpfs_blocks(ino) : 0;
	st->atime = ino->atime;
	st->mtime = ino->mtime;
	st->ctime = ino->ctime;
	st->btime = ino->btime;
}
