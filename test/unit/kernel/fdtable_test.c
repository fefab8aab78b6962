/* kernel/fs/fdtable.c via the syscalls: lowest free fd, dup family, cloexec
 * bookkeeping, RLIMIT_NOFILE, close_range, and files staying alive while a
 * caller holds them. */
#include "fs_host.h"

int main(void)
{
	boot_fs(NULL, NULL);
	CHECK_EQ("console fds", fdtable_count(), 3);
	int a = (int)sys_open("/dev/null", O_RDWR, 0);
	CHECK_EQ("lowest free", a, 3);
	CHECK_EQ("dup", sys_dup(a), 4);
	CHECK_EQ("close", sys_close(3), 0);
	CHECK_EQ("close again", sys_close(3), -EBADF);
	CHECK_EQ("close negative", sys_close(-1), -EBADF);
	CHECK_EQ("reuse lowest", sys_dup(4), 3);
	CHECK_EQ("dup2 to same", sys_dup2(4, 4), 4);
	CHECK_EQ("dup2 bad to same", sys_dup2(40, 40), -EBADF);
	CHECK_EQ("dup3 same", sys_dup3(4, 4, 0), -EINVAL);
	CHECK_EQ("dup3 bad flags", sys_dup3(4, 5, 1), -EINVAL);
	CHECK_EQ("dup3 cloexec", sys_dup3(4, 100, O_CLOEXEC), 100);
	CHECK_EQ("F_GETFD", sys_fcntl(100, 1, 0), 1);
	CHECK_EQ("F_SETFD", sys_fcntl(100, 2, 0), 0);
	CHECK_EQ("F_GETFD cleared", sys_fcntl(100, 1, 0), 0);
	CHECK_EQ("dup2 over open fd", sys_dup2(1, 100), 100);
	CHECK_EQ("dup2 beyond limit", sys_dup2(1, 1024), -EBADF);
	CHECK_EQ("F_DUPFD min", sys_fcntl(1, 0, 50), 50);
	CHECK_EQ("F_DUPFD_CLOEXEC", sys_fcntl(1, 1030, 50), 51);
	CHECK_EQ("cloexec on dup", sys_fcntl(51, 1, 0), 1);
	CHECK_EQ("F_DUPFD beyond limit", sys_fcntl(1, 0, 1024), -EINVAL);
	CHECK_EQ("bad fcntl cmd", sys_fcntl(1, 9999, 0), -EINVAL);
	CHECK_EQ("fcntl bad fd", sys_fcntl(77, 1, 0), -EBADF);
	CHECK_EQ("F_SETFL keeps access mode", (sys_fcntl(a = 4, 4, O_APPEND | O_WRONLY), sys_fcntl(4, 3, 0) & (O_ACCMODE | O_APPEND)),
		     O_RDWR | O_APPEND);

	/* RLIMIT_NOFILE. */
	CHECK_EQ("lower the limit", fdtable_set_limit(60, 65536), 0);
	int last = 0, r;
	while ((r = (int)sys_dup(1)) >= 0)
		last = r;
	CHECK_EQ("last fd under the limit", last, 59);
	CHECK_EQ("EMFILE", r, -EMFILE);
	CHECK_EQ("soft > hard", fdtable_set_limit(10, 5), -EINVAL);
	CHECK_EQ("hard above nr_open", fdtable_set_limit(10, 1 << 21), -EPERM);
	CHECK_EQ("close_range", sys_close_range(10, ~0u, 0), 0);
	CHECK_EQ("count after close_range", fdtable_count(), 10);
	CHECK_EQ("close_range bad flags", sys_close_range(0, 1, 1), -EINVAL);
	CHECK_EQ("close_range first > last", sys_close_range(5, 4, 0), -EINVAL);
	CHECK_EQ("close_range cloexec", sys_close_range(5, 9, 4), 0);
	CHECK_EQ("cloexec set by close_range", sys_fcntl(9, 1, 0), 1);
	CHECK_EQ("restore limit", fdtable_set_limit(1024, 65536), 0);

	/* A file held by a caller survives close of its fd. */
	int fd = (int)sys_open("/tmp/held", O_RDWR | O_CREAT, 0600);
	struct file *f = fdtable_get(fd);
	sys_close(fd);
	CHECK_EQ("write through held file", f->ops->write(f, "ok", 2), 2);
	file_put(f);
	char buf[8];
	CHECK_EQ("data landed", get_file("/tmp/held", buf, sizeof(buf)), 2);

	/* O_PATH fds. */
	int pf = (int)sys_open("/tmp/held", O_PATH, 0);
	CHECK("O_PATH open", pf >= 0, "%d", pf);
	CHECK_EQ("read O_PATH", sys_read(pf, buf, 1), -EBADF);
	CHECK_EQ("F_GETFL O_PATH (no O_LARGEFILE, as Linux)", sys_fcntl(pf, 3, 0), O_PATH);
	CHECK_EQ("F_SETLK O_PATH", sys_fcntl(pf, 6, (uint64_t)buf), -EBADF);
	struct kst st;
	CHECK_EQ("fstat O_PATH", sys_fstat(pf, &st), 0);
	return check_done();
}
