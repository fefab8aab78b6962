/* The VFS core: inodes, in-memory directories, mounts and the operations on
 * names (open, mkdir, unlink, rename...). Every filesystem here keeps its tree
 * in memory (tarfs populates it from the initrd, tmpfs/devfs/procfs build it
 * at run time), so one directory implementation serves all of them. The
 * compat/sys handlers sit above (they only pass kernel buffers down); tmpfs.c
 * (file data), path.c (name resolution) and fdtable.c sit beside it.
 *
 * Locking: vfs_lock (a mutex) protects the whole name space: directory
 * entries, parent links, mounts, nlink. Each inode's ->lock protects its data
 * and size. Order: vfs_lock before any inode lock; never block on a pipe or
 * the console while holding either. */
#ifndef FS_VFS_H
#define FS_VFS_H
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "sched/mutex.h"
#include "fs/file.h"

/* Mode bits and types (Linux values, sys/stat.h). */
#define S_IFMT   0170000
#define S_IFSOCK 0140000
#define S_IFLNK  0120000
#define S_IFREG  0100000
#define S_IFBLK  0060000
#define S_IFDIR  0040000
#define S_IFCHR  0020000
#define S_IFIFO  0010000
#define S_ISUID  04000
#define S_ISGID  02000
#define S_ISVTX  01000
#define S_ISREG(m)  (((m) & S_IFMT) == S_IFREG)
#define S_ISDIR(m)  (((m) & S_IFMT) == S_IFDIR)
#define S_ISLNK(m)  (((m) & S_IFMT) == S_IFLNK)
#define S_ISCHR(m)  (((m) & S_IFMT) == S_IFCHR)
#define S_ISFIFO(m) (((m) & S_IFMT) == S_IFIFO)

/* dirent d_type values. */
#define DT_UNKNOWN 0
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_BLK 6
#define DT_REG 8
#define DT_LNK 10
#define DT_SOCK 12

/* open(2) flags, x86-64 values (asm-generic/fcntl.h). */
#define O_ACCMODE   03
#define O_RDONLY    00
#define O_WRONLY    01
#define O_RDWR      02
#define O_CREAT     0100
#define O_EXCL      0200
#define O_NOCTTY    0400
#define O_TRUNC     01000
#define O_APPEND    02000
#define O_NONBLOCK  04000
#define O_DSYNC     010000
#define O_ASYNC     020000
#define O_DIRECT    040000
#define O_LARGEFILE 0100000
#define O_DIRECTORY 0200000
#define O_NOFOLLOW  0400000
#define O_NOATIME   01000000
#define O_CLOEXEC   02000000
#define O_SYNC      04010000
#define O_PATH      010000000
#define O_TMPFILE   020200000

#define NAME_MAX 255
#define PATH_MAX 4096
#define SYMLOOP_MAX 40

#define DEV_MAKE(major, minor) ((((uint64_t)(major) & 0xfff) << 8) | ((minor) & 0xff) | \
			       (((uint64_t)(minor) & ~0xffULL) << 12))
#define DEV_MAJOR(d) ((uint32_t)(((d) >> 8) & 0xfff))
#define DEV_MINOR(d) ((uint32_t)(((d) & 0xff) | (((d) >> 12) & ~0xffULL)))

struct ktimespec { int64_t sec; int64_t nsec; };

/* What stat/statx report, before the ABI shell lays it out. */
struct kstat {
	uint64_t dev, ino, rdev, size, blocks;
	uint32_t mode, nlink, uid, gid, blksize;
	struct ktimespec atime, mtime, ctime, btime;
};

/* One mounted filesystem. */
struct super {
	const char *type;         /* "overlay", "tmpfs", "devtmpfs", "proc" (statfs, /proc/mounts) */
	const char *source;       /* first column of /proc/mounts */
	uint64_t magic;           /* statfs f_type */
	uint32_t dev;             /* st_dev: an anonymous device 0:N */
	uint64_t next_ino;
	uint64_t size_max;        /* bytes of file data allowed; 0 = no limit */
	uint64_t bytes_used;      /* bytes of pages held by files */
	uint64_t inodes;          /* live inodes */
	bool nocreate;            /* procfs: names cannot be made or removed here (EACCES) */
	struct inode *root;
	struct inode *covered;    /* the directory this is mounted on; NULL for "/" */
	struct super *next;       /* the mount list, in mount order */
};

struct dentry_rec {
	char *name;
	uint32_t hash, len;
	uint64_t cookie;          /* getdents offset: strictly increasing in the array */
	struct inode *inode;
};

/* procfs hooks for directories whose entries are computed (/proc/1/fd). */
struct dyn_dir_ops {
	/* Looks name up; returns an inode the directory keeps alive (no reference), or NULL. */
	struct inode *(*lookup)(struct inode *dir, const char *name);
	/* Calls emit for every entry from index idx on (next = idx of the following entry + 3);
	 * returns when emit returns nonzero. */
	void (*iterate)(struct inode *dir, uint64_t idx,
			int (*emit)(void *ctx, const char *name, uint64_t ino, unsigned type, uint64_t next), void *ctx);
};

