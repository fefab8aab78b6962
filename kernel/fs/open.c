/* Opening: walk_at (the dirfd + path start shared by every *at call),
 * vfs_openat with Linux's O_CREAT/O_EXCL/O_TRUNC/O_DIRECTORY/O_NOFOLLOW/
 * O_PATH rules (open(2), fs/namei.c do_open), and the directory file_ops
 * (getdents64, lseek). Below: path.c, tmpfs.c; above: compat/sys/open.c. */
#include "fs/namei.h"
#include "fs/fdtable.h"
#include "fs/tmpfs.h"
#include "fs/devfs.h"
#include "mm/kmalloc.h"
#include "lib/string.h"
#include "lib/errno.h"

int walk_at(int dirfd, const char *path, unsigned lookup_flags, struct walk *w)
{
	w->dirfile = NULL;
	w->nd.file = NULL;
	struct inode *start = vfs_cwd;
	if (path[0] != '/' && dirfd != AT_FDCWD) {
		w->dirfile = fdtable_get(dirfd);
		if (!w->dirfile)
			return -EBADF;
		start = w->dirfile->inode;
		if (!start) {
			if (path[0] == 0 && (lookup_flags & LOOKUP_EMPTY)) {
				/* An anonymous file (pipe) named by AT_EMPTY_PATH: the file itself. */
				w->nd.dir = w->nd.inode = NULL;
				w->nd.file = file_get(w->dirfile);
				return 0;
			}
			return -ENOTDIR;
		}
		if (!S_ISDIR(start->mode) && !(path[0] == 0 && (lookup_flags & LOOKUP_EMPTY)))
			return -ENOTDIR;
	}
	return path_walk(start, path, lookup_flags, &w->nd);
}

void walk_done(struct walk *w)
{
	if (w->nd.file)
		file_put(w->nd.file);
	if (w->dirfile)
		file_put(w->dirfile);
	w->nd.file = w->dirfile = NULL;
}

/* --- directories --- */

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	uint16_t d_reclen;
	uint8_t d_type;
	char d_name[];
};
_Static_assert(sizeof(struct linux_dirent64) == 24, "linux_dirent64 header (19 bytes + padding)");
_Static_assert(__builtin_offsetof(struct linux_dirent64, d_off) == 8, "d_off");
_Static_assert(__builtin_offsetof(struct linux_dirent64, d_reclen) == 16, "d_reclen");
_Static_assert(__builtin_offsetof(struct linux_dirent64, d_type) == 18, "d_type");
_Static_assert(__builtin_offsetof(struct linux_dirent64, d_name) == 19, "d_name");

struct dents_ctx { uint8_t *buf; size_t size, used; uint64_t pos; };

static int dents_emit(void *p, const char *name, uint64_t ino, unsigned type, uint64_t next)
{
	struct dents_ctx *c = p;
	size_t nl = strlen(name);
	size_t reclen = (19 + nl + 1 + 7) & ~(size_t)7;
	if (c->used + reclen > c->size)
		return 1;
	struct linux_dirent64 *d = (struct linux_dirent64 *)(c->buf + c->used);
	memset(d, 0, reclen);
	d->d_ino = ino;
	d->d_off = (int64_t)next;
	d->d_reclen = (uint16_t)reclen;
	d->d_type = (uint8_t)type;
	memcpy(d->d_name, name, nl + 1);
	c->used += reclen;
	c->pos = next;
	return 0;
}

static long dir_getdents(struct file *f, void *buf, size_t n)
{
	struct dents_ctx c = { buf, n, 0, f->pos };
	mutex_lock(&vfs_lock);
	vfs_readdir(f->inode, f->pos, dents_emit, &c);
	mutex_unlock(&vfs_lock);
	f->pos = c.pos;
	if (c.used == 0) {
		/* Nothing emitted: either the end, or the first record did not fit. */
		uint8_t probe[19 + NAME_MAX + 1 + 8];
		struct dents_ctx t = { probe, sizeof(probe), 0, f->pos };
		mutex_lock(&vfs_lock);
		vfs_readdir(f->inode, f->pos, dents_emit, &t);
		mutex_unlock(&vfs_lock);
		if (t.used)
			return -EINVAL;
	} else {
		vfs_touch_atime(f->inode);
	}
	return (long)c.used;
}

