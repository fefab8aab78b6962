/* Helpers for the file-system ABI tests (fs_*.c, pipe.c): each check prints
 * one line "name: result" where result is a value or an errno name, so the
 * output is the same on Linux and in unipack and diffs read well. Plain C
 * over libc; builds with musl-gcc -static, gcc -static and gcc. */
#ifndef ABI_FS_COMMON_H
#define ABI_FS_COMMON_H
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#ifndef SYS_renameat2
#define SYS_renameat2 316
#endif
#ifndef SYS_statx
#define SYS_statx 332
#endif
#ifndef SYS_copy_file_range
#define SYS_copy_file_range 326
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef SYS_faccessat2
#define SYS_faccessat2 439
#endif

static int failures;

static const char *errname(int e)
{
	static const struct { int n; const char *s; } t[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EINTR, "EINTR" }, { EIO, "EIO" }, { ENXIO, "ENXIO" },
		{ EBADF, "EBADF" }, { EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" }, { EACCES, "EACCES" },
		{ EFAULT, "EFAULT" }, { EBUSY, "EBUSY" }, { EEXIST, "EEXIST" }, { EXDEV, "EXDEV" },
		{ ENOTDIR, "ENOTDIR" }, { EISDIR, "EISDIR" }, { EINVAL, "EINVAL" }, { EMFILE, "EMFILE" },
		{ ENOTTY, "ENOTTY" }, { EFBIG, "EFBIG" }, { ENOSPC, "ENOSPC" }, { ESPIPE, "ESPIPE" },
		{ EROFS, "EROFS" }, { EMLINK, "EMLINK" }, { EPIPE, "EPIPE" }, { ERANGE, "ERANGE" },
		{ ENAMETOOLONG, "ENAMETOOLONG" }, { ENOSYS, "ENOSYS" }, { ENOTEMPTY, "ENOTEMPTY" },
		{ ELOOP, "ELOOP" }, { EOVERFLOW, "EOVERFLOW" }, { EOPNOTSUPP, "EOPNOTSUPP" },
		{ EDEADLK, "EDEADLK" }, { ENOLCK, "ENOLCK" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].n == e)
			return t[i].s;
	static char buf[32];
	snprintf(buf, sizeof(buf), "errno%d", e);
	return buf;
}

/* Prints "name: value" for r >= 0, "name: ENAME" for r == -1 (errno). */
__attribute__((unused)) static long show(const char *name, long r)
{
	if (r == -1)
		printf("%s: %s\n", name, errname(errno));
	else
		printf("%s: %ld\n", name, r);
	return r;
}

/* Like show, but the expected outcome is given; a mismatch counts as a failure too. */
static long expect(const char *name, long r, const char *want)
{
	char got[64];
	if (r == -1)
		snprintf(got, sizeof(got), "%s", errname(errno));
	else
		snprintf(got, sizeof(got), "%ld", r);
	printf("%s: %s\n", name, got);
	if (strcmp(got, want)) {
		printf("  MISMATCH: want %s\n", want);
		failures++;
	}
	return r;
}

static int cmp_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Prints a directory's entries (without . and ..) sorted, with their types. */
__attribute__((unused)) static void show_dir(const char *label, const char *path)
{
	DIR *d = opendir(path);
	if (!d) {
		printf("%s: %s\n", label, errname(errno));
		return;
	}
	char *names[256];
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 256) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *s = malloc(strlen(e->d_name) + 4);
		sprintf(s, "%s%s", e->d_name, e->d_type == DT_DIR ? "/" : e->d_type == DT_LNK ? "@" : "");
		names[n++] = s;
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(char *), cmp_names);
	printf("%s:", label);
	for (int i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n");
}

__attribute__((unused)) static void write_file(const char *path, const char *data)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, data, strlen(data)) != (ssize_t)strlen(data))
		printf("write_file %s: %s\n", path, errname(errno));
	if (fd >= 0)
		close(fd);
}

__attribute__((unused)) static void show_file(const char *label, const char *path)
{
	char buf[256];
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		printf("%s: %s\n", label, errname(errno));
		return;
	}
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n < 0 ? 0 : n] = 0;
	for (char *p = buf; *p; p++)
		if (*p == '\n')
			*p = '|';
	printf("%s: \"%s\"\n", label, buf);
}

/* Removes a tree left by an earlier run (no output). */
__attribute__((unused)) static void rm_rf(const char *path)
{
	struct stat st;
	if (lstat(path, &st))
		return;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *e;
		char sub[4096];
		while (d && (e = readdir(d))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
			rm_rf(sub);
		}
		if (d)
			closedir(d);
		rmdir(path);
	} else {
		unlink(path);
	}
}

static int finish(void)
{
	printf("failures: %d\n", failures);
	return failures ? 1 : 0;
}

#endif
