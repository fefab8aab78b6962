/* procfs: a memfs tree (nocreate) whose regular files carry a generator
 * (u.reg.gen) run at open into a private buffer, and whose links compute
 * their target at readlink. /proc/1/fd is a dynamic directory over the fd
 * table; its entries are magic links: following one opens the same file. */
#include "fs/procfs.h"
#include "fs/sysfs.h"
#include "fs/vfs.h"
#include "fs/path.h"
#include "fs/fdtable.h"
#include "mm/kmalloc.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "lib/errno.h"

const char *proc_exe_path;
static struct super *proc_sb;
static struct inode *proc_pid_dir;   /* /proc/1 */

/* --- generated files --- */

struct gen_buf { char *data; size_t len; };

static int gen_open(struct inode *ino, struct file *f)
{
	/* sysfs refuses a writable open of an attribute that has no store
	 * (EACCES, even for root); procfs lets it open and fails the write. */
	if (ino->sb->magic == SYSFS_MAGIC && (f->flags & O_ACCMODE) != O_RDONLY)
		return -EACCES;
	size_t size = 4096;
	for (;;) {
		char *buf = kmalloc(size);
		if (!buf)
			return -ENOMEM;
		long n = ino->u.reg.gen(buf, size);
		if (n < 0) {
			kfree(buf);
			return (int)n;
		}
		if ((size_t)n < size) {
			struct gen_buf *g = kmalloc(sizeof(*g));
			if (!g) {
				kfree(buf);
				return -ENOMEM;
			}
			g->data = buf;
			g->len = (size_t)n;
			f->priv = g;
			return 0;
		}
		kfree(buf);
		if (size >= (16u << 20))
			return -ENOMEM;
		size = (size_t)n + 1 > size * 2 ? (size_t)n + 1 : size * 2;
	}
}

static long gen_pread(struct file *f, void *buf, size_t n, uint64_t off)
{
	struct gen_buf *g = f->priv;
	if (off >= g->len)
		return 0;
	if (n > g->len - off)
		n = g->len - off;
	memcpy(buf, g->data + off, n);
	return (long)n;
}

static long gen_read(struct file *f, void *buf, size_t n)
{
	long r = gen_pread(f, buf, n, f->pos);
	if (r > 0)
		f->pos += (uint64_t)r;
	return r;
}

static long gen_write(struct file *f, const void *buf, size_t n) { return -EIO; }
static long gen_pwrite(struct file *f, const void *buf, size_t n, uint64_t off) { return -EIO; }
static long gen_lseek(struct file *f, int64_t off, int whence)
{
	return vfs_generic_lseek(f, off, whence, ((struct gen_buf *)f->priv)->len);
}
static uint32_t gen_poll(struct file *f) { return POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM; }
static void gen_release(struct file *f)
{
	struct gen_buf *g = f->priv;
	if (g) {
		kfree(g->data);
		kfree(g);
	}
}

static const struct file_ops gen_ops = {
	.open = gen_open, .read = gen_read, .write = gen_write, .pread = gen_pread, .pwrite = gen_pwrite,
	.lseek = gen_lseek, .poll = gen_poll, .release = gen_release,
};

/* Caller holds vfs_lock (or runs before anything else, at init). */
int genfs_add(struct inode *dir, const char *path, long (*gen)(char *buf, size_t size))
{
	for (;;) {
		const char *slash = strchr(path, '/');
		size_t len = slash ? (size_t)(slash - path) : strlen(path);
		if (len == 0 || len > NAME_MAX)
			return -EINVAL;
		struct inode *next = vfs_dir_find(dir, path, len);
		if (!slash) {
			if (next)
				return -EEXIST;
			struct inode *ino;
			int err = vfs_mknod_in(dir, path, len, S_IFREG | 0444, &ino);
			if (err)
				return err;
			ino->fops = &gen_ops;
			ino->u.reg.gen = gen;
			return 0;
		}
		if (!next) {
			int err = vfs_mkdir_in(dir, path, len, 0555, &next);
			if (err)
				return err;
		} else if (!S_ISDIR(next->mode)) {
			return -ENOTDIR;
		}
		dir = next;
		path = slash + 1;
	}
}

