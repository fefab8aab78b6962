/* tarfs: walks the archive once with lib/tar.c and mirrors it into an
 * in-memory tree. A file's inode points at its bytes inside the archive;
 * when the packager page-aligned them, get_page shares them with mmap.
 * Hard links share the inode. Entries keep the archive's mode, owner and
 * mtime (atime = ctime = mtime, as after extraction with -p). */
#include "fs/tarfs.h"
#include "fs/vfs.h"
#include "lib/tar.h"
#include "mm/kmalloc.h"
#include "lib/string.h"
#include "lib/errno.h"

struct tarfs_ctx {
	struct super *sb;
	const uint8_t *base;
	char cache_path[TAR_PATH_MAX];   /* the last parent looked up */
	struct inode *cache_dir;
	struct tarfs_stats *st;
};

static void set_attrs(struct inode *ino, const struct tar_entry *e, uint32_t type)
{
	ino->mode = type | (e->mode & 07777);
	ino->uid = e->uid;
	ino->gid = e->gid;
	struct ktimespec t = { (int64_t)e->mtime, 0 };
	ino->atime = ino->mtime = ino->ctime = ino->btime = t;
}

/* Adds a fresh node named name[len] to dir without touching dir's times. */
static struct inode *add_node(struct tarfs_ctx *c, struct inode *dir, const char *name, size_t len, uint32_t mode)
{
	struct inode *ino = vfs_inode_new(c->sb, mode);
	if (!ino)
		return NULL;
	ino->refcount = 0;
	if (vfs_dir_add(dir, name, len, ino)) {
		vfs_inode_maybe_free(ino);
		return NULL;
	}
	if (S_ISDIR(mode)) {
		ino->nlink = 2;
		ino->u.dir.parent = dir;
		dir->nlink++;
	} else {
		ino->nlink = 1;
	}
	return ino;
}

/* Removes dir/name (a later archive entry replaces it). */
static void drop(struct inode *dir, const char *name, size_t len, struct inode *old)
{
	vfs_dir_remove(dir, name, len);
	if (S_ISDIR(old->mode)) {
		dir->nlink--;
		old->nlink = 0;
		old->u.dir.parent = NULL;
	} else {
		old->nlink--;
	}
	vfs_inode_maybe_free(old);
}

/* The directory for path[0..len), made (0755, the entry's mtime) where missing. */
static struct inode *parent_dir(struct tarfs_ctx *c, const char *path, size_t len, const struct tar_entry *e)
{
	if (len == 0)
		return c->sb->root;
	if (c->cache_dir && strlen(c->cache_path) == len && !memcmp(c->cache_path, path, len))
		return c->cache_dir;
	struct inode *dir = c->sb->root;
	size_t i = 0;
	while (i < len) {
		size_t j = i;
		while (j < len && path[j] != '/')
			j++;
		struct inode *next = vfs_dir_find(dir, path + i, j - i);
		if (next && !S_ISDIR(next->mode)) {
			drop(dir, path + i, j - i, next);
			next = NULL;
		}
		if (!next) {
			next = add_node(c, dir, path + i, j - i, S_IFDIR | 0755);
			if (!next)
				return NULL;
			struct ktimespec t = { (int64_t)e->mtime, 0 };
			next->atime = next->mtime = next->ctime = next->btime = t;
		}
		dir = next;
		i = j + 1;
	}
	memcpy(c->cache_path, path, len);
	c->cache_path[len] = 0;
	c->cache_dir = dir;
	return dir;
}

static const char *link_path_normalise(const char *p)
{
	while (p[0] == '.' && p[1] == '/')
		p += 2;
	while (*p == '/')
		p++;
	return p;
}

