/* The VFS core: inode life cycle, timestamps, the in-memory directory every
 * filesystem uses (an array of entries ordered by a per-directory cookie that
 * doubles as the getdents offset, so unlinking during a readdir never skips
 * an entry), mounts and directory paths. Above: namei.c and path.c. */
#include "fs/vfs.h"
#include "fs/inotify.h"
#include "fs/tmpfs.h"
#include "fs/locks.h"
#include "mm/kmalloc.h"
#include "lib/string.h"
#include "lib/errno.h"
#include "core/time.h"

struct mutex vfs_lock;
struct inode *vfs_root;
struct inode *vfs_cwd;
uint32_t vfs_umask = 022;
struct super *vfs_mounts;
static uint32_t next_anon_dev = 0x20;

struct super *vfs_super_new(const char *type, const char *source, uint64_t magic, uint64_t size_max,
			    uint32_t root_mode)
{
	struct super *sb = kzalloc(sizeof(*sb));
	if (!sb)
		return NULL;
	sb->type = type;
	sb->source = source;
	sb->magic = magic;
	sb->size_max = size_max;
	sb->dev = __atomic_fetch_add(&next_anon_dev, 1, __ATOMIC_RELAXED);
	sb->next_ino = 1;
	struct inode *root = vfs_inode_new(sb, S_IFDIR | root_mode);
	if (!root) {
		kfree(sb);
		return NULL;
	}
	root->nlink = 2;
	root->u.dir.parent = root;
	sb->root = root;
	return sb;
}

struct ktimespec vfs_now(void)
{
	int64_t ns = time_realtime_ns();
	struct ktimespec t = { ns / (int64_t)NSEC_PER_SEC, ns % (int64_t)NSEC_PER_SEC };
	return t;
}

void vfs_touch(struct inode *ino, bool a, bool m, bool c)
{
	struct ktimespec t = vfs_now();
	if (a)
		ino->atime = t;
	if (m)
		ino->mtime = t;
	if (c)
		ino->ctime = t;
}

static bool ts_le(struct ktimespec a, struct ktimespec b)
{
	return a.sec < b.sec || (a.sec == b.sec && a.nsec <= b.nsec);
}

void vfs_touch_atime(struct inode *ino)
{
	struct ktimespec t = vfs_now();
	if (ts_le(ino->atime, ino->mtime) || ts_le(ino->atime, ino->ctime) || t.sec - ino->atime.sec >= 24 * 3600)
		ino->atime = t;
}

int vfs_dtype(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return DT_REG;
	case S_IFDIR: return DT_DIR;
	case S_IFLNK: return DT_LNK;
	case S_IFCHR: return DT_CHR;
	case S_IFBLK: return DT_BLK;
	case S_IFIFO: return DT_FIFO;
	case S_IFSOCK: return DT_SOCK;
	}
	return DT_UNKNOWN;
}

struct inode *vfs_inode_new(struct super *sb, uint32_t mode)
{
	struct inode *ino = kzalloc(sizeof(*ino));
	if (!ino)
		return NULL;
	ino->sb = sb;
	ino->ino = __atomic_fetch_add(&sb->next_ino, 1, __ATOMIC_RELAXED);
	ino->mode = mode;
	ino->refcount = 1;
	mutex_init(&ino->lock);
	struct ktimespec t = vfs_now();
	ino->atime = ino->mtime = ino->ctime = ino->btime = t;
	__atomic_fetch_add(&sb->inodes, 1, __ATOMIC_RELAXED);
	return ino;
}

struct inode *vfs_inode_get(struct inode *ino)
{
	if (ino)
		__atomic_fetch_add(&ino->refcount, 1, __ATOMIC_RELAXED);
	return ino;
}

static void inode_free(struct inode *ino)
{
	if (S_ISREG(ino->mode))
		tmpfs_free_data(ino);
	else if (S_ISLNK(ino->mode))
		kfree(ino->u.lnk.target);
	else if (S_ISDIR(ino->mode)) {
		for (uint32_t i = 0; i < ino->u.dir.nents; i++)
			kfree(ino->u.dir.ents[i].name);
		kfree(ino->u.dir.ents);
	}
	locks_free(ino);
	__atomic_fetch_sub(&ino->sb->inodes, 1, __ATOMIC_RELAXED);
	kfree(ino);
}

