/* Host stand-ins for what kernel/fs needs from the rest of the kernel
 * (pages, heap, locks, wait queues, time, randomness, serial ports, the
 * initrd, uaccess), plus helpers shared by the fs unit tests. The heap is
 * malloc so ASan sees every overrun; waitq_wait never sleeps: a false
 * condition gives -EAGAIN, which is what a blocking call returns here. */
#ifndef UNIT_FS_HOST_H
#define UNIT_FS_HOST_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdbool.h>
#include "check.h"
#include "fs/vfs.h"
#include "fs/namei.h"
#include "fs/fdtable.h"
#include "fs/fs.h"
#include "fs/pipe.h"
#include "fs/locks.h"
#include "fs/tmpfs.h"
#include "fs/procfs.h"
#include "fs/console.h"
#include "fs/tarfs.h"
#include "lib/errno.h"
#include "arch/x86_64/layout.h"
#include "lib/cmdline.h"
#include "sched/mutex.h"
#include "sched/wait.h"

/* check.h's CHECK_EQ_INT evaluates its arguments twice; these tests call
 * functions with side effects, so they use this single-evaluation form. */
#define CHECK_EQ(name, got, want)                                                        \
	do {                                                                             \
		long long g_ = (long long)(got), w_ = (long long)(want);                 \
		CHECK(name, g_ == w_, "got %lld, want %lld", g_, w_);                     \
	} while (0)

long pages_out;
void *page_alloc(uint64_t n)
{
	void *p = aligned_alloc(4096, n * 4096);
	if (p) {
		memset(p, 0, n * 4096);
		pages_out += (long)n;
	}
	return p;
}
void page_free(void *p, uint64_t n)
{
	pages_out -= (long)n;
	free(p);
}
void *kmalloc(size_t n) { return malloc(n ? n : 1); }
void *kzalloc(size_t n) { return calloc(1, n ? n : 1); }
/* compat/iobuf.c needs threads: here each call gets a buffer of exactly n bytes, so ASan
 * catches a caller that writes past what it asked for. */
void *iobuf_get(size_t n) { return malloc(n ? n : 1); }
void iobuf_put(void *p) { free(p); }
void kfree(void *p) { free(p); }

void mutex_init(struct mutex *m) { m->owner = 0; m->lock.locked = 0; }
void mutex_lock(struct mutex *m)
{
	if (m->lock.locked) {
		fprintf(stderr, "mutex_lock: already held (deadlock)\n");
		abort();
	}
	m->lock.locked = 1;
}
void mutex_unlock(struct mutex *m) { m->lock.locked = 0; }
bool mutex_trylock(struct mutex *m) { return m->lock.locked ? false : (m->lock.locked = 1); }

int wakes;
void waitq_init(struct waitq *wq) { wq->head.next = wq->head.prev = &wq->head; }
int waitq_wait(struct waitq *wq, bool (*cond)(void *), void *arg, uint64_t deadline, bool intr)
{
	return cond(arg) ? 0 : -EAGAIN;
}
void waitq_wake_all(struct waitq *wq, uint32_t ev) { wakes++; }
void waitq_wake_one(struct waitq *wq, uint32_t ev) { wakes++; }
void waitq_add(struct waitq *wq, struct wait_entry *e) { }
void waitq_remove(struct waitq *wq, struct wait_entry *e) { }

int64_t fake_now_ns = 1700000000LL * 1000000000LL;
int64_t time_realtime_ns(void) { return fake_now_ns; }
void random_bytes(void *buf, size_t n) { memset(buf, 0x5a, n); }
void random_mix(const void *buf, size_t n) { }

char serial_out[2][65536];
size_t serial_len[2];
void serial_write(uint16_t port, const void *buf, size_t n)
{
	int i = port == 0x2f8 ? 1 : 0;
	if (serial_len[i] + n < sizeof(serial_out[i])) {
		memcpy(serial_out[i] + serial_len[i], buf, n);
		serial_len[i] += n;
	}
}
int serial_read_byte(uint16_t port) { return -1; }

const uint8_t *initrd_base;
uint64_t initrd_size;
void krecord(const char *fmt, ...) { }
void kprintf(const char *fmt, ...) { }
void panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	abort();
}
struct file;
void epoll_file_released(struct file *f) { }

int copy_from_user(void *d, const void *s, size_t n) { memcpy(d, s, n); return 0; }
int copy_to_user(void *d, const void *s, size_t n) { memcpy(d, s, n); return 0; }
int clear_user(void *d, size_t n) { memset(d, 0, n); return 0; }
long strncpy_from_user(char *d, const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	if (n == max)
		return -ENAMETOOLONG;
	memcpy(d, s, n + 1);
	return (long)n;
}

/* --- helpers --- */

