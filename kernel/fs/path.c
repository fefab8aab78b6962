/* Path resolution (path_walk): the component loop of Linux's link_path_walk
 * in one function. A symlink met on the way is replaced in the remaining
 * path by its target, so nesting costs no recursion; 40 links in one walk
 * give ELOOP as on Linux (MAXSYMLINKS). Caller holds vfs_lock. */
#include "fs/path.h"
#include "mm/kmalloc.h"
#include "lib/string.h"
#include "lib/errno.h"

struct inode *path_lookup_child(struct inode *dir, const char *name, size_t len)
{
	if (len == 1 && name[0] == '.')
		return dir;
	if (len == 2 && name[0] == '.' && name[1] == '.') {
		if (dir == vfs_root)
			return dir;
		while (dir == dir->sb->root && dir->sb->covered)
			dir = dir->sb->covered;
		return dir == vfs_root ? dir : dir->u.dir.parent;
	}
	struct inode *child;
	if (dir->u.dir.dyn) {
		char tmp[NAME_MAX + 1];
		memcpy(tmp, name, len);
		tmp[len] = 0;
		child = dir->u.dir.dyn->lookup(dir, tmp);
	} else {
		child = vfs_dir_find(dir, name, len);
	}
	while (child && S_ISDIR(child->mode) && child->u.dir.mounted)
		child = child->u.dir.mounted->root;
	return child;
}

/* The target of symlink ino into buf (PATH_MAX bytes); returns its length. */
static long link_target(struct inode *ino, char *buf)
{
	if (ino->u.lnk.readlink)
		return ino->u.lnk.readlink(ino, buf, PATH_MAX);
	size_t n = strlen(ino->u.lnk.target);
	memcpy(buf, ino->u.lnk.target, n);
	return (long)n;
}

int path_walk(struct inode *start, const char *path, unsigned flags, struct nameidata *nd)
{
	nd->dir = nd->inode = NULL;
	nd->file = NULL;
	nd->last_type = LAST_NORM;
	nd->trailing_slash = false;
	nd->links = 0;
	nd->last[0] = 0;
	size_t plen = strlen(path);
	if (plen == 0) {
		if (!(flags & LOOKUP_EMPTY))
			return -ENOENT;
		nd->dir = nd->inode = start;
		nd->last_type = LAST_DOT;
		return (flags & LOOKUP_DIRECTORY) && !S_ISDIR(start->mode) ? -ENOTDIR : 0;
	}
	if (plen >= PATH_MAX)
		return -ENAMETOOLONG;
	char *bufs = kmalloc(3 * PATH_MAX);
	if (!bufs)
		return -ENOMEM;
	char *cur_buf = bufs, *other = bufs + PATH_MAX, *target = bufs + 2 * PATH_MAX;
	memcpy(cur_buf, path, plen + 1);
	const char *p = cur_buf;
	struct inode *cur = *p == '/' ? vfs_root : start;
	int err = 0;
	for (;;) {
		while (*p == '/')
			p++;
		if (*p == 0) {   /* the path is only slashes: "/" */
			nd->dir = nd->inode = cur;
			nd->last_type = LAST_ROOT;
			break;
		}
		const char *q = p;
		while (*q && *q != '/')
			q++;
		size_t len = (size_t)(q - p);
		if (len > NAME_MAX) {
			err = -ENAMETOOLONG;
			goto out;
		}
		const char *r = q;
		while (*r == '/')
			r++;
		bool last = *r == 0;
		if (!S_ISDIR(cur->mode)) {
			err = -ENOTDIR;
			goto out;
		}
		int type = LAST_NORM;
		if (len == 1 && p[0] == '.')
			type = LAST_DOT;
		else if (len == 2 && p[0] == '.' && p[1] == '.')
			type = LAST_DOTDOT;
		if (last) {
			memcpy(nd->last, p, len);
			nd->last[len] = 0;
			nd->last_type = type;
			nd->trailing_slash = q != r;
			nd->dir = cur;
		}
		struct inode *child = path_lookup_child(cur, p, len);
		if (last && (flags & LOOKUP_PARENT)) {
			nd->inode = child;
			break;
		}
		if (!child) {
			err = -ENOENT;
			goto out;
		}
		if (S_ISLNK(child->mode) && (!last || (flags & LOOKUP_FOLLOW) || nd->trailing_slash)) {
			if (++nd->links > SYMLOOP_MAX) {
				err = -ELOOP;
				goto out;
			}
			if (child->u.lnk.magic) {
				/* /proc/self/fd/N names the open file itself, even a deleted or anonymous one. */
				struct file *f = child->u.lnk.magic(child);
				if (!f) {
					err = -ENOENT;
					goto out;
				}
				if (nd->file)
					file_put(nd->file);
				nd->file = f;
				child = f->inode;
				if (!child) {
					if (!last) {
						err = -ENOTDIR;
						goto out;
					}
					nd->inode = NULL;
					break;
				}
			} else {
				long tl = link_target(child, target);
				if (tl < 0) {
					err = (int)tl;
					goto out;
				}
				if (tl == 0) {
					err = -ENOENT;
					goto out;
				}
				size_t rest = strlen(q);
				if ((size_t)tl + rest >= PATH_MAX) {
					err = -ENAMETOOLONG;
					goto out;
				}
				memcpy(other, target, (size_t)tl);
				memcpy(other + tl, q, rest + 1);
				char *t = cur_buf;
				cur_buf = other;
				other = t;
				p = cur_buf;
				if (*p == '/')
					cur = vfs_root;
				continue;
			}
		}
		if (last) {
			nd->inode = child;
			break;
		}
		cur = child;
		p = q;
	}
	if (!(flags & LOOKUP_PARENT) && nd->inode && (nd->trailing_slash || (flags & LOOKUP_DIRECTORY)) &&
	    !S_ISDIR(nd->inode->mode))
		err = -ENOTDIR;
out:
	if (err && nd->file) {
		file_put(nd->file);
		nd->file = NULL;
	}
	kfree(bufs);
	return err;
}
