/* kernel/fs/locks.c through fcntl and flock: POSIX locks of our one process
 * never conflict with each other but split and merge; OFD locks conflict
 * with POSIX locks and with other open files' OFD locks; F_GETLK reports
 * the conflicting lock (l_pid 1 or -1); closing any fd drops the POSIX
 * locks; flock is a separate space. */
#include "fs_host.h"

struct fl { int16_t type, whence; int64_t start, len; int32_t pid; };

static long lk(int fd, int cmd, int type, int64_t start, int64_t len, struct fl *out)
{
	struct fl f = { (int16_t)type, SEEK_SET, start, len, 0 };
	long r = sys_fcntl(fd, cmd, (uint64_t)&f);
	if (out)
		*out = f;
	return r;
}

enum { GETLK = 5, SETLK = 6, SETLKW = 7, OFD_GETLK = 36, OFD_SETLK = 37, OFD_SETLKW = 38 };

int main(void)
{
	boot_fs(NULL, NULL);
	int a = (int)sys_open("/tmp/db", O_RDWR | O_CREAT, 0600);
	int b = (int)sys_open("/tmp/db", O_RDWR, 0);
	int ro = (int)sys_open("/tmp/db", O_RDONLY, 0);
	struct fl g;
	CHECK_EQ("posix write lock", lk(a, SETLK, F_WRLCK, 0, 100, NULL), 0);
	CHECK_EQ("same process, other fd: no conflict", lk(b, SETLK, F_WRLCK, 50, 100, NULL), 0);
	CHECK_EQ("GETLK sees nothing for us", lk(a, GETLK, F_WRLCK, 0, 0, &g), 0);
	CHECK_EQ("GETLK type", g.type, F_UNLCK);
	CHECK_EQ("OFD conflicts with POSIX", lk(a, OFD_SETLK, F_RDLCK, 10, 1, NULL), -EAGAIN);
	CHECK_EQ("OFD GETLK reports the POSIX lock", lk(a, OFD_GETLK, F_RDLCK, 10, 1, &g), 0);
	CHECK("merged range reported", g.type == F_WRLCK && g.start == 0 && g.len == 150 && g.pid == 1,
	      "type %d start %ld len %ld pid %d", g.type, g.start, g.len, g.pid);
	CHECK_EQ("OFD l_pid must be 0", (g.pid = 5, sys_fcntl(a, OFD_SETLK, (uint64_t)&g)), -EINVAL);
	CHECK_EQ("unlock the middle", lk(a, SETLK, F_UNLCK, 40, 20, NULL), 0);
	CHECK_EQ("OFD lock in the hole", lk(a, OFD_SETLK, F_WRLCK, 45, 10, NULL), 0);
	CHECK_EQ("other OFD conflicts", lk(b, OFD_SETLK, F_RDLCK, 50, 1, NULL), -EAGAIN);
	CHECK_EQ("same OFD re-locks", lk(a, OFD_SETLK, F_RDLCK, 45, 10, NULL), 0);
	CHECK_EQ("other OFD shares read", lk(b, OFD_SETLK, F_RDLCK, 50, 1, NULL), 0);
	CHECK_EQ("POSIX write over OFD read", lk(a, SETLK, F_WRLCK, 45, 1, NULL), -EAGAIN);
	CHECK_EQ("POSIX GETLK sees OFD lock", lk(a, GETLK, F_WRLCK, 44, 3, &g), 0);
	CHECK("OFD reported with pid -1", g.type == F_RDLCK && g.start == 45 && g.len == 10 && g.pid == -1,
	      "type %d start %ld len %ld pid %d", g.type, g.start, g.len, g.pid);
	CHECK_EQ("SETLKW would wait (host stub: EAGAIN)", lk(a, SETLKW, F_WRLCK, 45, 1, NULL), -EAGAIN);
	CHECK_EQ("write lock needs write access", lk(ro, SETLK, F_WRLCK, 1000, 1, NULL), -EBADF);
	CHECK_EQ("read lock on ro", lk(ro, SETLK, F_RDLCK, 1000, 1, NULL), 0);
	CHECK_EQ("bad type", lk(a, SETLK, 7, 0, 1, NULL), -EINVAL);
	CHECK_EQ("negative start", lk(a, SETLK, F_RDLCK, -5, 1, NULL), -EINVAL);
	CHECK_EQ("negative length", lk(a, SETLK, F_RDLCK, 10, -20, NULL), -EINVAL);
	CHECK_EQ("GETLK with F_UNLCK", lk(a, GETLK, F_UNLCK, 0, 1, NULL), -EINVAL);
	CHECK_EQ("to EOF lock", lk(a, SETLK, F_RDLCK, 5000, 0, NULL), 0);
	CHECK_EQ("OFD beyond conflicts with EOF lock", lk(b, OFD_SETLK, F_WRLCK, 1 << 30, 1, NULL), -EAGAIN);
	CHECK_EQ("GETLK EOF lock len 0", (lk(b, OFD_GETLK, F_WRLCK, 1 << 30, 1, &g), g.len), 0);

	/* Closing any fd of the file drops the process's POSIX locks (not OFD ones). */
	CHECK_EQ("close ro", sys_close(ro), 0);
	CHECK_EQ("POSIX locks gone", lk(b, OFD_SETLK, F_WRLCK, 0, 40, NULL), 0);
	CHECK_EQ("OFD lock of a stays", lk(b, OFD_SETLK, F_WRLCK, 45, 1, NULL), -EAGAIN);
	CHECK_EQ("close a drops its OFD locks", sys_close(a), 0);
	CHECK_EQ("now free", lk(b, OFD_SETLK, F_WRLCK, 45, 1, NULL), 0);

	/* flock: per open file description, separate from fcntl locks. */
	int c = (int)sys_open("/tmp/db", O_RDONLY, 0), d = (int)sys_open("/tmp/db", O_RDONLY, 0);
	CHECK_EQ("flock ex", sys_flock(c, LOCK_EX | LOCK_NB), 0);
	CHECK_EQ("other description blocked", sys_flock(d, LOCK_SH | LOCK_NB), -EAGAIN);
	int c2 = (int)sys_dup(c);
	CHECK_EQ("dup shares the lock", sys_flock(c2, LOCK_EX | LOCK_NB), 0);
	CHECK_EQ("convert to shared", sys_flock(c, LOCK_SH | LOCK_NB), 0);
	CHECK_EQ("shared with shared", sys_flock(d, LOCK_SH | LOCK_NB), 0);
	CHECK_EQ("flock bad op", sys_flock(d, 0), -EINVAL);
	CHECK_EQ("unlock", sys_flock(c, LOCK_UN), 0);
	CHECK_EQ("close d releases", sys_close(d), 0);
	CHECK_EQ("exclusive now", sys_flock(c2, LOCK_EX | LOCK_NB), 0);
	CHECK_EQ("flock on pipe", (sys_pipe2((int[2]){0}, 0), sys_flock(3, LOCK_EX)), 0);
	return check_done();
}