static long dir_lseek(struct file *f, int64_t off, int whence)
{
	/* dcache_dir_lseek: SEEK_SET and SEEK_CUR only. */
	if (whence == SEEK_CUR)
		off += (int64_t)f->pos;
	else if (whence != SEEK_SET)
		return -EINVAL;
	if (off < 0)
		return -EINVAL;
	f->pos = (uint64_t)off;
	return off;
}

static long dir_read(struct file *f, void *buf, size_t n) { return -EISDIR; }
static long dir_pread(struct file *f, void *buf, size_t n, uint64_t off) { return -EISDIR; }
static uint32_t dir_poll(struct file *f) { return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM; }
static int dir_fsync(struct file *f) { return 0; }

const struct file_ops vfs_dir_ops = {
	.read = dir_read, .pread = dir_pread, .lseek = dir_lseek, .poll = dir_poll,
	.getdents = dir_getdents, .fsync = dir_fsync,
};

static const struct file_ops path_only_ops;
static long lnk_read(struct file *f, void *buf, size_t n) { return -EBADF; }
static const struct file_ops symlink_ops = { .read = lnk_read };

/* --- open --- */

static char *file_path(struct nameidata *nd, struct inode *ino)
{
	char *buf = kmalloc(PATH_MAX);
	if (!buf)
		return NULL;
	long n;
	if (nd->file && nd->file->path) {
		strlcpy(buf, nd->file->path, PATH_MAX);
		return buf;
	}
	if (nd->last_type == LAST_NORM && nd->dir) {
		n = vfs_dir_path(nd->dir, buf, PATH_MAX);
		size_t ll = strlen(nd->last);
		if (n >= 0 && (size_t)n + ll + 2 < PATH_MAX) {
			if (n > 1)
				buf[n++] = '/';
			memcpy(buf + n, nd->last, ll + 1);
			return buf;
		}
	} else if (S_ISDIR(ino->mode) && vfs_dir_path(ino, buf, PATH_MAX) >= 0) {
		return buf;
	}
	kfree(buf);
	return NULL;
}

int vfs_open_inode(struct inode *ino, int flags, const char *path, struct file **out)
{
	const struct file_ops *ops;
	if (flags & O_PATH)
		ops = &path_only_ops;
	else if (ino->fops)
		ops = ino->fops;
	else if (S_ISCHR(ino->mode) && devfs_driver(ino->rdev))
		ops = devfs_driver(ino->rdev);
	else if (S_ISDIR(ino->mode))
		ops = &vfs_dir_ops;
	else if (S_ISREG(ino->mode))
		ops = &tmpfs_file_ops;
	else if (S_ISLNK(ino->mode))
		ops = &symlink_ops;
	else
		return -ENXIO;   /* a device node with no driver */
	struct file *f = file_alloc(ops, ino, (uint32_t)flags & ~(uint32_t)(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC));
	if (!f)
		return -ENOMEM;
	if (path) {
		size_t n = strlen(path);
		f->path = kmalloc(n + 1);
		if (f->path)
			memcpy(f->path, path, n + 1);
	}
	if (!(flags & O_PATH) && ops->open) {
		int err = ops->open(ino, f);
		if (err) {
			file_put(f);
			return err;
		}
	}
	*out = f;
	return 0;
}

/* O_CREAT: resolves the parent, following a symlink in the last component
 * unless O_EXCL or O_NOFOLLOW (a dangling link's target gets created). */
static int open_create_walk(int dirfd, const char *path, int flags, struct walk *w)
{
	int err = walk_at(dirfd, path, LOOKUP_PARENT, w);
	char *target = NULL;
	while (!err && w->nd.inode && S_ISLNK(w->nd.inode->mode) && !(flags & (O_EXCL | O_NOFOLLOW))) {
		struct inode *lnk = w->nd.inode;
		if (lnk->u.lnk.magic) {
			struct file *f = lnk->u.lnk.magic(lnk);
			if (!f) {
				err = -ENOENT;
				break;
			}
			if (w->nd.file)
				file_put(w->nd.file);
			w->nd.file = f;
			w->nd.inode = f->inode;
			break;
		}
		if (++w->nd.links > SYMLOOP_MAX) {
			err = -ELOOP;
			break;
		}
		if (!target && !(target = kmalloc(PATH_MAX))) {
			err = -ENOMEM;
			break;
		}
		long tl = lnk->u.lnk.readlink ? lnk->u.lnk.readlink(lnk, target, PATH_MAX - 1)
					      : (long)strlcpy(target, lnk->u.lnk.target, PATH_MAX);
		if (tl <= 0 || tl >= PATH_MAX) {
			err = tl < 0 ? (int)tl : tl == 0 ? -ENOENT : -ENAMETOOLONG;
			break;
		}
		target[tl] = 0;
		int links = w->nd.links;
		struct file *hold = w->nd.file;
		err = path_walk(w->nd.dir, target, LOOKUP_PARENT, &w->nd);
		w->nd.links += links;
		if (hold) {
			if (w->nd.file)
				file_put(hold);
			else
				w->nd.file = hold;
		}
	}
	kfree(target);
	return err;
}

