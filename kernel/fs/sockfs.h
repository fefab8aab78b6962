/* Socket inodes in the file system tree: what bind(2) of an AF_UNIX path
 * creates and connect(2) finds. Owned by the net code (kernel/net/unix.c);
 * only the name-space part lives here, over namei's walk. */
#ifndef FS_SOCKFS_H
#define FS_SOCKFS_H
#include <stdint.h>

struct inode;

/* Creates path as an S_IFSOCK inode (mode & ~umask) and returns it with a
 * reference in *out. -EADDRINUSE when the name exists (bind(2)), -ENOENT,
 * -ENOTDIR, -EACCES (read-only procfs), -ENOMEM. Takes vfs_lock. */
int sockfs_mknod(const char *path, uint32_t mode, struct inode **out);
/* Resolves path (following symlinks) to a referenced inode: -ENOENT...,
 * -ECONNREFUSED when it is not a socket (connect(2) on Linux). */
int sockfs_lookup(const char *path, struct inode **out);

#endif
