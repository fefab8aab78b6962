/* Name-space changes: mkdir, unlink/rmdir, rename (with RENAME_NOREPLACE and
 * RENAME_EXCHANGE), link, symlink, readlink. On the root, removing or
 * renaming something that came from the initrd just edits the in-memory
 * tree: that edit is the overlay's whiteout, and readdir (one list) is the
 * merged view. errno choices follow fs/namei.c; each is noted where it is
 * not obvious. Caller-visible locking: each call takes vfs_lock. */
#include "fs/namei.h"
#include "fs/inotify.h"
#include "mm/kmalloc.h"
#include "lib/string.h"
#include "lib/errno.h"

static bool is_busy(struct inode *ino)
{
	return S_ISDIR(ino->mode) && (ino->u.dir.mounted || (ino == ino->sb->root));
}

int vfs_mkdirat(int dirfd, const char *path, uint32_t mode)
{
	struct walk w;
	mutex_lock(&vfs_lock);
	int err = walk_at(dirfd, path, LOOKUP_PARENT, &w);
	if (err)
		goto out;
	if (w.nd.last_type != LAST_NORM || w.nd.inode)
		err = -EEXIST;
	else if (w.nd.dir->nlink == 0)
		err = -ENOENT;
	else if (w.nd.dir->sb->nocreate)
		err = -EACCES;
	else {
		struct inode *ino;
		err = vfs_mkdir_in(w.nd.dir, w.nd.last, strlen(w.nd.last), mode & 01777 & ~vfs_umask, &ino);
	}
out:
	walk_done(&w);
	mutex_unlock(&vfs_lock);
	return err;
}

/* Drops one link of ino from dir/name. Caller holds vfs_lock and has checked everything. */
static void drop_link(struct inode *dir, const char *name, struct inode *ino)
{
	vfs_dir_remove(dir, name, strlen(name));
	struct ktimespec t = vfs_now();
	dir->mtime = dir->ctime = t;
	ino->ctime = t;
	if (S_ISDIR(ino->mode)) {
		dir->nlink--;
		ino->nlink = 0;
		ino->u.dir.parent = NULL;
	} else {
		ino->nlink--;
	}
	vfs_inode_maybe_free(ino);
}

static int check_rmdir(struct nameidata *nd)
{
	/* rmdir(2): "." is EINVAL, ".." ENOTEMPTY, "/" EBUSY. */
	if (nd->last_type == LAST_DOT)
		return -EINVAL;
	if (nd->last_type == LAST_DOTDOT)
		return -ENOTEMPTY;
	if (nd->last_type == LAST_ROOT)
		return -EBUSY;
	if (!nd->inode)
		return -ENOENT;
	if (!S_ISDIR(nd->inode->mode))
		return -ENOTDIR;
	if (is_busy(nd->inode))
		return -EBUSY;
	if (nd->inode->u.dir.nents || nd->inode->u.dir.dyn)
		return -ENOTEMPTY;
	return 0;
}

int vfs_unlinkat(int dirfd, const char *path, int flags)
{
	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	struct walk w;
	mutex_lock(&vfs_lock);
	int err = walk_at(dirfd, path, LOOKUP_PARENT, &w);
	if (err)
		goto out;
	if (flags & AT_REMOVEDIR) {
		err = check_rmdir(&w.nd);
	} else if (w.nd.last_type != LAST_NORM) {
		err = -EISDIR;
	} else if (!w.nd.inode) {
		err = -ENOENT;
	} else if (S_ISDIR(w.nd.inode->mode)) {
		err = -EISDIR;
	} else if (w.nd.trailing_slash) {
		err = -ENOTDIR;
	}
	if (!err && w.nd.dir->sb->nocreate)
		err = -EACCES;
	if (!err)
		drop_link(w.nd.dir, w.nd.last, w.nd.inode);
out:
	walk_done(&w);
	mutex_unlock(&vfs_lock);
	return err;
}

static bool is_ancestor(struct inode *a, struct inode *d)
{
	for (struct inode *x = d; x; x = x->u.dir.parent) {
		if (x == a)
			return true;
		if (x == x->u.dir.parent)
			break;
	}
	return false;
}