int vfs_openat(int dirfd, const char *path, int flags, uint32_t mode, struct file **out)
{
	if ((flags & O_TMPFILE) == O_TMPFILE)
		return -EOPNOTSUPP;
	if ((flags & O_CREAT) && (flags & O_DIRECTORY))
		return -EINVAL;   /* Linux 6.4+ (open(2), "EINVAL ... O_CREAT and O_DIRECTORY") */
	if (flags & O_PATH)
		flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	struct walk w;
	int err;
	struct inode *ino;
	mutex_lock(&vfs_lock);
	if (flags & O_CREAT) {
		err = open_create_walk(dirfd, path, flags, &w);
		if (err)
			goto out;
		ino = w.nd.inode;
		if (w.nd.file && !ino)
			goto anon;
		if (w.nd.last_type != LAST_NORM) {
			err = -EISDIR;
			goto out;
		}
		if (ino && (flags & O_EXCL)) {
			err = -EEXIST;
			goto out;
		}
		if (!ino) {
			if (w.nd.trailing_slash) {
				err = -EISDIR;
				goto out;
			}
			if (w.nd.dir->nlink == 0) {
				err = -ENOENT;
				goto out;
			}
			if (w.nd.dir->sb->nocreate) {
				err = -EACCES;
				goto out;
			}
			err = vfs_mknod_in(w.nd.dir, w.nd.last, strlen(w.nd.last), S_IFREG | (mode & 07777 & ~vfs_umask), &ino);
			if (err)
				goto out;
		} else if (S_ISLNK(ino->mode)) {
			err = -ELOOP;   /* O_NOFOLLOW on a symlink */
			goto out;
		} else if (S_ISDIR(ino->mode)) {
			err = -EISDIR;
			goto out;
		} else if (w.nd.trailing_slash) {
			err = -ENOTDIR;
			goto out;
		}
	} else {
		unsigned lf = (flags & O_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
		if (flags & O_DIRECTORY)
			lf |= LOOKUP_DIRECTORY;
		err = walk_at(dirfd, path, lf, &w);
		if (err)
			goto out;
		ino = w.nd.inode;
		if (w.nd.file && !ino)
			goto anon;
		if (S_ISLNK(ino->mode) && !(flags & O_PATH)) {
			err = (flags & O_DIRECTORY) ? -ENOTDIR : -ELOOP;
			goto out;
		}
	}
	if (!(flags & O_PATH)) {
		int acc = flags & O_ACCMODE;
		if (S_ISDIR(ino->mode) && (acc == O_WRONLY || acc == O_RDWR)) {
			err = -EISDIR;
			goto out;
		}
		if ((flags & O_DIRECTORY) && !S_ISDIR(ino->mode)) {
			err = -ENOTDIR;
			goto out;
		}
		if ((flags & O_TRUNC) && S_ISREG(ino->mode) && !ino->fops) {
			mutex_lock(&ino->lock);
			if (ino->size || ino->u.reg.lower)
				err = tmpfs_truncate(ino, 0);
			if (!err)
				vfs_touch(ino, false, true, true);
			mutex_unlock(&ino->lock);
			if (err)
				goto out;
		}
	}
	char *p = file_path(&w.nd, ino);
	err = vfs_open_inode(ino, flags, p, out);
	kfree(p);
	goto out;
anon:
	/* /proc/self/fd/N of a pipe or socket: the same open file. */
	*out = file_get(w.nd.file);
	err = 0;
out:
	walk_done(&w);
	mutex_unlock(&vfs_lock);
	return err;
}
