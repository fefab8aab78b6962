/* Helpers for the network ABI tests (net_*.c): each check prints one line
 * "name: result" (a value or an errno name), so the output is the same on
 * Linux and in unipack. Plain C over libc; builds with musl-gcc -static,
 * gcc -static and gcc. */
#ifndef ABI_NET_COMMON_H
#define ABI_NET_COMMON_H
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

static int failures;

static const char *errname(int e)
{
	static const struct { int n; const char *s; } t[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EINTR, "EINTR" }, { EBADF, "EBADF" },
		{ EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" }, { EACCES, "EACCES" }, { EFAULT, "EFAULT" },
		{ EEXIST, "EEXIST" }, { ENOTDIR, "ENOTDIR" }, { EINVAL, "EINVAL" }, { EMFILE, "EMFILE" },
		{ ENOTTY, "ENOTTY" }, { ESPIPE, "ESPIPE" }, { EPIPE, "EPIPE" }, { ENOSYS, "ENOSYS" },
		{ ENOTSOCK, "ENOTSOCK" }, { EDESTADDRREQ, "EDESTADDRREQ" }, { EMSGSIZE, "EMSGSIZE" },
		{ EPROTOTYPE, "EPROTOTYPE" }, { ENOPROTOOPT, "ENOPROTOOPT" }, { EPROTONOSUPPORT, "EPROTONOSUPPORT" },
		{ ESOCKTNOSUPPORT, "ESOCKTNOSUPPORT" }, { EOPNOTSUPP, "EOPNOTSUPP" }, { EAFNOSUPPORT, "EAFNOSUPPORT" },
		{ EADDRINUSE, "EADDRINUSE" }, { EADDRNOTAVAIL, "EADDRNOTAVAIL" }, { ENETUNREACH, "ENETUNREACH" },
		{ ECONNABORTED, "ECONNABORTED" }, { ECONNRESET, "ECONNRESET" }, { ENOBUFS, "ENOBUFS" },
		{ EISCONN, "EISCONN" }, { ENOTCONN, "ENOTCONN" }, { ETIMEDOUT, "ETIMEDOUT" },
		{ ECONNREFUSED, "ECONNREFUSED" }, { EHOSTUNREACH, "EHOSTUNREACH" }, { EALREADY, "EALREADY" },
		{ EINPROGRESS, "EINPROGRESS" }, { ENODEV, "ENODEV" }, { EDOM, "EDOM" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].n == e)
			return t[i].s;
	static char buf[32];
	snprintf(buf, sizeof(buf), "errno%d", e);
	return buf;
}

/* Prints "name: value" (or the errno name for -1); a mismatch with want counts as a failure. */
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

static void expect_str(const char *name, const char *got, const char *want)
{
	printf("%s: %s\n", name, got);
	if (strcmp(got, want)) {
		printf("  MISMATCH: want %s\n", want);
		failures++;
	}
}

/* poll revents for events, without waiting. */
__attribute__((unused)) static int revents(int fd, short events, int timeout)
{
	struct pollfd p = { fd, events, 0 };
	int r = poll(&p, 1, timeout);
	return r < 0 ? -1 : p.revents;
}

static int finish(void)
{
	printf("failures: %d\n", failures);
	return failures ? 1 : 0;
}

#endif