static int add_entry(struct tarfs_ctx *c, const struct tar_entry *e)
{
	const char *path = e->path;
	if (!path[0]) {   /* "./" itself: the root's attributes */
		if (e->type == TAR_DIR)
			set_attrs(c->sb->root, e, S_IFDIR);
		return 0;
	}
	const char *slash = strrchr(path, '/');
	size_t plen = slash ? (size_t)(slash - path) : 0;
	const char *name = slash ? slash + 1 : path;
	size_t nlen = strlen(name);
	if (nlen == 0 || nlen > NAME_MAX || (nlen == 1 && name[0] == '.') || (nlen == 2 && !memcmp(name, "..", 2))) {
		c->st->skipped++;
		return 0;
	}
	struct inode *dir = parent_dir(c, path, plen, e);
	if (!dir)
		return -ENOMEM;
	struct inode *old = vfs_dir_find(dir, name, nlen);
	if (e->type == TAR_DIR) {
		if (old && S_ISDIR(old->mode)) {
			set_attrs(old, e, S_IFDIR);
			return 0;
		}
		if (old)
			drop(dir, name, nlen, old);
		struct inode *ino = add_node(c, dir, name, nlen, S_IFDIR);
		if (!ino)
			return -ENOMEM;
		set_attrs(ino, e, S_IFDIR);
		c->st->dirs++;
		return 0;
	}
	if (old) {
		if (S_ISDIR(old->mode) && (old->u.dir.nents || e->type == TAR_HARDLINK)) {
			c->st->skipped++;   /* tar refuses to replace a non-empty directory too */
			return 0;
		}
		if (c->cache_dir == old)
			c->cache_dir = NULL;
		drop(dir, name, nlen, old);
	}
	struct inode *ino;
	switch (e->type) {
	case TAR_FILE:
		if (!(ino = add_node(c, dir, name, nlen, S_IFREG)))
			return -ENOMEM;
		set_attrs(ino, e, S_IFREG);
		ino->size = e->size;
		ino->u.reg.lower = c->base + e->data_offset;
		ino->u.reg.lower_off = e->data_offset;
		c->st->files++;
		return 0;
	case TAR_SYMLINK: {
		size_t tl = strlen(e->link);
		char *t = kmalloc(tl + 1);
		if (!t || !(ino = add_node(c, dir, name, nlen, S_IFLNK))) {
			kfree(t);
			return -ENOMEM;
		}
		memcpy(t, e->link, tl + 1);
		set_attrs(ino, e, S_IFLNK);
		ino->mode = S_IFLNK | 0777;
		ino->u.lnk.target = t;
		ino->size = tl;
		c->st->symlinks++;
		return 0;
	}
	case TAR_HARDLINK: {
		const char *src = link_path_normalise(e->link);
		const char *s2 = strrchr(src, '/');
		struct inode *sdir = s2 ? parent_dir(c, src, (size_t)(s2 - src), e) : c->sb->root;
		const char *sname = s2 ? s2 + 1 : src;
		struct inode *target = sdir ? vfs_dir_find(sdir, sname, strlen(sname)) : NULL;
		if (!target || S_ISDIR(target->mode)) {
			c->st->skipped++;
			return 0;
		}
		/* parent_dir may have moved the cache: look dir up again. */
		dir = parent_dir(c, path, plen, e);
		if (!dir || vfs_dir_add(dir, name, nlen, target))
			return -ENOMEM;
		target->nlink++;
		c->st->hardlinks++;
		return 0;
	}
	case TAR_CHAR:
	case TAR_BLOCK:
	case TAR_FIFO: {
		uint32_t type = e->type == TAR_CHAR ? S_IFCHR : e->type == TAR_BLOCK ? S_IFBLK : S_IFIFO;
		if (!(ino = add_node(c, dir, name, nlen, type)))
			return -ENOMEM;
		set_attrs(ino, e, type);
		ino->rdev = DEV_MAKE(e->devmajor, e->devminor);
		return 0;
	}
	default:
		c->st->skipped++;
		return 0;
	}
}

int tarfs_populate(struct super *sb, const uint8_t *base, uint64_t size, struct tarfs_stats *st)
{
	struct tarfs_stats dummy;
	struct tarfs_ctx *c = kzalloc(sizeof(*c));
	struct tar_reader *r = kmalloc(sizeof(*r));
	struct tar_entry *e = kmalloc(sizeof(*e));
	int err = -ENOMEM;
	if (!c || !r || !e)
		goto out;
	if (!st)
		st = &dummy;
	memset(st, 0, sizeof(*st));
	c->sb = sb;
	c->base = base;
	c->st = st;
	struct tar_mem mem = { base, size };
	tar_reader_init(r, tar_mem_read, &mem, size);
	while ((err = tar_next(r, e)) == 1) {
		if ((err = add_entry(c, e)) < 0)
			break;
	}
out:
	kfree(c);
	kfree(r);
	kfree(e);
	return err;
}
