/* memfd_create and file seals, differential against Linux: flags and name
 * checks, the file's mode/links/name in /proc/self/fd, data through write,
 * pread and a shared mapping, the default F_SEAL_SEAL, and each seal refusing
 * what it should (write, grow, shrink, further seals). Uses the raw syscall
 * so musl and old glibc headers build it alike. */
#include "fs_common.h"
#include <sys/mman.h>
#include <sys/syscall.h>

#ifndef F_ADD_SEALS
#define F_ADD_SEALS 1033
#define F_GET_SEALS 1034
#define F_SEAL_SEAL 0x0001
#define F_SEAL_SHRINK 0x0002
#define F_SEAL_GROW 0x0004
#define F_SEAL_WRITE 0x0008
#endif

static long memfd(const char *name, unsigned flags) { return syscall(SYS_memfd_create, name, flags); }

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	char name[300];
	memset(name, 'n', sizeof(name));
	name[249] = 0;
	expect("249-byte name", close((int)memfd(name, 0)), "0");
	name[249] = 'n';
	name[250] = 0;
	expect("250-byte name", memfd(name, 0), "EINVAL");
	expect("unknown flag", memfd("x", 0x100), "EINVAL");
	expect("bad name pointer", memfd((const char *)8, 0), "EFAULT");

	int fd = (int)memfd("plain", 1 /* MFD_CLOEXEC */);
	expect("cloexec", fcntl(fd, F_GETFD), "1");
	expect("access mode", fcntl(fd, F_GETFL) & O_ACCMODE, "2");
	struct stat st;
	fstat(fd, &st);
	expect("regular", S_ISREG(st.st_mode), "1");
	expect("mode", st.st_mode & 07777, "511");
	expect("nlink", (long)st.st_nlink, "0");
	expect("size", (long)st.st_size, "0");
	char path[64], link[128];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	long n = readlink(path, link, sizeof(link) - 1);
	link[n < 0 ? 0 : n] = 0;
	printf("link: %s\n", link);
	expect("write", write(fd, "hello memfd", 11), "11");
	char buf[32] = { 0 };
	expect("pread", pread(fd, buf, sizeof(buf), 6), "5");
	printf("data: %s\n", buf);
	expect("ftruncate", ftruncate(fd, 8192), "0");
	char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	expect("mmap shared", m == MAP_FAILED ? -1 : 0, "0");
	memcpy(m + 4096, "via map", 7);
	expect("pread sees map", pread(fd, buf, 7, 4096), "7");
	printf("data: %.7s\n", buf);
	munmap(m, 8192);
	int again = open(path, O_RDWR);
	expect("reopen via /proc", again >= 0, "1");
	expect("reopen reads", pread(again, buf, 5, 0), "5");
	close(again);
	expect("default seals", fcntl(fd, F_GET_SEALS), "1");
	expect("no sealing allowed", fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), "EPERM");
	close(fd);

	fd = (int)memfd("sealed", 2 /* MFD_ALLOW_SEALING */);
	expect("sealable seals", fcntl(fd, F_GET_SEALS), "0");
	expect("write 300", write(fd, name, sizeof(name)), "300");
	expect("unknown seal", fcntl(fd, F_ADD_SEALS, 0x4000), "EINVAL");
	expect("seal shrink", fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK), "0");
	expect("shrink refused", ftruncate(fd, 10), "EPERM");
	expect("grow allowed", ftruncate(fd, 400), "0");
	expect("seal grow", fcntl(fd, F_ADD_SEALS, F_SEAL_GROW), "0");
	expect("grow refused", ftruncate(fd, 500), "EPERM");
	expect("same size ok", ftruncate(fd, 400), "0");
	expect("write inside", pwrite(fd, "ab", 2, 10), "2");
	expect("write past end", pwrite(fd, "ab", 2, 399), "EPERM");
	m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	expect("seal write while mapped", fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), "EBUSY");
	munmap(m, 4096);
	m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	expect("seal write with a private map", fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), "0");
	munmap(m, 4096);
	expect("write refused", pwrite(fd, "ab", 2, 0), "EPERM");
	expect("shared writable map refused",
	       mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED ? -1 : 0, "EPERM");
	m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	expect("read-only map", m == MAP_FAILED ? -1 : m[10] == 'a', "1");
	expect("mprotect writable", mprotect(m, 4096, PROT_READ | PROT_WRITE), "EACCES");
	expect("seals now", fcntl(fd, F_GET_SEALS), "14");
	expect("seal seal", fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL), "0");
	expect("sealed for good", fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK), "EPERM");
	close(fd);

	expect("seals of the console", fcntl(0, F_GET_SEALS), "EINVAL");
	return finish();
}