/* Moves the entry old_dir/old_name (inode ino) to new_dir/new_name. */
static int move_entry(struct inode *old_dir, const char *old_name, struct inode *new_dir, const char *new_name,
		      struct inode *ino)
{
	/* The directory edits below stay quiet; a rename reports IN_MOVED_FROM and
	 * IN_MOVED_TO with one cookie, then IN_MOVE_SELF, as Linux does. */
	uint32_t cookie = fsnotify_cookie();
	fsnotify_rename_cookie = cookie;
	int err = vfs_dir_add(new_dir, new_name, strlen(new_name), ino);
	if (!err)
		vfs_dir_remove(old_dir, old_name, strlen(old_name));
	fsnotify_rename_cookie = 0;
	if (err)
		return err;
	uint32_t isdir = S_ISDIR(ino->mode) ? IN_ISDIR : 0;
	fsnotify(old_dir, IN_MOVED_FROM | isdir, old_name, strlen(old_name), cookie);
	fsnotify(new_dir, IN_MOVED_TO | isdir, new_name, strlen(new_name), cookie);
	fsnotify(ino, IN_MOVE_SELF, 0, 0, 0);
	if (S_ISDIR(ino->mode) && old_dir != new_dir) {
		old_dir->nlink--;
		new_dir->nlink++;
		ino->u.dir.parent = new_dir;
	}
	return 0;
}

static int rename_locked(struct nameidata *o, struct nameidata *n, unsigned flags)
{
	if (o->last_type != LAST_NORM || n->last_type != LAST_NORM)
		return -EBUSY;
	struct inode *src = o->inode, *dst = n->inode;
	if (!src)
		return -ENOENT;
	if (o->dir->sb != n->dir->sb)
		return -EXDEV;
	if (o->dir->sb->nocreate)
		return -EACCES;
	if ((flags & RENAME_EXCHANGE) && !dst)
		return -ENOENT;
	if ((flags & RENAME_NOREPLACE) && dst)
		return -EEXIST;
	if (!S_ISDIR(src->mode) && (o->trailing_slash || (n->trailing_slash && !(dst && S_ISDIR(dst->mode)))))
		return -ENOTDIR;
	if (is_busy(src) || (dst && is_busy(dst)))
		return -EBUSY;
	if (src == dst)
		return 0;   /* the same inode (hard links): rename(2) does nothing */
	if (S_ISDIR(src->mode) && is_ancestor(src, n->dir))
		return -EINVAL;
	if (flags & RENAME_EXCHANGE) {
		if (S_ISDIR(dst->mode) && is_ancestor(dst, o->dir))
			return -EINVAL;
		if (n->trailing_slash && !S_ISDIR(dst->mode) && !S_ISDIR(src->mode))
			return -ENOTDIR;
		/* Swap the two entries' inodes in place. */
		for (uint32_t i = 0; i < o->dir->u.dir.nents; i++)
			if (o->dir->u.dir.ents[i].inode == src && !strcmp(o->dir->u.dir.ents[i].name, o->last))
				o->dir->u.dir.ents[i].inode = dst;
		for (uint32_t i = 0; i < n->dir->u.dir.nents; i++)
			if (n->dir->u.dir.ents[i].inode == dst && !strcmp(n->dir->u.dir.ents[i].name, n->last))
				n->dir->u.dir.ents[i].inode = src;
		if (o->dir != n->dir) {
			if (S_ISDIR(src->mode)) {
				src->u.dir.parent = n->dir;
				o->dir->nlink--;
				n->dir->nlink++;
			}
			if (S_ISDIR(dst->mode)) {
				dst->u.dir.parent = o->dir;
				n->dir->nlink--;
				o->dir->nlink++;
			}
		}
	} else {
		if (dst) {
			if (S_ISDIR(src->mode) && !S_ISDIR(dst->mode))
				return -ENOTDIR;
			if (!S_ISDIR(src->mode) && S_ISDIR(dst->mode))
				return -EISDIR;
			if (S_ISDIR(dst->mode) && (dst->u.dir.nents || is_ancestor(dst, o->dir)))
				return -ENOTEMPTY;
			vfs_inode_get(dst);
			drop_link(n->dir, n->last, dst);
		}
		int err = move_entry(o->dir, o->last, n->dir, n->last, src);
		if (dst)
			vfs_inode_put(dst);   /* may free it: the replaced inode is not touched again */
		if (err)
			return err;
		dst = NULL;
	}
	struct ktimespec t = vfs_now();
	o->dir->mtime = o->dir->ctime = n->dir->mtime = n->dir->ctime = t;
	src->ctime = t;
	if (dst)
		dst->ctime = t;
	return 0;
}

