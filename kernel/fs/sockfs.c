/* Socket inodes: bind(2) of an AF_UNIX path makes one, connect(2) looks one
 * up. The inode's priv points at the bound socket (set and cleared by
 * kernel/net/unix.c under net_lock); the fs only keeps the name. */
#include "fs/sockfs.h"
#include "fs/namei.h"
#include "lib/string.h"
#include "lib/errno.h"

int sockfs_mknod(const char *path, uint32_t mode, struct inode **out)
{
	struct walk w;
	mutex_lock(&vfs_lock);
	int err = walk_at(AT_FDCWD, path, LOOKUP_PARENT, &w);
	if (err)
		goto out;
	if (w.nd.last_type != LAST_NORM || w.nd.inode || w.nd.trailing_slash)
		err = -EADDRINUSE;
	else if (!w.nd.dir || w.nd.dir->nlink == 0)
		err = -ENOENT;
	else if (w.nd.dir->sb->nocreate)
		err = -EACCES;
	else {
		struct inode *ino;
		err = vfs_mknod_in(w.nd.dir, w.nd.last, strlen(w.nd.last), S_IFSOCK | (mode & 0777 & ~vfs_umask), &ino);
		if (!err) {
			ino->priv = NULL;
			*out = vfs_inode_get(ino);
		}
	}
out:
	walk_done(&w);
	mutex_unlock(&vfs_lock);
	return err;
}

int sockfs_lookup(const char *path, struct inode **out)
{
	struct walk w;
	mutex_lock(&vfs_lock);
	int err = walk_at(AT_FDCWD, path, LOOKUP_FOLLOW, &w);
	if (err)
		goto out;
	if (!w.nd.inode || (w.nd.inode->mode & S_IFMT) != S_IFSOCK)
		err = w.nd.inode ? -ECONNREFUSED : -ENOENT;
	else
		*out = vfs_inode_get(w.nd.inode);
out:
	walk_done(&w);
	mutex_unlock(&vfs_lock);
	return err;
}