void vfs_inode_maybe_free(struct inode *ino)
{
	if (__atomic_load_n(&ino->refcount, __ATOMIC_ACQUIRE) || __atomic_load_n(&ino->nlink, __ATOMIC_ACQUIRE))
		return;
	/* The unlink and the last put can race to here: one sets the mark. */
	if (__atomic_exchange_n(&ino->refcount, 0x80000000u, __ATOMIC_ACQ_REL) != 0)
		return;
	inode_free(ino);
}

void vfs_inode_put(struct inode *ino)
{
	if (!ino)
		return;
	if (__atomic_sub_fetch(&ino->refcount, 1, __ATOMIC_ACQ_REL) == 0)
		vfs_inode_maybe_free(ino);
}

static uint32_t name_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	return h;
}

static struct dentry_rec *dir_find_rec(struct inode *dir, const char *name, size_t len)
{
	uint32_t h = name_hash(name, len);
	for (uint32_t i = 0; i < dir->u.dir.nents; i++) {
		struct dentry_rec *d = &dir->u.dir.ents[i];
		if (d->hash == h && d->len == len && !memcmp(d->name, name, len))
			return d;
	}
	return NULL;
}

struct inode *vfs_dir_find(struct inode *dir, const char *name, size_t len)
{
	struct dentry_rec *d = dir_find_rec(dir, name, len);
	return d ? d->inode : NULL;
}