int vfs_renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned flags)
{
	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
		return -EINVAL;
	if ((flags & RENAME_EXCHANGE) && (flags & (RENAME_NOREPLACE | RENAME_WHITEOUT)))
		return -EINVAL;
	if (flags & RENAME_WHITEOUT)
		return -EINVAL;   /* needs a character device whiteout; no app uses it */
	struct walk o, n;
	mutex_lock(&vfs_lock);
	int err = walk_at(olddirfd, oldpath, LOOKUP_PARENT, &o);
	if (err) {
		walk_done(&o);
		mutex_unlock(&vfs_lock);
		return err;
	}
	err = walk_at(newdirfd, newpath, LOOKUP_PARENT, &n);
	if (!err)
		err = rename_locked(&o.nd, &n.nd, flags);
	walk_done(&n);
	walk_done(&o);
	mutex_unlock(&vfs_lock);
	return err;
}

int vfs_linkat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, int flags)
{
	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	unsigned lf = (flags & AT_SYMLINK_FOLLOW) ? LOOKUP_FOLLOW : 0;
	if (flags & AT_EMPTY_PATH)
		lf |= LOOKUP_EMPTY;
	struct walk o, n;
	mutex_lock(&vfs_lock);
	int err = walk_at(olddirfd, oldpath, lf, &o);
	if (err) {
		walk_done(&o);
		mutex_unlock(&vfs_lock);
		return err;
	}
	struct inode *src = o.nd.inode;
	err = walk_at(newdirfd, newpath, LOOKUP_PARENT, &n);
	if (err)
		goto out;
	if (!src)
		err = -ENOENT;   /* an anonymous file cannot be linked */
	else if (n.nd.last_type != LAST_NORM || n.nd.inode)
		err = -EEXIST;
	else if (n.nd.trailing_slash)
		err = -ENOENT;
	else if (S_ISDIR(src->mode))
		err = -EPERM;
	else if (src->sb != n.nd.dir->sb)
		err = -EXDEV;
	else if (n.nd.dir->nlink == 0 || (src->nlink == 0))
		err = -ENOENT;
	else if (n.nd.dir->sb->nocreate)
		err = -EACCES;
	else {
		err = vfs_dir_add(n.nd.dir, n.nd.last, strlen(n.nd.last), src);
		if (!err) {
			src->nlink++;
			struct ktimespec t = vfs_now();
			src->ctime = n.nd.dir->mtime = n.nd.dir->ctime = t;
		}
	}
out:
	walk_done(&n);
	walk_done(&o);
	mutex_unlock(&vfs_lock);
	return err;
}

int vfs_symlinkat(const char *target, int dirfd, const char *path)
{
	if (!target[0])
		return -ENOENT;
	struct walk w;
	mutex_lock(&vfs_lock);
	int err = walk_at(dirfd, path, LOOKUP_PARENT, &w);
	if (err)
		goto out;
	if (w.nd.last_type != LAST_NORM || w.nd.inode)
		err = -EEXIST;
	else if (w.nd.trailing_slash || w.nd.dir->nlink == 0)
		err = -ENOENT;
	else if (w.nd.dir->sb->nocreate)
		err = -EACCES;
	else {
		struct inode *ino;
		err = vfs_symlink_in(w.nd.dir, w.nd.last, strlen(w.nd.last), target, &ino);
	}
out:
	walk_done(&w);
	mutex_unlock(&vfs_lock);
	return err;
}

long vfs_readlinkat(int dirfd, const char *path, char *buf, size_t size)
{
	struct walk w;
	mutex_lock(&vfs_lock);
	long err = walk_at(dirfd, path, LOOKUP_EMPTY, &w);
	if (err)
		goto out;
	struct inode *ino = w.nd.inode;
	if (!ino || !S_ISLNK(ino->mode)) {
		err = path[0] ? -EINVAL : -ENOENT;   /* do_readlinkat: "" names no link */
		goto out;
	}
	if (ino->u.lnk.readlink) {
		char *tmp = kmalloc(PATH_MAX);
		if (!tmp) {
			err = -ENOMEM;
			goto out;
		}
		err = ino->u.lnk.readlink(ino, tmp, PATH_MAX);
		if (err >= 0) {
			if ((size_t)err > size)
				err = (long)size;
			memcpy(buf, tmp, (size_t)err);
		}
		kfree(tmp);
	} else {
		size_t n = strlen(ino->u.lnk.target);
		if (n > size)
			n = size;
		memcpy(buf, ino->u.lnk.target, n);
		err = (long)n;
	}
out:
	walk_done(&w);
	mutex_unlock(&vfs_lock);
	return err;
}
