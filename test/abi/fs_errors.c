/* Error paths of the file calls, differential against Linux: EBADF,
 * EFAULT, ENOENT, EEXIST, ENOTDIR, EISDIR, EINVAL, ENOTEMPTY, ELOOP,
 * ENAMETOOLONG, ESPIPE, EACCES, ERANGE. Raw syscalls where a libc wrapper
 * could answer by itself. Works in ./fs_errors.d. */
#include "fs_common.h"
#include <sys/uio.h>

#define BAD ((void *)1)

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	rm_rf("fs_errors.d");
	mkdir("fs_errors.d", 0755);
	if (chdir("fs_errors.d"))
		return 2;
	write_file("file", "data");
	mkdir("dir", 0755);
	write_file("dir/inner", "x");
	symlink("loop2", "loop1");
	symlink("loop1", "loop2");
	char buf[64];

	/* EBADF */
	expect("read bad fd", syscall(SYS_read, 999, buf, 1), "EBADF");
	expect("write negative fd", syscall(SYS_write, -1, buf, 1), "EBADF");
	expect("close bad fd", syscall(SYS_close, 999), "EBADF");
	expect("fstat bad fd", syscall(SYS_fstat, 999, buf), "EBADF");
	expect("dup2 bad fd", syscall(SYS_dup2, 999, 5), "EBADF");
	expect("fcntl bad fd", syscall(SYS_fcntl, 999, F_GETFD), "EBADF");
	int ro = open("file", O_RDONLY), wo = open("file", O_WRONLY);
	expect("write on O_RDONLY", write(ro, "x", 1), "EBADF");
	expect("read on O_WRONLY", read(wo, buf, 1), "EBADF");
	expect("openat bad dirfd", syscall(SYS_openat, 999, "file", O_RDONLY), "EBADF");
	expect("getdents on bad fd", syscall(SYS_getdents64, 999, buf, sizeof(buf)), "EBADF");

	/* EFAULT */
	expect("read into bad buffer", syscall(SYS_read, ro, BAD, 4), "EFAULT");
	expect("write from bad buffer", syscall(SYS_write, wo, BAD, 4), "EFAULT");
	expect("open bad path", syscall(SYS_open, BAD, O_RDONLY), "EFAULT");
	expect("stat bad buffer", syscall(SYS_stat, "file", BAD), "EFAULT");
	expect("pipe bad array", syscall(SYS_pipe, BAD), "EFAULT");
	expect("readv bad iov", syscall(SYS_readv, ro, BAD, 1), "EFAULT");
	expect("getcwd bad buffer", syscall(SYS_getcwd, BAD, 100), "EFAULT");

	/* ENOENT, EEXIST, ENOTDIR, EISDIR */
	expect("open missing", open("missing", O_RDONLY), "ENOENT");
	expect("open in missing dir", open("nodir/x", O_CREAT | O_WRONLY, 0644), "ENOENT");
	expect("stat empty path", syscall(SYS_stat, "", buf), "ENOENT");
	expect("unlink missing", unlink("missing"), "ENOENT");
	expect("O_EXCL existing", open("file", O_CREAT | O_EXCL | O_WRONLY, 0644), "EEXIST");
	expect("mkdir existing", mkdir("dir", 0755), "EEXIST");
	expect("mkdir over file", mkdir("file", 0755), "EEXIST");
	expect("link onto existing", link("file", "dir/inner"), "EEXIST");
	expect("symlink onto existing", symlink("x", "file"), "EEXIST");
	expect("path through file", open("file/x", O_RDONLY), "ENOTDIR");
	expect("file with slash", open("file/", O_RDONLY), "ENOTDIR");
	expect("O_DIRECTORY on file", open("file", O_RDONLY | O_DIRECTORY), "ENOTDIR");
	expect("rmdir file", rmdir("file"), "ENOTDIR");
	expect("chdir file", chdir("file"), "ENOTDIR");
	expect("rename dir over file", rename("dir", "file"), "ENOTDIR");
	expect("open dir for write", open("dir", O_WRONLY), "EISDIR");
	expect("unlink dir", unlink("dir"), "EISDIR");
	expect("rename file over dir", rename("file", "dir"), "EISDIR");
	expect("create with trailing slash", open("newfile/", O_CREAT | O_WRONLY, 0644), "EISDIR");
	int dfd = open("dir", O_RDONLY | O_DIRECTORY);
	expect("read dir", read(dfd, buf, 1), "EISDIR");
	expect("getdents on file", syscall(SYS_getdents64, ro, buf, sizeof(buf)), "ENOTDIR");

	/* EINVAL */
	expect("lseek bad whence", lseek(ro, 0, 42), "EINVAL");
	expect("lseek negative", lseek(ro, -10, SEEK_SET), "EINVAL");
	expect("pread negative offset", pread(ro, buf, 1, -1), "EINVAL");
	expect("readlink on a file", readlink("file", buf, sizeof(buf)), "EINVAL");
	expect("readlink zero size", syscall(SYS_readlink, "loop1", buf, 0), "EINVAL");
	expect("rmdir dot", rmdir("dir/."), "EINVAL");
	expect("rename dir into itself", rename("dir", "dir/sub"), "EINVAL");
	expect("dup3 same fd", syscall(SYS_dup3, ro, ro, 0), "EINVAL");
	expect("dup3 bad flags", syscall(SYS_dup3, ro, 40, 12345), "EINVAL");
	expect("fcntl bad cmd", fcntl(ro, 123456), "EINVAL");
	expect("ftruncate read-only", ftruncate(ro, 0), "EINVAL");
	expect("truncate negative", truncate("file", -1), "EINVAL");
	expect("access bad mode", syscall(SYS_access, "file", 0x100), "EINVAL");
	expect("readv too many", syscall(SYS_readv, ro, buf, 1025), "EINVAL");
	expect("getdents tiny buffer", syscall(SYS_getdents64, dfd, buf, 8), "EINVAL");
	expect("unlinkat bad flags", syscall(SYS_unlinkat, AT_FDCWD, "file", 0x1), "EINVAL");
	expect("renameat2 bad flags", syscall(SYS_renameat2, AT_FDCWD, "file", AT_FDCWD, "f2", 3), "EINVAL");
	expect("pipe2 bad flags", syscall(SYS_pipe2, buf, 0x1), "EINVAL");
	expect("copy_file_range flags", syscall(SYS_copy_file_range, ro, NULL, wo, NULL, 1, 1), "EINVAL");

	/* ENOTEMPTY, ELOOP, ENAMETOOLONG, ESPIPE, EACCES, ERANGE */
	expect("rmdir non-empty", rmdir("dir"), "ENOTEMPTY");
	expect("open symlink loop", open("loop1", O_RDONLY), "ELOOP");
	expect("O_NOFOLLOW on link", open("loop1", O_RDONLY | O_NOFOLLOW), "ELOOP");
	char longname[300];
	memset(longname, 'x', 299);
	longname[299] = 0;
	expect("long component", open(longname, O_RDONLY), "ENAMETOOLONG");
	char *huge = malloc(5000);
	memset(huge, 'a', 4999);
	for (int i = 1; i < 4999; i += 2)
		huge[i] = '/';
	huge[4999] = 0;
	expect("long path", open(huge, O_RDONLY), "ENAMETOOLONG");
	free(huge);
	int p[2];
	if (pipe(p))
		return 2;
	expect("lseek on pipe", lseek(p[0], 0, SEEK_CUR), "ESPIPE");
	expect("pwrite on pipe", pwrite(p[1], "x", 1, 0), "ESPIPE");
	expect("X_OK on 0644 file", access("file", X_OK), "EACCES");
	expect("getcwd size 1", syscall(SYS_getcwd, buf, 1), "ERANGE");
	expect("TCGETS on a file", syscall(SYS_ioctl, ro, 0x5401, buf), "ENOTTY");

	close(ro);
	close(wo);
	close(dfd);
	unlink("loop1");
	unlink("loop2");
	unlink("dir/inner");
	rmdir("dir");
	unlink("file");
	if (chdir("..") || rmdir("fs_errors.d"))
		printf("cleanup failed: %s\n", errname(errno));
	return finish();
}
