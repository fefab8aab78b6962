/* kernel/fs/path.c (through the syscalls): relative and absolute walks,
 * "..", symlinks (relative, absolute, chains, loops: ELOOP after 40),
 * trailing slashes, ENAMETOOLONG, ENOTDIR, dirfds, mount crossing. */
#include "fs_host.h"

int main(void)
{
	boot_fs("mkdir -p a/b/c && echo hi > a/b/c/f && ln -s b/c a/l && ln -s /a/b a/abs && ln -s nowhere a/dangling "
		"&& ln -s loop1 a/loop2 && ln -s loop2 a/loop1 && ln -s f a/b/c/selfdir", NULL);
	char buf[256];
	struct kst st;
	CHECK_EQ("read via plain path", get_file("/a/b/c/f", buf, sizeof(buf)), 3);
	CHECK_EQ("relative symlink", get_file("/a/l/f", buf, sizeof(buf)), 3);
	CHECK_EQ("absolute symlink", get_file("/a/abs/c/f", buf, sizeof(buf)), 3);
	CHECK_EQ("dotdot", get_file("/a/b/../b/./c/../c/f", buf, sizeof(buf)), 3);
	CHECK_EQ("dotdot above root stays at root", get_file("/../../a/b/c/f", buf, sizeof(buf)), 3);
	CHECK_EQ("dotdot after symlink is physical", get_file("/a/l/../c/f", buf, sizeof(buf)), 3);
	CHECK_EQ("dangling symlink", sys_open("/a/dangling", O_RDONLY, 0), -ENOENT);
	CHECK_EQ("symlink loop", sys_open("/a/loop1", O_RDONLY, 0), -ELOOP);
	CHECK_EQ("O_NOFOLLOW on a symlink", sys_open("/a/l", O_RDONLY | O_NOFOLLOW, 0), -ELOOP);
	CHECK_EQ("lstat does not follow", sys_lstat("/a/l", &st), 0);
	CHECK("lstat sees a link", (st.mode & S_IFMT) == S_IFLNK, "mode %o", st.mode);
	CHECK_EQ("lstat size is target length", st.size, 3);
	CHECK_EQ("stat follows", sys_stat("/a/l", &st), 0);
	CHECK("stat sees a dir", (st.mode & S_IFMT) == S_IFDIR, "mode %o", st.mode);
	CHECK_EQ("lstat with trailing slash follows", sys_lstat("/a/l/", &st), 0);
	CHECK("trailing slash resolves to dir", (st.mode & S_IFMT) == S_IFDIR, "mode %o", st.mode);
	CHECK_EQ("file with trailing slash", sys_stat("/a/b/c/f/", &st), -ENOTDIR);
	CHECK_EQ("file as a directory", sys_stat("/a/b/c/f/x", &st), -ENOTDIR);
	CHECK_EQ("missing middle", sys_stat("/a/nope/x", &st), -ENOENT);
	CHECK_EQ("empty path", sys_stat("", &st), -ENOENT);
	CHECK_EQ("O_DIRECTORY on a file", sys_open("/a/b/c/f", O_RDONLY | O_DIRECTORY, 0), -ENOTDIR);

	/* 40 links are fine, 41 are ELOOP (fs/namei.c MAXSYMLINKS). */
	char name[64], target[64];
	CHECK_EQ("mkdir chain dir", sys_mkdir("/chain", 0755), 0);
	CHECK_EQ("chain end", put_file("/chain/end", "x"), 0);
	for (int i = 0; i <= 41; i++) {
		snprintf(name, sizeof(name), "/chain/l%d", i);
		if (i == 0)
			snprintf(target, sizeof(target), "end");
		else
			snprintf(target, sizeof(target), "l%d", i - 1);
		sys_symlink(target, name);
	}
	CHECK_EQ("40 links", get_file("/chain/l39", buf, sizeof(buf)), 1);
	CHECK_EQ("41 links", sys_open("/chain/l40", O_RDONLY, 0), -ELOOP);

	/* Name length limits. */
	char longname[300];
	memset(longname, 'n', 256);
	longname[0] = '/';
	longname[257] = 0;
	memset(longname + 1, 'n', 256);
	CHECK_EQ("component of 256 bytes", sys_stat(longname, &st), -ENAMETOOLONG);
	longname[256] = 0;
	CHECK_EQ("component of 255 bytes (absent)", sys_stat(longname, &st), -ENOENT);
	char *huge = malloc(5000);
	memset(huge, 'a', 4999);
	for (int i = 0; i < 4999; i += 2)
		huge[i] = '/';
	huge[4999] = 0;
	CHECK_EQ("path of 5000 bytes", sys_stat(huge, &st), -ENAMETOOLONG);
	free(huge);

	/* cwd and dirfds. */
	CHECK_EQ("chdir", sys_chdir("/a/b"), 0);
	CHECK_EQ("relative to cwd", get_file("c/f", buf, sizeof(buf)), 3);
	CHECK_EQ("getcwd", sys_getcwd(buf, sizeof(buf)), 5);
	CHECK("getcwd text", !strcmp(buf, "/a/b"), "got %s", buf);
	CHECK_EQ("getcwd too small", sys_getcwd(buf, 4), -ERANGE);
	int dfd = (int)sys_open("/a/b/c", O_RDONLY | O_DIRECTORY, 0);
	CHECK("open dirfd", dfd >= 0, "%d", dfd);
	CHECK_EQ("openat relative to dirfd", sys_openat(dfd, "f", O_RDONLY, 0) >= 0, 1);
	int ffd = (int)sys_open("/a/b/c/f", O_RDONLY, 0);
	CHECK_EQ("openat with a file as dirfd", sys_openat(ffd, "x", O_RDONLY, 0), -ENOTDIR);
	CHECK_EQ("openat with a bad dirfd", sys_openat(999, "x", O_RDONLY, 0), -EBADF);
	CHECK("absolute path ignores a bad dirfd", sys_openat(999, "/a/b/c/f", O_RDONLY, 0) >= 0, "open failed");
	CHECK_EQ("chdir into a file", sys_chdir("/a/b/c/f"), -ENOTDIR);

	/* Mount crossing: /dev/shm is a tmpfs in devfs in the root. */
	CHECK_EQ("create in /dev/shm", put_file("/dev/shm/x", "y"), 0);
	CHECK_EQ("dotdot out of mounts", get_file("/dev/shm/../shm/../../a/b/c/f", buf, sizeof(buf)), 3);
	CHECK_EQ("chdir into mount", sys_chdir("/dev/shm"), 0);
	CHECK_EQ("getcwd in mount", sys_getcwd(buf, sizeof(buf)), 9);
	CHECK("getcwd in mount text", !strcmp(buf, "/dev/shm"), "got %s", buf);
	CHECK_EQ("link across mounts", sys_link("/dev/shm/x", "/tmp/x"), -EXDEV);
	CHECK_EQ("rename across mounts", sys_rename("/dev/shm/x", "/tmp/x"), -EXDEV);
	CHECK_EQ("rmdir a mount point", sys_rmdir("/dev/shm"), -EBUSY);

	/* /proc/self and magic links. */
	CHECK_EQ("readlink /proc/self", sys_readlink("/proc/self", buf, sizeof(buf)), 1);
	long n = sys_readlink("/proc/self/cwd", buf, sizeof(buf));
	CHECK("readlink cwd", n == 8 && !memcmp(buf, "/dev/shm", 8), "n=%ld", n);
	snprintf(name, sizeof(name), "/proc/self/fd/%d", ffd);
	n = sys_readlink(name, buf, sizeof(buf));
	CHECK("readlink fd", n == 8 && !memcmp(buf, "/a/b/c/f", 8), "n=%ld", n);
	CHECK_EQ("open through fd link", get_file(name, buf, sizeof(buf)), 3);
	n = sys_readlink("/dev/stdout", buf, sizeof(buf));
	CHECK("dev/stdout link", n == 15 && !memcmp(buf, "/proc/self/fd/1", 15), "n=%ld", n);
	n = sys_readlink("/proc/self/fd/1", buf, sizeof(buf));
	CHECK("fd 1 is ttyS0", n == 10 && !memcmp(buf, "/dev/ttyS0", 10), "n=%ld", n);
	int sfd = (int)sys_open("/dev/stderr", O_WRONLY, 0);
	CHECK("open /dev/stderr", sfd >= 0, "%d", sfd);
	CHECK_EQ("write /dev/stderr", sys_write(sfd, "E!", 2), 2);
	CHECK("stderr reached COM2", serial_len[1] == 2 && !memcmp(serial_out[1], "E!", 2), "len %zu", serial_len[1]);
	CHECK_EQ("write fd 1", sys_write(1, "out", 3), 3);
	CHECK("stdout reached COM1", serial_len[0] == 3, "len %zu", serial_len[0]);
	CHECK_EQ("stat missing fd link", sys_stat("/proc/self/fd/999", &st), -ENOENT);
	return check_done();
}
