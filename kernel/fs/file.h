/* Open files: what a file descriptor points at. Every kind of file (tarfs
 * and tmpfs files, directories, devices, pipes, eventfds, sockets, epoll)
 * implements struct file_ops; readiness for poll/epoll comes from ->poll and
 * the waitq in ->wq, woken on every state change. Reference counted: dup,
 * fork of fds and in-flight syscalls hold references. */
#ifndef FS_FILE_H
#define FS_FILE_H
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "sched/wait.h"

struct file;
struct inode;
struct kstat;

/* Poll event bits: Linux's EPOLL and POLL values coincide for these. */
#define POLLIN     0x001
#define POLLPRI    0x002
#define POLLOUT    0x004
#define POLLERR    0x008
#define POLLHUP    0x010
#define POLLNVAL   0x020
#define POLLRDNORM 0x040
#define POLLWRNORM 0x100
#define POLLRDHUP  0x2000

struct file_ops {
	/* Called once by vfs_openat after the file is set up (procfs generates
	 * its content here); an error fails the open. May be NULL. */
	int (*open)(struct inode *ino, struct file *f);
	/* Byte I/O on kernel buffers; the caller copies to/from user memory.
	 * read/write use and advance f->pos where the file has a position. */
	long (*read)(struct file *f, void *buf, size_t n);
	long (*write)(struct file *f, const void *buf, size_t n);
	long (*pread)(struct file *f, void *buf, size_t n, uint64_t off);
	long (*pwrite)(struct file *f, const void *buf, size_t n, uint64_t off);
	long (*lseek)(struct file *f, int64_t off, int whence);
	/* arg is the raw user argument (a pointer for most requests): the handler uses uaccess. */
	long (*ioctl)(struct file *f, unsigned long req, uint64_t arg);
	/* Bytes ready to read now, for FIONREAD (pipes, console, sockets); NULL = not supported. */
	long (*nread)(struct file *f);
	/* Current readiness (POLLIN...), without blocking. */
	uint32_t (*poll)(struct file *f);
	int (*stat)(struct file *f, struct kstat *st);
	int (*truncate)(struct file *f, uint64_t size);
	int (*fsync)(struct file *f);
	/* Directory listing for getdents64: fills buf with struct linux_dirent64
	 * records from f->pos on; returns bytes written (0 at the end). */
	long (*getdents)(struct file *f, void *buf, size_t n);
	/* For mmap: the physical address of the page holding bytes
	 * [pgoff*4096, pgoff*4096+4096). With write set the page may be written
	 * and must be the file's own (MAP_SHARED of tmpfs); otherwise it may be
	 * shared read-only (tarfs data the packager page-aligned). -EOPNOTSUPP
	 * makes the caller copy through pread instead; -ENXIO past end of file. */
	long (*get_page)(struct file *f, uint64_t pgoff, bool write, uint64_t *phys);
	void (*release)(struct file *f);
};

struct file {
	const struct file_ops *ops;
	uint32_t refcount;
	uint32_t flags;          /* O_* status flags (O_NONBLOCK, O_APPEND, access mode) */
	uint64_t pos;
	struct inode *inode;     /* NULL for anonymous files (pipes, eventfd, sockets) */
	struct waitq *wq;        /* readiness changes; NULL when always ready */
	void *priv;
	void *epoll_links;       /* epoll interest-list entries watching this file (kernel/fs/epoll.c) */
	char *path;              /* absolute path at open time (procfs fd links), may be NULL;
				  * anonymous files set a name like "pipe:[N]" */
};

struct file *file_get(struct file *f);
void file_put(struct file *f);

#endif
