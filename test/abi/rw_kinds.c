/* read/write/readv/writev/pread on every kind of file descriptor, differential
 * against Linux: a regular file, a directory, /dev/null, /dev/zero, a pipe, an
 * eventfd, an epoll fd, a timerfd. Calls the kind does not support must fail
 * with Linux's errno, never crash the kernel (a readv on an epoll fd once
 * jumped to address 0 in the kernel: found by the syscall fuzzer). */
#include "fs_common.h"
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/uio.h>

static void try_all(const char *kind, int fd)
{
	char buf[64], name[96];
	unsigned long long one = 1;
	struct iovec rv = { buf, 8 };
	struct iovec wv = { &one, sizeof(one) };
	printf("-- %s\n", kind);
	snprintf(name, sizeof(name), "%s read", kind);
	show(name, read(fd, buf, 8) < 0 ? -1 : 0);
	snprintf(name, sizeof(name), "%s readv", kind);
	show(name, readv(fd, &rv, 1) < 0 ? -1 : 0);
	snprintf(name, sizeof(name), "%s writev", kind);
	show(name, writev(fd, &wv, 1) < 0 ? -1 : 0);
	snprintf(name, sizeof(name), "%s pread", kind);
	show(name, pread(fd, buf, 8, 0) < 0 ? -1 : 0);
	snprintf(name, sizeof(name), "%s pwrite", kind);
	show(name, pwrite(fd, &one, sizeof(one), 0) < 0 ? -1 : 0);
	snprintf(name, sizeof(name), "%s lseek", kind);
	show(name, lseek(fd, 0, SEEK_SET) < 0 ? -1 : 0);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	write_file("rw_kinds.txt", "some data here\n");
	int p[2];
	pipe(p);
	write(p[1], "12345678abcdefgh", 16);
	try_all("file", open("rw_kinds.txt", O_RDWR));
	try_all("dir", open(".", O_RDONLY | O_DIRECTORY));
	try_all("devnull", open("/dev/null", O_RDWR));
	try_all("devzero", open("/dev/zero", O_RDWR));
	try_all("pipe-read", p[0]);
	try_all("pipe-write", p[1]);
	try_all("eventfd", eventfd(5, EFD_NONBLOCK));
	try_all("epoll", epoll_create1(0));
	try_all("timerfd", timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK));
	unlink("rw_kinds.txt");
	return failures;
}
