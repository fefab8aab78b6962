/* Attributes and places: stat, access, chmod, chown, utimens, truncate,
 * chdir, getcwd, statfs. We run as root (uid 0), so permission checks reduce
 * to Linux's root rules: X_OK needs some execute bit on non-directories. */
#include "fs/namei.h"
#include "fs/inotify.h"
#include "fs/tmpfs.h"
#include "lib/string.h"
#include "lib/errno.h"

#define STAT_FLAGS (AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE)

int vfs_fstat(struct file *f, struct kstat *st)
{
	if (f->inode) {
		vfs_getattr(f->inode, st);
		return 0;
	}
	if (f->ops && f->ops->stat)
		return f->ops->stat(f, st);
	memset(st, 0, sizeof(*st));
	return 0;
}

int vfs_statat(int dirfd, const char *path, int flags, struct kstat *st)
{
	if (flags & ~STAT_FLAGS)
		return -EINVAL;
	unsigned lf = (flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
	if (flags & AT_EMPTY_PATH)
		lf |= LOOKUP_EMPTY;
	struct walk w;
	mutex_lock(&vfs_lock);
	int err = walk_at(dirfd, path, lf, &w);
	if (!err) {
		if (w.nd.inode)
			vfs_getattr(w.nd.inode, st);
		else
			err = vfs_fstat(w.nd.file, st);
	}
	walk_done(&w);
	mutex_unlock(&vfs_lock);
	return err;
}

int vfs_accessat(int dirfd, const char *path, int mode, int flags)
{
	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	unsigned lf = (flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
	if (flags & AT_EMPTY_PATH)
		lf |= LOOKUP_EMPTY;
	struct walk w;
	mutex_lock(&vfs_lock);
	int err = walk_at(dirfd, path, lf, &w);
	if (!err && w.nd.inode && (mode & X_OK) && !S_ISDIR(w.nd.inode->mode) && !(w.nd.inode->mode & 0111))
		err = -EACCES;   /* root may execute only what has an x bit (generic_permission) */
	walk_done(&w);
	mutex_unlock(&vfs_lock);
	return err;
}

/* Runs fn on the inode named by (dirfd, path, flags) or, with path NULL, on f's inode. */
static int with_inode(int dirfd, const char *path, struct file *f, int flags,
		      int (*fn)(struct inode *ino, const void *arg), const void *arg)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	int err;
	mutex_lock(&vfs_lock);
	if (!path) {
		err = f->inode ? fn(f->inode, arg) : -EBADF;
		mutex_unlock(&vfs_lock);
		return err;
	}
	unsigned lf = (flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
	if (flags & AT_EMPTY_PATH)
		lf |= LOOKUP_EMPTY;
	struct walk w;
	err = walk_at(dirfd, path, lf, &w);
	if (!err)
		err = w.nd.inode ? fn(w.nd.inode, arg) : -EBADF;
	walk_done(&w);
	mutex_unlock(&vfs_lock);
	return err;
}

static int do_chmod(struct inode *ino, const void *arg)
{
	fsnotify_file(ino, IN_ATTRIB);
	uint32_t mode = *(const uint32_t *)arg;
	if (S_ISLNK(ino->mode))
		return -EOPNOTSUPP;   /* fchmodat(2): AT_SYMLINK_NOFOLLOW on a link */
	ino->mode = (ino->mode & S_IFMT) | (mode & 07777);
	ino->ctime = vfs_now();
	return 0;
}

int vfs_chmod(int dirfd, const char *path, struct file *f, uint32_t mode, int flags)
{
	return with_inode(dirfd, path, f, flags, do_chmod, &mode);
}

static int do_chown(struct inode *ino, const void *arg)
{
	fsnotify_file(ino, IN_ATTRIB);
	const uint32_t *ids = arg;
	if (ids[0] != (uint32_t)-1)
		ino->uid = ids[0];
	if (ids[1] != (uint32_t)-1)
		ino->gid = ids[1];
	/* chown(2): the set-user-ID bit (and set-group-ID with group execute) of
	 * a non-directory is cleared, even for root. */
	if (!S_ISDIR(ino->mode) && !S_ISLNK(ino->mode) && (ids[0] != (uint32_t)-1 || ids[1] != (uint32_t)-1))
		ino->mode &= ~(uint32_t)(S_ISUID | ((ino->mode & 010) ? S_ISGID : 0));
	ino->ctime = vfs_now();
	return 0;
}

int vfs_chown(int dirfd, const char *path, struct file *f, uint32_t uid, uint32_t gid, int flags)
{
	uint32_t ids[2] = { uid, gid };
	return with_inode(dirfd, path, f, flags, do_chown, ids);
}

static int do_utimens(struct inode *ino, const void *arg)
{
	fsnotify_file(ino, IN_ATTRIB);
	const struct ktimespec *t = arg;
	struct ktimespec now = vfs_now();
	if (t[0].nsec == UTIME_OMIT && t[1].nsec == UTIME_OMIT)
		return 0;
	if (t[0].nsec != UTIME_OMIT)
		ino->atime = t[0].nsec == UTIME_NOW ? now : t[0];
	if (t[1].nsec != UTIME_OMIT)
		ino->mtime = t[1].nsec == UTIME_NOW ? now : t[1];
	ino->ctime = now;
	return 0;
}

int vfs_utimens(int dirfd, const char *path, struct file *f, const struct ktimespec *times, int flags)
{
	struct ktimespec now2[2] = { { 0, UTIME_NOW }, { 0, UTIME_NOW } };
	return with_inode(dirfd, path, f, flags, do_utimens, times ? times : now2);
}

static int do_truncate(struct inode *ino, const void *arg)
{
	fsnotify_file(ino, IN_MODIFY);
	if (S_ISDIR(ino->mode))
		return -EISDIR;
	if (!S_ISREG(ino->mode) || ino->fops)
		return -EINVAL;
	mutex_lock(&ino->lock);
	int err = tmpfs_truncate(ino, *(const uint64_t *)arg);
	if (!err)
		vfs_touch(ino, false, true, true);
	mutex_unlock(&ino->lock);
	return err;
}

int vfs_truncate(int dirfd, const char *path, struct file *f, int64_t length)
{
	if (length < 0)
		return -EINVAL;
	uint64_t len = (uint64_t)length;
	if (!path) {
		if (!f->inode || !S_ISREG(f->inode->mode) || (f->flags & O_PATH) || (f->flags & O_ACCMODE) == O_RDONLY)
			return -EINVAL;
		if (f->ops && f->ops->truncate)
			return f->ops->truncate(f, len);
	}
	return with_inode(dirfd, path, f, 0, do_truncate, &len);
}

int vfs_chdir(int dirfd, const char *path)
{
	struct walk w;
	mutex_lock(&vfs_lock);
	int err = walk_at(dirfd, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY | (path[0] ? 0 : LOOKUP_EMPTY), &w);
	if (!err && (!w.nd.inode || !S_ISDIR(w.nd.inode->mode)))
		err = -ENOTDIR;
	if (!err) {
		struct inode *old = vfs_cwd;
		vfs_cwd = vfs_inode_get(w.nd.inode);
		vfs_inode_put(old);
	}
	walk_done(&w);
	mutex_unlock(&vfs_lock);
	return err;
}

long vfs_getcwd(char *buf, size_t size)
{
	if (size == 0)
		return -ERANGE;
	mutex_lock(&vfs_lock);
	long n = vfs_dir_path(vfs_cwd, buf, size);
	mutex_unlock(&vfs_lock);
	if (n == -ENAMETOOLONG)
		return -ERANGE;
	return n < 0 ? n : n + 1;
}

static void fill_statfs(struct super *sb, struct kstatfs *st)
{
	memset(st, 0, sizeof(*st));
	st->type = sb->magic;
	st->bsize = st->frsize = 4096;
	st->namelen = NAME_MAX;
	st->flags = 0x20 | 0x400;   /* ST_VALID | ST_RELATIME */
	if (sb->magic == TMPFS_MAGIC || sb->magic == 0x794c7630) {
		uint64_t max = sb->size_max ? sb->size_max : (1ULL << 40);
		st->blocks = max / 4096;
		uint64_t used = sb->bytes_used / 4096;
		st->bfree = st->bavail = st->blocks > used ? st->blocks - used : 0;
		st->files = 1ULL << 20;
		st->ffree = st->files > sb->inodes ? st->files - sb->inodes : 0;
	}
	st->fsid[0] = sb->dev;
}

int vfs_statfs(int dirfd, const char *path, struct file *f, struct kstatfs *st)
{
	int err = 0;
	mutex_lock(&vfs_lock);
	if (!path) {
		if (f->inode)
			fill_statfs(f->inode->sb, st);
		else {   /* pipefs */
			memset(st, 0, sizeof(*st));
			st->type = 0x50495045;
			st->bsize = st->frsize = 4096;
			st->namelen = NAME_MAX;
			st->flags = 0x20;
		}
	} else {
		struct walk w;
		err = walk_at(dirfd, path, LOOKUP_FOLLOW, &w);
		if (!err && w.nd.inode)
			fill_statfs(w.nd.inode->sb, st);
		walk_done(&w);
	}
	mutex_unlock(&vfs_lock);
	return err;
}