int procfs_register(const char *path, long (*gen)(char *buf, size_t size))
{
	while (*path == '/')
		path++;
	if (!strncmp(path, "proc/", 5))
		path += 5;
	struct inode *dir = proc_sb->root;
	if (!strncmp(path, "self/", 5)) {
		dir = proc_pid_dir;
		path += 5;
	}
	return genfs_add(dir, path, gen);
}

static long put_str(char *buf, size_t n, const char *s)
{
	size_t l = strlen(s);
	memcpy(buf, s, l < n ? l : n);
	return (long)(l < n ? l : n);
}

/* Mount options as Linux shows them for each kind of mount we make; the
 * superblock's own options (mountinfo's last field) are the part after '|'. */
static void mount_opts(const struct super *sb, const char **per_mount, const char **per_super)
{
	if (sb->magic == PROC_SUPER_MAGIC || sb->magic == SYSFS_MAGIC) {
		*per_mount = "rw,nosuid,nodev,noexec,relatime";
		*per_super = "rw";
	} else if (!strcmp(sb->type, "devtmpfs")) {
		*per_mount = "rw,nosuid,relatime";
		*per_super = "rw,mode=755";
	} else if (!strcmp(sb->type, "overlay")) {
		*per_mount = "rw,relatime";
		*per_super = "rw";
	} else {
		*per_mount = "rw,nosuid,nodev,relatime";
		*per_super = "rw";
	}
}

/* mountinfo's ids: the position in the mount list, from 21 like a booted Linux. */
static int mount_id(const struct super *want)
{
	int id = 21;
	for (struct super *sb = vfs_mounts; sb && sb != want; sb = sb->next)
		id++;
	return id;
}

/* /proc/mounts (fstab(5) format) and /proc/self/mountinfo (proc(5)): one line
 * per mount in mount order. Runs under vfs_lock. */
static long gen_mount_table(char *buf, size_t size, bool info)
{
	size_t at = 0;
	char *path = kmalloc(PATH_MAX);
	if (!path)
		return -ENOMEM;
	for (struct super *sb = vfs_mounts; sb; sb = sb->next) {
		if (sb->covered) {
			if (vfs_dir_path(sb->covered, path, PATH_MAX) < 0)
				continue;
		} else {
			strlcpy(path, "/", PATH_MAX);
		}
		const char *mopts, *sopts;
		mount_opts(sb, &mopts, &sopts);
		char *out = buf + (at < size ? at : size);
		size_t room = at < size ? size - at : 0;
		int n;
		if (info) {
			int parent = sb->covered ? mount_id(sb->covered->sb) : 1;
			n = ksnprintf(out, room, "%d %d 0:%u / %s %s - %s %s %s\n", mount_id(sb), parent,
				      (unsigned)sb->dev, path, mopts, sb->type, sb->source, sopts);
		} else {
			n = ksnprintf(out, room, "%s %s %s %s%s 0 0\n", sb->source, path, sb->type, mopts,
				      !strcmp(sb->type, "devtmpfs") ? ",mode=755" : "");
		}
		at += (size_t)n;
	}
	kfree(path);
	return (long)at;
}

static long gen_mounts(char *buf, size_t size) { return gen_mount_table(buf, size, false); }
static long gen_mountinfo(char *buf, size_t size) { return gen_mount_table(buf, size, true); }

static long gen_filesystems(char *buf, size_t size)
{
	return ksnprintf(buf, size, "nodev\tsysfs\nnodev\tproc\nnodev\ttmpfs\nnodev\tdevtmpfs\nnodev\tpipefs\nnodev\toverlay\n");
}

/* --- links --- */

static long self_readlink(struct inode *ino, char *buf, size_t n) { return put_str(buf, n, "1"); }

static long exe_readlink(struct inode *ino, char *buf, size_t n)
{
	return proc_exe_path ? put_str(buf, n, proc_exe_path) : -ENOENT;
}

/* Runs under vfs_lock (path walk, readlinkat). A removed cwd gives ENOENT. */
static long cwd_readlink(struct inode *ino, char *buf, size_t n) { return vfs_dir_path(vfs_cwd, buf, n); }

static struct inode **fd_nodes;
static uint32_t fd_nodes_cap;

static int fd_of(struct inode *ino) { return (int)(uintptr_t)ino->priv; }

