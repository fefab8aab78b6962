/* The operations on names that the compat/sys handlers call: each takes a
 * directory fd (AT_FDCWD or an open directory) and a kernel copy of the
 * path, takes vfs_lock, walks (path.c) and acts on the in-memory tree.
 * Return 0 (or a count) or -E* with Linux's errno for each failure. */
#ifndef FS_NAMEI_H
#define FS_NAMEI_H
#include <stdint.h>
#include <stddef.h>
#include "fs/vfs.h"
#include "fs/path.h"

#define AT_FDCWD            -100
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_EACCESS          0x200
#define AT_REMOVEDIR        0x200
#define AT_SYMLINK_FOLLOW   0x400
#define AT_NO_AUTOMOUNT     0x800
#define AT_EMPTY_PATH       0x1000
#define AT_STATX_SYNC_TYPE  0x6000
#define RENAME_NOREPLACE    1
#define RENAME_EXCHANGE     2
#define RENAME_WHITEOUT     4
#define UTIME_NOW  ((1L << 30) - 1L)
#define UTIME_OMIT ((1L << 30) - 2L)
#define F_OK 0
#define X_OK 1
#define W_OK 2
#define R_OK 4

/* A walk from a dirfd: resolves the start directory (EBADF, ENOTDIR) and
 * holds what must stay alive until walk_done. Caller holds vfs_lock. */
struct walk {
	struct nameidata nd;
	struct file *dirfile;
};
int walk_at(int dirfd, const char *path, unsigned lookup_flags, struct walk *w);
void walk_done(struct walk *w);

/* open.c */
/* Opens path; on success *out is a new file reference (not yet in the fd table). */
int vfs_openat(int dirfd, const char *path, int flags, uint32_t mode, struct file **out);
/* Opens an inode directly (fs_init, devfs), as vfs_openat would after the walk. */
int vfs_open_inode(struct inode *ino, int flags, const char *path, struct file **out);
extern const struct file_ops vfs_dir_ops;

/* namei.c */
int vfs_mkdirat(int dirfd, const char *path, uint32_t mode);
int vfs_unlinkat(int dirfd, const char *path, int flags);
int vfs_renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned flags);
int vfs_linkat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, int flags);
int vfs_symlinkat(const char *target, int dirfd, const char *path);
/* Copies at most size bytes of the target (no NUL); returns the count. */
long vfs_readlinkat(int dirfd, const char *path, char *buf, size_t size);

/* attr.c */
int vfs_statat(int dirfd, const char *path, int flags, struct kstat *st);
int vfs_fstat(struct file *f, struct kstat *st);
int vfs_accessat(int dirfd, const char *path, int mode, int flags);
/* chmod/chown/utimens on a path (dirfd, path, flags) or, with path NULL, on f. */
int vfs_chmod(int dirfd, const char *path, struct file *f, uint32_t mode, int flags);
int vfs_chown(int dirfd, const char *path, struct file *f, uint32_t uid, uint32_t gid, int flags);
int vfs_utimens(int dirfd, const char *path, struct file *f, const struct ktimespec *times, int flags);
int vfs_truncate(int dirfd, const char *path, struct file *f, int64_t length);
int vfs_chdir(int dirfd, const char *path);
/* The cwd's path into buf; returns its length + 1 (getcwd's return), -ERANGE, -ENOENT. */
long vfs_getcwd(char *buf, size_t size);

struct kstatfs {
	uint64_t type, bsize, blocks, bfree, bavail, files, ffree, namelen, frsize, flags;
	uint32_t fsid[2];
};
int vfs_statfs(int dirfd, const char *path, struct file *f, struct kstatfs *st);

#endif
