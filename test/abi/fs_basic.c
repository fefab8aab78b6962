/* File-system basics, differential against Linux: create/read/write with
 * positions, vectors and appends, stat fields that do not depend on the
 * machine, directories, links, renames, truncation, modes, explicit times,
 * fd duplication and flags, sendfile/copy_file_range, statx, statfs.
 * Works in ./fs_basic.d (made and removed). Exit status 0 when every
 * expectation held. */
#include "fs_common.h"
#include <sys/uio.h>
#include <sys/sendfile.h>
#include <sys/statfs.h>
#include <sys/time.h>

struct statx_min {   /* the leading fields of struct statx */
	unsigned mask, blksize;
	unsigned long long attributes;
	unsigned nlink, uid, gid;
	unsigned short mode, pad;
	unsigned long long ino, size, blocks, amask;
	char rest[256 - 64];
};

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	rm_rf("fs_basic.d");
	expect("mkdir", mkdir("fs_basic.d", 0755), "0");
	expect("chdir", chdir("fs_basic.d"), "0");
	umask(022);
	char cwd[4096];
	expect("getcwd ends with dir", getcwd(cwd, sizeof(cwd)) && strstr(cwd, "/fs_basic.d") != NULL, "1");

	int fd = open("a.txt", O_RDWR | O_CREAT | O_EXCL, 0666);
	expect("open create", fd >= 0, "1");
	expect("write", write(fd, "hello world\n", 12), "12");
	expect("lseek cur", lseek(fd, 0, SEEK_CUR), "12");
	expect("lseek set", lseek(fd, 6, SEEK_SET), "6");
	char buf[256] = { 0 };
	expect("read", read(fd, buf, 5), "5");
	printf("read data: %.5s\n", buf);
	expect("read at end", (lseek(fd, 0, SEEK_END), read(fd, buf, 10)), "0");
	expect("pwrite", pwrite(fd, "HELLO", 5, 0), "5");
	expect("pread", pread(fd, buf, 12, 0), "12");
	printf("pread data: %.11s\n", buf);
	expect("pos unchanged by pread", lseek(fd, 0, SEEK_CUR), "12");
	struct iovec iov[3] = { { "ab", 2 }, { "", 0 }, { "cde\n", 4 } };
	expect("writev", writev(fd, iov, 3), "6");
	char x[3], y[20];
	struct iovec riov[2] = { { x, 3 }, { y, 20 } };
	lseek(fd, 0, SEEK_SET);
	expect("readv", readv(fd, riov, 2), "18");
	for (int i = 0; i < 20; i++)
		if (y[i] == '\n')
			y[i] = '|';
	printf("readv data: %.3s|%.15s\n", x, y);
	expect("pwrite past end (hole)", pwrite(fd, "Z", 1, 100), "1");
	struct stat st;
	expect("fstat", fstat(fd, &st), "0");
	printf("mode %o size %ld nlink %ld\n", (unsigned)st.st_mode, (long)st.st_size, (long)st.st_nlink);
	expect("pread in hole", pread(fd, buf, 4, 50), "4");
	printf("hole bytes: %d %d %d %d\n", buf[0], buf[1], buf[2], buf[3]);
	expect("ftruncate", ftruncate(fd, 5), "0");
	expect("size after ftruncate", (fstat(fd, &st), st.st_size), "5");
	expect("truncate grow", truncate("a.txt", 4096), "0");
	expect("size after truncate", (stat("a.txt", &st), st.st_size), "4096");
	expect("close", close(fd), "0");

	/* O_APPEND and O_TRUNC. */
	fd = open("a.txt", O_WRONLY | O_APPEND);
	expect("append write", write(fd, "++", 2), "2");
	expect("append pos", lseek(fd, 0, SEEK_CUR), "4098");
	close(fd);
	fd = open("a.txt", O_RDWR | O_TRUNC);
	expect("O_TRUNC size", (fstat(fd, &st), st.st_size), "0");
	expect("F_GETFL", fcntl(fd, F_GETFL) & (O_ACCMODE | O_APPEND | O_NONBLOCK), "2");
	expect("F_SETFL nonblock", fcntl(fd, F_SETFL, O_NONBLOCK | O_APPEND), "0");
	expect("F_GETFL after", fcntl(fd, F_GETFL) & (O_ACCMODE | O_APPEND | O_NONBLOCK), "3074");
	close(fd);

	/* Directories and readdir. */
	expect("mkdir sub", mkdir("sub", 0700), "0");
	expect("mkdir nested", mkdir("sub/deeper", 0777), "0");
	write_file("sub/one", "1");
	write_file("sub/two", "22");
	expect("symlink", symlink("one", "sub/link"), "0");
	expect("link", link("sub/two", "sub/three"), "0");
	expect("nlink after link", (stat("sub/two", &st), st.st_nlink), "2");
	expect("dir nlink", (stat("sub", &st), st.st_nlink), "3");
	printf("sub mode %o\n", (unsigned)st.st_mode);
	show_dir("sub", "sub");
	expect("readlink", readlink("sub/link", buf, sizeof(buf)), "3");
	expect("lstat is link", (lstat("sub/link", &st), S_ISLNK(st.st_mode)), "1");
	expect("stat follows", (stat("sub/link", &st), st.st_size), "1");
	expect("rename", rename("sub/one", "sub/uno"), "0");
	expect("dangling now", stat("sub/link", &st), "ENOENT");
	expect("rename over", rename("sub/uno", "sub/two"), "0");
	show_file("two now", "sub/two");
	expect("three kept old data", (stat("sub/three", &st), st.st_size), "2");
	expect("renameat2 noreplace", syscall(SYS_renameat2, AT_FDCWD, "sub/two", AT_FDCWD, "sub/three", 1), "EEXIST");
	expect("renameat2 exchange", syscall(SYS_renameat2, AT_FDCWD, "sub/two", AT_FDCWD, "sub/three", 2), "0");
	show_file("two after exchange", "sub/two");
	expect("rename dir", rename("sub/deeper", "deeper2"), "0");
	expect("sub nlink after move", (stat("sub", &st), st.st_nlink), "2");
	show_dir("sub after", "sub");
	expect("unlink", unlink("sub/two"), "0");
	expect("rmdir", rmdir("deeper2"), "0");

	/* Modes, owners and times. */
	expect("chmod", chmod("a.txt", 04751), "0");
	expect("mode", (stat("a.txt", &st), st.st_mode & 07777), "2537");
	expect("chown same owner", chown("a.txt", -1, -1), "0");
	struct timespec ts[2] = { { 1000000000, 123456789 }, { 1200000000, 5 } };
	expect("utimensat", utimensat(AT_FDCWD, "a.txt", ts, 0), "0");
	stat("a.txt", &st);
	printf("atime %ld.%09ld mtime %ld.%09ld\n", (long)st.st_atim.tv_sec, st.st_atim.tv_nsec, (long)st.st_mtim.tv_sec,
	       st.st_mtim.tv_nsec);
	struct timespec omit[2] = { { 0, UTIME_OMIT }, { 7, 0 } };
	expect("utimensat omit", utimensat(AT_FDCWD, "a.txt", omit, 0), "0");
	stat("a.txt", &st);
	printf("atime %ld mtime %ld\n", (long)st.st_atim.tv_sec, (long)st.st_mtim.tv_sec);
	struct timeval tv[2] = { { 5, 1 }, { 6, 2 } };
	expect("utimes", utimes("a.txt", tv), "0");
	expect("mtime nsec from utimes", (stat("a.txt", &st), st.st_mtim.tv_nsec), "2000");
	expect("access F_OK", access("a.txt", F_OK), "0");
	expect("access R_OK|W_OK", access("a.txt", R_OK | W_OK), "0");
	expect("faccessat2", syscall(SYS_faccessat2, AT_FDCWD, "a.txt", R_OK, AT_EACCESS), "0");
	expect("umask", umask(077), "18");
	expect("create under umask", (close(open("masked", O_CREAT | O_WRONLY, 0666)), stat("masked", &st), st.st_mode & 0777),
	       "384");
	umask(022);

	/* fds. */
	fd = open("a.txt", O_RDONLY | O_CLOEXEC);
	expect("FD_CLOEXEC", fcntl(fd, F_GETFD), "1");
	int d = dup(fd);
	expect("dup no cloexec", fcntl(d, F_GETFD), "0");
	expect("dup2", dup2(fd, 50), "50");
	expect("dup3 cloexec", (dup3(fd, 51, O_CLOEXEC), fcntl(51, F_GETFD)), "1");
	expect("F_DUPFD", fcntl(fd, F_DUPFD, 60), "60");
	expect("shared offset", (lseek(fd, 3, SEEK_SET), lseek(60, 0, SEEK_CUR)), "3");
	expect("close_range", syscall(SYS_close_range, 50, 60, 0), "0");
	expect("closed by range", fcntl(51, F_GETFD), "EBADF");
	close(d);
	close(fd);

	/* sendfile and copy_file_range. */
	write_file("src", "0123456789abcdef");
	int in = open("src", O_RDONLY), out = open("dst", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	off_t off = 4;
	expect("sendfile", sendfile(out, in, &off, 6), "6");
	expect("sendfile off", off, "10");
	expect("in pos untouched", lseek(in, 0, SEEK_CUR), "0");
	expect("sendfile no off", sendfile(out, in, NULL, 3), "3");
	expect("in pos moved", lseek(in, 0, SEEK_CUR), "3");
	loff_t oi = 10, oo = 0;
	int out2 = open("dst2", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	expect("copy_file_range", syscall(SYS_copy_file_range, in, &oi, out2, &oo, 100, 0), "6");
	close(in);
	close(out);
	close(out2);
	show_file("dst", "dst");
	show_file("dst2", "dst2");

	/* statx and statfs. */
	struct statx_min sx;
	expect("statx", syscall(SYS_statx, AT_FDCWD, "src", 0, 0x7ff, &sx), "0");
	printf("statx basic mask %x size %llu mode %o nlink %u\n", sx.mask & 0x7ff, sx.size, sx.mode, sx.nlink);
	struct statfs sf;
	expect("statfs", statfs(".", &sf), "0");
	printf("statfs namelen %ld\n", (long)sf.f_namelen);

	/* Clean up. */
	const char *files[] = { "a.txt", "masked", "src", "dst", "dst2", "sub/link", "sub/three" };
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (unlink(files[i]))
			printf("cleanup %s: %s\n", files[i], errname(errno));
	expect("rmdir sub", rmdir("sub"), "0");
	expect("chdir ..", chdir(".."), "0");
	expect("rmdir work", rmdir("fs_basic.d"), "0");
	return finish();
}
