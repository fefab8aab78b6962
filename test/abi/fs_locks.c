/* Advisory locks, differential against Linux (what SQLite relies on):
 * process-associated fcntl locks never conflict within one process and
 * are dropped by closing any fd of the file; OFD locks conflict with them
 * and with other open files' OFD locks; F_GETLK describes the conflicting
 * lock; flock locks belong to open file descriptions. Works in ./fs_locks.d. */
#include "fs_common.h"
#include <sys/file.h>

#ifndef F_OFD_GETLK
#define F_OFD_GETLK 36
#define F_OFD_SETLK 37
#define F_OFD_SETLKW 38
#endif

static long lk(int fd, int cmd, short type, long start, long len, struct flock *out)
{
	struct flock f;
	memset(&f, 0, sizeof(f));
	f.l_type = type;
	f.l_whence = SEEK_SET;
	f.l_start = start;
	f.l_len = len;
	long r = fcntl(fd, cmd, &f);
	if (out)
		*out = f;
	return r;
}

static void show_lock(const char *label, const struct flock *f)
{
	const char *t = f->l_type == F_RDLCK ? "rd" : f->l_type == F_WRLCK ? "wr" : "un";
	if (f->l_type == F_UNLCK)
		printf("%s: %s\n", label, t);
	else
		printf("%s: %s start %ld len %ld pid %s\n", label, t, (long)f->l_start, (long)f->l_len,
		       f->l_pid == -1 ? "-1" : f->l_pid > 0 ? "self" : "0");
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	rm_rf("fs_locks.d");
	mkdir("fs_locks.d", 0755);
	if (chdir("fs_locks.d"))
		return 2;
	int a = open("db", O_RDWR | O_CREAT, 0600), b = open("db", O_RDWR), ro = open("db", O_RDONLY);
	struct flock g;
	expect("posix wr 0-99", lk(a, F_SETLK, F_WRLCK, 0, 100, NULL), "0");
	expect("posix wr 50-149 via other fd", lk(b, F_SETLK, F_WRLCK, 50, 100, NULL), "0");
	expect("getlk own locks", lk(a, F_GETLK, F_WRLCK, 0, 0, &g), "0");
	show_lock("getlk", &g);
	expect("ofd rd conflicts", lk(a, F_OFD_SETLK, F_RDLCK, 10, 1, NULL), "EAGAIN");
	expect("ofd getlk", lk(a, F_OFD_GETLK, F_RDLCK, 10, 1, &g), "0");
	show_lock("ofd getlk", &g);
	struct flock bad = { .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1, .l_pid = 7 };
	expect("ofd with l_pid", fcntl(a, F_OFD_SETLK, &bad), "EINVAL");
	expect("unlock middle", lk(a, F_SETLK, F_UNLCK, 40, 20, NULL), "0");
	expect("ofd wr in hole", lk(a, F_OFD_SETLK, F_WRLCK, 45, 10, NULL), "0");
	expect("other ofd conflicts", lk(b, F_OFD_SETLK, F_RDLCK, 50, 1, NULL), "EAGAIN");
	expect("same ofd converts", lk(a, F_OFD_SETLK, F_RDLCK, 45, 10, NULL), "0");
	expect("other ofd shares rd", lk(b, F_OFD_SETLK, F_RDLCK, 50, 1, NULL), "0");
	expect("posix wr over ofd rd", lk(a, F_SETLK, F_WRLCK, 45, 1, NULL), "EAGAIN");
	expect("posix getlk", lk(a, F_GETLK, F_WRLCK, 44, 3, &g), "0");
	show_lock("posix getlk", &g);
	expect("wr lock on O_RDONLY", lk(ro, F_SETLK, F_WRLCK, 1000, 1, NULL), "EBADF");
	expect("rd lock on O_RDONLY", lk(ro, F_SETLK, F_RDLCK, 1000, 1, NULL), "0");
	expect("bad type", lk(a, F_SETLK, 9, 0, 1, NULL), "EINVAL");
	expect("negative start", lk(a, F_SETLK, F_RDLCK, -5, 1, NULL), "EINVAL");
	expect("to-EOF lock", lk(a, F_SETLK, F_RDLCK, 5000, 0, NULL), "0");
	expect("ofd far conflicts", lk(b, F_OFD_SETLK, F_WRLCK, 1L << 30, 1, NULL), "EAGAIN");
	expect("ofd getlk far", lk(b, F_OFD_GETLK, F_WRLCK, 1L << 30, 1, &g), "0");
	show_lock("getlk far", &g);
	expect("close ro", close(ro), "0");
	expect("posix locks dropped", lk(b, F_OFD_SETLK, F_WRLCK, 0, 40, NULL), "0");
	expect("ofd of a remains", lk(b, F_OFD_SETLK, F_WRLCK, 45, 1, NULL), "EAGAIN");
	expect("close a", close(a), "0");
	expect("ofd of a released", lk(b, F_OFD_SETLK, F_WRLCK, 45, 1, NULL), "0");

	int c = open("db", O_RDONLY), d = open("db", O_RDONLY);
	expect("flock ex", flock(c, LOCK_EX | LOCK_NB), "0");
	expect("flock other description", flock(d, LOCK_SH | LOCK_NB), "EAGAIN");
	int c2 = dup(c);
	expect("flock via dup", flock(c2, LOCK_EX | LOCK_NB), "0");
	expect("flock convert", flock(c, LOCK_SH | LOCK_NB), "0");
	expect("flock shared", flock(d, LOCK_SH | LOCK_NB), "0");
	expect("flock bad op", flock(d, 0), "EINVAL");
	expect("flock unlock", flock(c, LOCK_UN), "0");
	expect("close d", close(d), "0");
	expect("flock ex again", flock(c2, LOCK_EX | LOCK_NB), "0");
	close(b);
	int e = open("db2", O_RDWR | O_CREAT, 0600), f2 = open("db2", O_RDWR);
	expect("flock ex on db2", flock(e, LOCK_EX | LOCK_NB), "0");
	expect("flock and fcntl are separate", lk(f2, F_OFD_SETLK, F_WRLCK, 0, 0, NULL), "0");
	close(e);
	close(f2);
	unlink("db2");
	close(c);
	close(c2);
	unlink("db");
	if (chdir("..") || rmdir("fs_locks.d"))
		printf("cleanup failed\n");
	return finish();
}