/* Builds a tar with GNU tar from a shell snippet run in a scratch dir; returns its bytes. */
static uint8_t *make_tar(const char *setup, const char *tar_flags, size_t *len)
{
	char dir[] = "/tmp/fs_unit_XXXXXX";
	if (!mkdtemp(dir))
		return NULL;
	char cmd[8192];
	/* tar_flags NULL: the setup writes ../r.tar itself. */
	if (tar_flags)
		snprintf(cmd, sizeof(cmd), "cd %s && mkdir root && cd root && (%s) && tar %s --owner=0 --group=0 -cf ../r.tar . 2>/dev/null",
			 dir, setup, tar_flags);
	else
		snprintf(cmd, sizeof(cmd), "cd %s && mkdir root && cd root && (%s)", dir, setup);
	if (system(cmd) != 0) {
		printf("# tar setup failed: %s\n", cmd);
		return NULL;
	}
	snprintf(cmd, sizeof(cmd), "%s/r.tar", dir);
	FILE *f = fopen(cmd, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *b = aligned_alloc(4096, (*len + 4095) & ~4095UL);
	if (fread(b, 1, *len, f) != *len)
		*len = 0;
	fclose(f);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		printf("# cleanup failed\n");
	return b;
}

static void boot_fs_tar(const char *tar_setup, const char *tar_flags, const char *cmdline)
{
	if (tar_setup) {
		size_t len = 0;
		initrd_base = make_tar(tar_setup, tar_flags, &len);
		initrd_size = len;
	}
	cmdline_parse(&kernel_cmdline, cmdline ? cmdline : "");
	fs_init();
}

static void boot_fs(const char *tar_setup, const char *cmdline) { boot_fs_tar(tar_setup, "", cmdline); }

/* The syscall layer, called with kernel pointers (uaccess is memcpy here). */
long sys_openat(int, const char *, int, uint32_t);
long sys_open(const char *, int, uint32_t);
long sys_close(int);
long sys_read(int, char *, size_t);
long sys_write(int, const char *, size_t);
long sys_pread64(int, char *, size_t, int64_t);
long sys_pwrite64(int, const char *, size_t, int64_t);
long sys_lseek(int, int64_t, unsigned);
long sys_mkdir(const char *, uint32_t);
long sys_rmdir(const char *);
long sys_unlink(const char *);
long sys_rename(const char *, const char *);
long sys_renameat2(int, const char *, int, const char *, unsigned);
long sys_link(const char *, const char *);
long sys_symlink(const char *, const char *);
long sys_readlink(const char *, char *, int);
long sys_getdents64(int, void *, unsigned);
long sys_ftruncate(int, int64_t);
long sys_truncate(const char *, int64_t);
long sys_chdir(const char *);
long sys_getcwd(char *, size_t);
long sys_pipe2(int *, int);
long sys_fcntl(int, int, uint64_t);
long sys_ioctl(int, unsigned, uint64_t);
long sys_dup(int);
long sys_dup2(int, int);
long sys_dup3(int, int, int);
long sys_flock(int, int);
long sys_access(const char *, int);
long sys_chmod(const char *, uint32_t);
long sys_umask(uint32_t);
long sys_sendfile(int, int, int64_t *, size_t);
long sys_copy_file_range(int, int64_t *, int, int64_t *, size_t, unsigned);
long sys_close_range(unsigned, unsigned, unsigned);
long sys_readv(int, const void *, int);
long sys_writev(int, const void *, int);

struct kst { uint64_t dev, ino, nlink; uint32_t mode, uid, gid, pad; uint64_t rdev; int64_t size, blksize, blocks, t[6], u[3]; };
long sys_stat(const char *, struct kst *);
long sys_lstat(const char *, struct kst *);
long sys_fstat(int, struct kst *);

/* Writes a whole file; returns 0 or -errno. */
static long put_file(const char *path, const char *data)
{
	long fd = sys_open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return fd;
	long r = sys_write((int)fd, data, strlen(data));
	sys_close((int)fd);
	return r < 0 ? r : 0;
}

/* Reads a whole file into buf (NUL-terminated); returns length or -errno. */
static long get_file(const char *path, char *buf, size_t size)
{
	long fd = sys_open(path, O_RDONLY, 0);
	if (fd < 0)
		return fd;
	long n = sys_read((int)fd, buf, size - 1);
	sys_close((int)fd);
	if (n >= 0)
		buf[n] = 0;
	return n;
}

/* Lists a directory as "name,name,..." sorted, without . and .. */
static int cmpstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static long list_dir(const char *path, char *out, size_t size)
{
	long fd = sys_open(path, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return fd;
	char buf[4096];
	char *names[512];
	int n = 0;
	long r;
	while ((r = sys_getdents64((int)fd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < r;) {
			uint16_t reclen = *(uint16_t *)(buf + off + 16);
			char *name = buf + off + 19;
			if (strcmp(name, ".") && strcmp(name, "..") && n < 512)
				names[n++] = strdup(name);
			off += reclen;
		}
	}
	sys_close((int)fd);
	qsort(names, (size_t)n, sizeof(char *), cmpstr);
	out[0] = 0;
	for (int i = 0; i < n; i++) {
		if (i)
			strncat(out, ",", size - strlen(out) - 1);
		strncat(out, names[i], size - strlen(out) - 1);
		free(names[i]);
	}
	return r < 0 ? r : n;
}

#endif
