/* memfd_create(2) files live in a tmpfs of their own that is mounted
 * nowhere: the file has no name in the tree, nlink 0, and goes away with its
 * last reference, like Linux's internal shm mount. Seals are kept on the inode
 * and enforced by tmpfs_write/tmpfs_truncate, so every path to the data
 * (write, pwrite, ftruncate, O_TRUNC through /proc/self/fd) obeys them. */
#include "fs/memfd.h"
#include "fs/tmpfs.h"
#include "fs/vfs.h"
#include "fs/file.h"
#include "fs/namei.h"
#include "mm/kmalloc.h"
#include "lib/string.h"
#include "lib/errno.h"

#define SEALS_KNOWN (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_FUTURE_WRITE | F_SEAL_EXEC)

__attribute__((weak)) bool mm_file_shared_writable(struct inode *ino) { return false; }

static struct super *memfd_sb;   /* made on first use; guarded by vfs_lock */

struct file *memfd_create_file(const char *name, uint32_t seals, bool noexec, int *err)
{
	mutex_lock(&vfs_lock);
	if (!memfd_sb)
		memfd_sb = tmpfs_new("tmpfs", 0, 01777);
	struct inode *ino = memfd_sb ? vfs_inode_new(memfd_sb, S_IFREG | (noexec ? 0666 : 0777)) : NULL;
	struct file *f = NULL;
	*err = -ENOMEM;
	if (ino) {
		ino->seals = seals;
		size_t n = strlen(name);
		char *path = kmalloc(n + 8);
		if (path) {
			memcpy(path, "/memfd:", 7);
			memcpy(path + 7, name, n + 1);
			*err = vfs_open_inode(ino, O_RDWR | O_LARGEFILE, path, &f);
			kfree(path);
		}
		vfs_inode_put(ino);   /* the open file holds its own reference */
	}
	mutex_unlock(&vfs_lock);
	return *err ? NULL : f;
}

bool memfd_is(const struct inode *ino) { return ino && memfd_sb && ino->sb == memfd_sb; }

/* Linux gives every shmem file F_SEAL_SEAL from birth; only memfds made with
 * MFD_ALLOW_SEALING start without it. Other filesystems have no seals at all. */
static bool sealable(const struct inode *ino)
{
	return ino && S_ISREG(ino->mode) && ino->sb->magic == TMPFS_MAGIC && !strcmp(ino->sb->type, "tmpfs");
}

long memfd_get_seals(struct inode *ino)
{
	if (!sealable(ino))
		return -EINVAL;
	return memfd_is(ino) ? ino->seals : ino->seals | F_SEAL_SEAL;
}

long memfd_add_seals(struct inode *ino, bool writable, uint32_t seals)
{
	if (!sealable(ino) || (seals & ~(uint32_t)SEALS_KNOWN))
		return -EINVAL;
	if (!writable)
		return -EPERM;
	mutex_lock(&ino->lock);
	long r = 0;
	if (!memfd_is(ino) || (ino->seals & F_SEAL_SEAL))
		r = -EPERM;
	else if ((seals & F_SEAL_WRITE) && !(ino->seals & F_SEAL_WRITE) && mm_file_shared_writable(ino))
		r = -EBUSY;
	else
		ino->seals |= seals;
	mutex_unlock(&ino->lock);
	return r;
}
