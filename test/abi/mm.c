/* Memory management, differential: anonymous demand-zero maps, huge
 * PROT_NONE reservations, mprotect splits, munmap holes, mremap grow/move,
 * MADV_DONTNEED zeroing, MAP_FIXED and MAP_FIXED_NOREPLACE, RWX pages
 * (JIT-style code written then run), brk, private and shared file maps,
 * msync, and the errno of every misuse. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

static const char *ename(int e)
{
	switch (e) {
	case EINVAL: return "EINVAL";
	case ENOMEM: return "ENOMEM";
	case EEXIST: return "EEXIST";
	case EBADF: return "EBADF";
	case EACCES: return "EACCES";
	case ENODEV: return "ENODEV";
	case EFAULT: return "EFAULT";
	case EPERM: return "EPERM";
	default: return "E?";
	}
}
static const char *err(long r) { return r < 0 || r == (long)MAP_FAILED ? ename(errno) : "ok"; }

static sigjmp_buf jb;
static void on_segv(int s) { siglongjmp(jb, s); }
static int faults(volatile char *p, int write)
{
	if (sigsetjmp(jb, 1))
		return 1;
	if (write)
		*p = 1;
	else
		(void)*p;
	return 0;
}

int main(void)
{
	setvbuf(stdout, 0, _IONBF, 0);
	signal(SIGSEGV, on_segv);
	long pg = sysconf(_SC_PAGESIZE);
	printf("page size: %ld\n", pg);

	char *a = mmap(0, 16 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int zero = 1;
	for (int i = 0; i < 16 * pg; i++)
		zero &= a[i] == 0;
	printf("anon zero: %d aligned=%d\n", zero, ((uintptr_t)a % pg) == 0);
	memset(a, 0x5a, 16 * pg);

	/* A 64 GiB reservation costs nothing until touched. */
	char *big = mmap(0, 64UL << 30, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	printf("64GiB reserve: %s\n", err((long)big));
	printf("reserve faults: %d\n", faults(big + (1UL << 30), 0));
	printf("commit part: %s\n", err(mprotect(big + (1UL << 30), 4 * pg, PROT_READ | PROT_WRITE)));
	big[(1UL << 30) + 5] = 9;
	printf("committed value: %d neighbour faults: %d\n", big[(1UL << 30) + 5], faults(big + (1UL << 30) + 4 * pg, 1));
	printf("unmap reserve: %s\n", err(munmap(big, 64UL << 30)));

	/* mprotect a hole in the middle, then unmap one page. */
	printf("mprotect ro middle: %s\n", err(mprotect(a + 4 * pg, 2 * pg, PROT_READ)));
	printf("write ro faults: %d read ok: %d\n", faults(a + 5 * pg, 1), a[5 * pg] == 0x5a);
	printf("write after ro ok: %d\n", !faults(a + 7 * pg, 1));
	const char *um = err(munmap(a + 10 * pg, pg));
	printf("munmap page: %s then faults: %d\n", um, faults(a + 10 * pg, 0));
	printf("munmap unaligned: %s\n", err(munmap(a + 1, pg)));
	printf("munmap zero len: %s\n", err(munmap(a, 0)));
	printf("mprotect bad prot: %s\n", err(mprotect(a, pg, 0x100)));
	printf("mprotect unmapped: %s\n", err(mprotect(a + 10 * pg, pg, PROT_READ)));

	/* MADV_DONTNEED reads back zero. */
	a[0] = 3;
	const char *dn = err(madvise(a, pg, MADV_DONTNEED));
	printf("dontneed: %s value=%d\n", dn, a[0]);
	printf("madvise bad advice: %s\n", err(madvise(a, pg, 12345)));

	/* mremap: grow in place or move, contents kept. */
	char *m = mmap(0, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	strcpy(m, "keep me");
	char *m2 = mremap(m, 2 * pg, 64 * pg, MREMAP_MAYMOVE);
	printf("mremap: %s content=%s\n", err((long)m2), m2 == MAP_FAILED ? "" : m2);
	m2[63 * pg] = 1;
	char *m3 = mremap(m2, 64 * pg, pg, 0);
	printf("mremap shrink same addr: %d\n", m3 == m2);
	printf("mremap no move fail: %s\n", err((long)mremap(a, pg, 1000 * pg, 0)));

	/* MAP_FIXED replaces; MAP_FIXED_NOREPLACE refuses. */
	char *f = mmap(a + 12 * pg, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	printf("fixed: same=%d zero=%d\n", f == a + 12 * pg, f[0] == 0);
	char *nr = mmap(a + 12 * pg, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	printf("fixed_noreplace: %s\n", err((long)nr));
	printf("fixed unaligned: %s\n", err((long)mmap(a + 1, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0)));
	printf("no type: %s\n", err((long)mmap(0, pg, PROT_READ, MAP_ANONYMOUS, -1, 0)));
	printf("zero length: %s\n", err((long)mmap(0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)));
	printf("bad fd: %s\n", err((long)mmap(0, pg, PROT_READ, MAP_PRIVATE, 999, 0)));

	/* RWX: write machine code, run it. */
	unsigned char *code = mmap(0, pg, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char ret42[] = { 0xb8, 42, 0, 0, 0, 0xc3 };   /* mov eax, 42; ret */
	memcpy(code, ret42, sizeof(ret42));
	printf("rwx run: %d\n", ((int (*)(void))code)());
	mprotect(code, pg, PROT_READ | PROT_WRITE);
	int nx = 0;
	if (sigsetjmp(jb, 1))
		nx = 1;
	else
		((int (*)(void))code)();
	printf("nx after mprotect faults: %d\n", nx);

	/* brk, through the raw syscall: musl's sbrk refuses to move it. */
	char *b0 = (char *)syscall(SYS_brk, 0);
	char *b1 = (char *)syscall(SYS_brk, b0 + 3 * pg);
	printf("brk grow: %d\n", b1 == b0 + 3 * pg);
	memset(b0, 1, 3 * pg);
	char *b2 = (char *)syscall(SYS_brk, b0 + pg);
	printf("brk shrink: %d faults above: %d\n", b2 == b0 + pg, faults(b0 + 2 * pg, 0));
	printf("brk below start refused: %d\n", (char *)syscall(SYS_brk, b0 - 100 * pg) == b2);

	/* File maps: private copy-on-write and shared write-back. */
	char path[] = "/tmp/mmXXXXXX";
	int fd = mkstemp(path);
	char buf[3 * 4096];
	memset(buf, 'f', sizeof(buf));
	write(fd, buf, 2 * pg + 100);
	char *priv = mmap(0, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	char *shar = mmap(0, 3 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	printf("file maps: %s %s\n", err((long)priv), err((long)shar));
	printf("tail zero: %d %d\n", priv[2 * pg + 100], priv[2 * pg + 4000]);
	priv[0] = 'P';
	shar[1] = 'S';
	char rb[2];
	pread(fd, rb, 2, 0);
	printf("private not written back: %c, shared written: %c\n", rb[0], rb[1]);
	printf("private sees shared: %c\n", priv[1]);
	printf("msync: %s\n", err(msync(shar, pg, MS_SYNC)));
	printf("msync bad flags: %s\n", err(msync(shar, pg, MS_SYNC | MS_ASYNC)));
	pwrite(fd, "W", 1, 2);
	printf("shared sees write(): %c\n", shar[2]);
	ftruncate(fd, pg);
	signal(SIGBUS, on_segv);
	int bus = faults(shar + 2 * pg, 0);
	printf("beyond eof after truncate: SIGBUS=%d\n", bus);
	int ro = open(path, O_RDONLY);
	printf("shared write on O_RDONLY: %s\n", err((long)mmap(0, pg, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0)));
	printf("private write on O_RDONLY: %s\n", err((long)mmap(0, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0)));
	printf("mmap dir: %s\n", err((long)mmap(0, pg, PROT_READ, MAP_PRIVATE, open("/tmp", O_RDONLY), 0)));
	unlink(path);
	return 0;
}