int vfs_dir_add(struct inode *dir, const char *name, size_t len, struct inode *ino)
{
	if (dir->u.dir.nents == dir->u.dir.cap) {
		uint32_t cap = dir->u.dir.cap ? dir->u.dir.cap * 2 : 8;
		struct dentry_rec *n = kmalloc(cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		if (dir->u.dir.nents)
			memcpy(n, dir->u.dir.ents, dir->u.dir.nents * sizeof(*n));
		kfree(dir->u.dir.ents);
		dir->u.dir.ents = n;
		dir->u.dir.cap = cap;
	}
	char *copy = kmalloc(len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, name, len);
	copy[len] = 0;
	if (dir->u.dir.next_cookie < 2)
		dir->u.dir.next_cookie = 2;
	struct dentry_rec *d = &dir->u.dir.ents[dir->u.dir.nents++];
	d->name = copy;
	d->len = (uint32_t)len;
	d->hash = name_hash(name, len);
	d->cookie = dir->u.dir.next_cookie++;
	d->inode = ino;
	if (!fsnotify_rename_cookie)   /* a rename reports its own events, in Linux's order */
		fsnotify(dir, IN_CREATE | (S_ISDIR(ino->mode) ? IN_ISDIR : 0), name, len, 0);
	return 0;
}

int vfs_dir_remove(struct inode *dir, const char *name, size_t len)
{
	struct dentry_rec *d = dir_find_rec(dir, name, len);
	if (!d)
		return -ENOENT;
	struct inode *ino = d->inode;
	uint32_t isdir = S_ISDIR(ino->mode) ? IN_ISDIR : 0;
	if (!fsnotify_rename_cookie) {
		/* As Linux orders them: the file's link count (IN_ATTRIB), then, for its last
		 * name or a directory, the object itself (IN_DELETE_SELF), then the parent. */
		if (!isdir)
			fsnotify(ino, IN_ATTRIB, 0, 0, 0);
		if (isdir || ino->nlink <= 1)
			fsnotify(ino, IN_DELETE_SELF, 0, 0, 0);
		fsnotify(dir, IN_DELETE | isdir, name, len, 0);
	}
	kfree(d->name);
	uint32_t i = (uint32_t)(d - dir->u.dir.ents);
	memmove(d, d + 1, (dir->u.dir.nents - i - 1) * sizeof(*d));
	dir->u.dir.nents--;
	return 0;
}

static struct inode *node_new(struct inode *dir, uint32_t mode)
{
	struct inode *ino = vfs_inode_new(dir->sb, mode);
	if (!ino)
		return NULL;
	ino->refcount = 0;   /* held by its link only */
	return ino;
}

int vfs_mknod_in(struct inode *dir, const char *name, size_t len, uint32_t mode, struct inode **out)
{
	struct inode *ino = node_new(dir, mode);
	if (!ino)
		return -ENOMEM;
	int err = vfs_dir_add(dir, name, len, ino);
	if (err) {
		vfs_inode_maybe_free(ino);
		return err;
	}
	ino->nlink = 1;
	dir->mtime = dir->ctime = ino->mtime;
	*out = ino;
	return 0;
}

int vfs_mkdir_in(struct inode *dir, const char *name, size_t len, uint32_t mode, struct inode **out)
{
	struct inode *ino = node_new(dir, S_IFDIR | (mode & 07777));
	if (!ino)
		return -ENOMEM;
	int err = vfs_dir_add(dir, name, len, ino);
	if (err) {
		vfs_inode_maybe_free(ino);
		return err;
	}
	ino->nlink = 2;
	ino->u.dir.parent = dir;
	dir->nlink++;
	dir->mtime = dir->ctime = ino->mtime;
	*out = ino;
	return 0;
}

int vfs_symlink_in(struct inode *dir, const char *name, size_t len, const char *target, struct inode **out)
{
	size_t tl = strlen(target);
	char *t = kmalloc(tl + 1);
	if (!t)
		return -ENOMEM;
	memcpy(t, target, tl + 1);
	struct inode *ino;
	int err = vfs_mknod_in(dir, name, len, S_IFLNK | 0777, &ino);
	if (err) {
		kfree(t);
		return err;
	}
	ino->u.lnk.target = t;
	ino->size = tl;
	*out = ino;
	return 0;
}

int vfs_mount(struct inode *dir, struct super *sb)
{
	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	if (dir->u.dir.mounted)
		return -EBUSY;
	dir->u.dir.mounted = sb;
	sb->covered = vfs_inode_get(dir);
	struct super **pp = &vfs_mounts;
	while (*pp)
		pp = &(*pp)->next;
	*pp = sb;
	return 0;
}

/* "." and ".." (offsets 0 and 1), then the entries by cookie. emit gets the
 * offset after each entry and returns nonzero to stop (buffer full). */
long vfs_readdir(struct inode *dir, uint64_t pos,
		 int (*emit)(void *ctx, const char *name, uint64_t ino, unsigned type, uint64_t next), void *ctx)
{
	if (dir->nlink == 0)
		return 0;   /* a removed directory lists nothing, not even "." (Linux dcache_readdir) */
	if (pos == 0) {
		if (emit(ctx, ".", dir->ino, DT_DIR, 1))
			return 0;
		pos = 1;
	}
	if (pos == 1) {
		struct inode *p = dir;
		while (p == p->sb->root && p->sb->covered)
			p = p->sb->covered;
		p = p->u.dir.parent ? p->u.dir.parent : p;
		if (emit(ctx, "..", p->ino, DT_DIR, 2))
			return 0;
		pos = 2;
	}
	if (dir->u.dir.dyn) {
		dir->u.dir.dyn->iterate(dir, pos - 2, emit, ctx);
		return 0;
	}
	uint32_t lo = 0, hi = dir->u.dir.nents;   /* first cookie >= pos */
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (dir->u.dir.ents[mid].cookie < pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (uint32_t i = lo; i < dir->u.dir.nents; i++) {
		struct dentry_rec *d = &dir->u.dir.ents[i];
		if (emit(ctx, d->name, d->inode->ino, vfs_dtype(d->inode->mode), d->cookie + 1))
			return 0;
	}
	return 0;
}

static const char *name_in_parent(struct inode *p, struct inode *x, uint32_t *len)
{
	for (uint32_t i = 0; i < p->u.dir.nents; i++)
		if (p->u.dir.ents[i].inode == x) {
			*len = p->u.dir.ents[i].len;
			return p->u.dir.ents[i].name;
		}
	return NULL;
}

long vfs_dir_path(struct inode *dir, char *buf, size_t size)
{
	if (size < 2)
		return -ERANGE;
	size_t at = size - 1;
	buf[at] = 0;
	struct inode *x = dir;
	for (;;) {
		while (x != vfs_root && x == x->sb->root && x->sb->covered)
			x = x->sb->covered;
		if (x == vfs_root)
			break;
		if (x->nlink == 0 || !x->u.dir.parent)
			return -ENOENT;
		uint32_t len;
		const char *n = name_in_parent(x->u.dir.parent, x, &len);
		if (!n)
			return -ENOENT;
		if (at < len + 1)
			return -ENAMETOOLONG;
		at -= len;
		memcpy(buf + at, n, len);
		buf[--at] = '/';
		x = x->u.dir.parent;
	}
	if (at == size - 1)
		buf[--at] = '/';
	size_t n = size - 1 - at;
	memmove(buf, buf + at, n + 1);
	return (long)n;
}