static long fd_readlink(struct inode *ino, char *buf, size_t n)
{
	struct file *f = fdtable_get(fd_of(ino));
	if (!f)
		return -ENOENT;
	long r;
	if (f->path) {
		r = put_str(buf, n, f->path);
		if (f->inode && f->inode->nlink == 0 && (size_t)r + 10 < n)
			r += put_str(buf + r, n - (size_t)r, " (deleted)");
	} else {
		r = put_str(buf, n, "anon_inode:[unknown]");
	}
	file_put(f);
	return r;
}

static struct file *fd_magic(struct inode *ino) { return fdtable_get(fd_of(ino)); }

/* The link inode for fd, made once and kept (the directory owns it). */
static struct inode *fd_node(int fd)
{
	if ((uint32_t)fd >= fd_nodes_cap) {
		uint32_t cap = fd_nodes_cap ? fd_nodes_cap : 64;
		while (cap <= (uint32_t)fd)
			cap *= 2;
		struct inode **n = kzalloc(cap * sizeof(*n));
		if (!n)
			return NULL;
		if (fd_nodes_cap)
			memcpy(n, fd_nodes, fd_nodes_cap * sizeof(*n));
		kfree(fd_nodes);
		fd_nodes = n;
		fd_nodes_cap = cap;
	}
	if (!fd_nodes[fd]) {
		struct inode *ino = vfs_inode_new(proc_sb, S_IFLNK | 0700);
		if (!ino)
			return NULL;
		ino->nlink = 1;
		ino->refcount = 0;
		ino->priv = (void *)(uintptr_t)fd;
		ino->u.lnk.readlink = fd_readlink;
		ino->u.lnk.magic = fd_magic;
		fd_nodes[fd] = ino;
	}
	return fd_nodes[fd];
}

static struct inode *fd_lookup(struct inode *dir, const char *name)
{
	unsigned long long fd;
	if (!name[0] || (name[0] == '0' && name[1]) || parse_u64(name, strlen(name), &fd) || fd > 0x7fffffff)
		return NULL;
	struct file *f = fdtable_get((int)fd);
	if (!f)
		return NULL;
	file_put(f);
	return fd_node((int)fd);
}

static void fd_iterate(struct inode *dir, uint64_t idx,
		       int (*emit)(void *ctx, const char *name, uint64_t ino, unsigned type, uint64_t next), void *ctx)
{
	char name[16];
	for (int fd = fdtable_next(idx > 0x7fffffff ? 0x7fffffff : (int)idx); fd >= 0; fd = fdtable_next(fd + 1)) {
		struct inode *ino = fd_node(fd);
		if (!ino)
			return;
		ksnprintf(name, sizeof(name), "%d", fd);
		if (emit(ctx, name, ino->ino, DT_LNK, (uint64_t)fd + 3))
			return;
	}
}

static const struct dyn_dir_ops fd_dir_ops = { .lookup = fd_lookup, .iterate = fd_iterate };

static struct inode *mklink(struct inode *dir, const char *name, long (*fn)(struct inode *, char *, size_t))
{
	struct inode *ino;
	if (vfs_mknod_in(dir, name, strlen(name), S_IFLNK | 0777, &ino))
		return NULL;
	ino->u.lnk.readlink = fn;
	return ino;
}

struct super *procfs_new(void)
{
	struct super *sb = vfs_super_new("proc", "proc", PROC_SUPER_MAGIC, 0, 0555);
	if (!sb)
		return NULL;
	struct inode *root = sb->root;
	proc_sb = sb;
	struct inode *pid, *fd;
	if (vfs_mkdir_in(root, "1", 1, 0555, &pid) || vfs_mkdir_in(pid, "fd", 2, 0500, &fd))
		return NULL;
	proc_pid_dir = pid;
	fd->u.dir.dyn = &fd_dir_ops;
	if (!mklink(root, "self", self_readlink) || !mklink(pid, "exe", exe_readlink) || !mklink(pid, "cwd", cwd_readlink))
		return NULL;
	if (procfs_register("mounts", gen_mounts) || procfs_register("self/mounts", gen_mounts) ||
	    procfs_register("self/mountinfo", gen_mountinfo) ||
	    procfs_register("filesystems", gen_filesystems))
		return NULL;
	sb->nocreate = true;
	return sb;
}