struct lock_state;

struct inode {
	uint64_t ino;
	uint32_t mode, uid, gid, nlink;
	uint64_t rdev;
	uint64_t size;
	struct ktimespec atime, mtime, ctime, btime;
	struct super *sb;
	uint32_t refcount;         /* open files, cwd, mappings, in-flight calls; atomic */
	struct mutex lock;         /* data and size */
	const struct file_ops *fops; /* devices and generated files; NULL = by type */
	struct lock_state *locks;  /* record locks and flock, allocated on first use */
	uint32_t seals;            /* memfd seals (F_SEAL_*); tmpfs_write/truncate enforce them */
	void *priv;
	union {
		struct {   /* directories */
			struct inode *parent;     /* itself for a filesystem root */
			struct super *mounted;    /* filesystem mounted here */
			struct dentry_rec *ents;
			uint32_t nents, cap;
			uint64_t next_cookie;
			const struct dyn_dir_ops *dyn;
		} dir;
		struct {   /* regular files */
			uint8_t **pages;          /* direct-map pointers; NULL = hole (reads as zeros) */
			uint64_t npages;          /* slots in pages[] */
			const uint8_t *lower;     /* initrd data until the first write (copy-up) */
			uint64_t lower_off;       /* its offset in the archive */
			long (*gen)(char *buf, size_t size);   /* procfs: content made at open */
		} reg;
		struct {   /* symlinks */
			char *target;
			/* procfs: the target computed at readlink; with magic set, following
			 * the link jumps to the open file itself (/proc/self/fd/N). */
			long (*readlink)(struct inode *ino, char *buf, size_t n);
			struct file *(*magic)(struct inode *ino);
		} lnk;
	} u;
};

extern struct mutex vfs_lock;
extern struct inode *vfs_root;      /* "/" */
extern struct inode *vfs_cwd;       /* referenced */
extern uint32_t vfs_umask;
extern struct super *vfs_mounts;

/* --- inodes (vfs.c) --- */
/* A filesystem with its root directory (mode root_mode, its own parent). */
struct super *vfs_super_new(const char *type, const char *source, uint64_t magic, uint64_t size_max,
			    uint32_t root_mode);
/* A new inode of sb with refcount 1 and nlink 0 (or 1 for directories... set by the caller). */
struct inode *vfs_inode_new(struct super *sb, uint32_t mode);
struct inode *vfs_inode_get(struct inode *ino);
/* Drops a reference; frees the inode when it has neither links nor references. */
void vfs_inode_put(struct inode *ino);
/* Frees ino if it is unreferenced and unlinked. Caller holds vfs_lock. */
void vfs_inode_maybe_free(struct inode *ino);
struct ktimespec vfs_now(void);
void vfs_touch(struct inode *ino, bool a, bool m, bool c);
/* relatime (Linux's default): refresh atime on read only when it is not newer than mtime/ctime or is a day old. */
void vfs_touch_atime(struct inode *ino);
int vfs_dtype(uint32_t mode);

/* --- directories (vfs.c); caller holds vfs_lock --- */
struct inode *vfs_dir_find(struct inode *dir, const char *name, size_t len);
int vfs_dir_add(struct inode *dir, const char *name, size_t len, struct inode *ino);
int vfs_dir_remove(struct inode *dir, const char *name, size_t len);
/* Creates dir/name of the given mode in memory (nlink and parent set, times now). */
int vfs_mknod_in(struct inode *dir, const char *name, size_t len, uint32_t mode, struct inode **out);
int vfs_mkdir_in(struct inode *dir, const char *name, size_t len, uint32_t mode, struct inode **out);
int vfs_symlink_in(struct inode *dir, const char *name, size_t len, const char *target, struct inode **out);
/* Mounts sb on dir. */
int vfs_mount(struct inode *dir, struct super *sb);
/* getdents core: calls emit for the entries ("." and ".." first) from offset pos;
 * emit receives each entry's next offset and returns nonzero to stop. */
long vfs_readdir(struct inode *dir, uint64_t pos,
		 int (*emit)(void *ctx, const char *name, uint64_t ino, unsigned type, uint64_t next), void *ctx);
/* Absolute path of a directory into buf; -ENOENT when it was removed. Caller holds vfs_lock. */
long vfs_dir_path(struct inode *dir, char *buf, size_t size);

/* Fills st from ino (any filesystem). */
void vfs_getattr(struct inode *ino, struct kstat *st);

/* --- open files (file.c) --- */
/* A new file with refcount 1; inode (may be NULL) gains a reference. */
struct file *file_alloc(const struct file_ops *ops, struct inode *inode, uint32_t flags);
/* lseek for files with a size: SEEK_SET/CUR/END/DATA/HOLE. Caller serialises f->pos. */
long vfs_generic_lseek(struct file *f, int64_t off, int whence, uint64_t size);
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define SEEK_DATA 3
#define SEEK_HOLE 4

#endif
