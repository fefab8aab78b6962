/* inotify, differential: watches on a directory and a file, the events for
 * create, modify, attrib, rename (paired cookies), delete, delete-self and
 * IN_IGNORED, nonblocking reads, FIONREAD, rm_watch, and errors. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *names[] = { "ACCESS", "MODIFY", "ATTRIB", "CLOSE_WRITE", "CLOSE_NOWRITE", "OPEN", "MOVED_FROM",
			       "MOVED_TO", "CREATE", "DELETE", "DELETE_SELF", "MOVE_SELF" };

static void drain(int fd, int dwd, int fwd)
{
	char buf[4096] __attribute__((aligned(8)));
	uint32_t from_cookie = 0;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n <= 0) {
			printf("read: %s\n", n < 0 && errno == EAGAIN ? "EAGAIN" : "?");
			return;
		}
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *e = (struct inotify_event *)p;
			printf("event wd=%s", e->wd == dwd ? "dir" : e->wd == fwd ? "file" : "?");
			for (int i = 0; i < 12; i++)
				if (e->mask & (1u << i))
					printf(" %s", names[i]);
			if (e->mask & IN_ISDIR)
				printf(" ISDIR");
			if (e->mask & IN_IGNORED)
				printf(" IGNORED");
			if (e->mask & IN_MOVED_FROM)
				from_cookie = e->cookie;
			if (e->mask & IN_MOVED_TO)
				printf(" cookie_matches=%d", e->cookie == from_cookie && e->cookie != 0);
			printf(" name=%s\n", e->len ? e->name : "");
			p += sizeof(*e) + e->len;
		}
	}
}

int main(void)
{
	setvbuf(stdout, 0, _IONBF, 0);
	char dir[] = "/tmp/inoXXXXXX";
	mkdtemp(dir);
	chdir(dir);
	int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	printf("init: %d cloexec=%d\n", fd >= 0, (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
	int dwd = inotify_add_watch(fd, ".", IN_CREATE | IN_DELETE | IN_MODIFY | IN_ATTRIB | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF);
	int f = open("a.txt", O_CREAT | O_WRONLY, 0644);
	int fwd = inotify_add_watch(fd, "a.txt", IN_MODIFY | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF);
	printf("watches: %d %d same_again=%d\n", dwd > 0, fwd > 0 && fwd != dwd, inotify_add_watch(fd, "a.txt", IN_MODIFY) == fwd);
	inotify_add_watch(fd, "a.txt", IN_MODIFY | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF);
	write(f, "x", 1);
	close(f);
	int avail = 0;
	ioctl(fd, FIONREAD, &avail);
	printf("fionread>0: %d\n", avail > 0);
	struct pollfd p = { fd, POLLIN, 0 };
	printf("poll: %d\n", poll(&p, 1, 0));
	drain(fd, dwd, fwd);
	chmod("a.txt", 0600);
	rename("a.txt", "b.txt");
	mkdir("sub", 0755);
	unlink("b.txt");
	rmdir("sub");
	drain(fd, dwd, fwd);
	printf("rm_watch bad: %s\n", inotify_rm_watch(fd, 999) == -1 && errno == EINVAL ? "EINVAL" : "?");
	printf("add missing: %s\n", inotify_add_watch(fd, "nope", IN_MODIFY) == -1 && errno == ENOENT ? "ENOENT" : "?");
	printf("add no events: %s\n", inotify_add_watch(fd, ".", 0) == -1 && errno == EINVAL ? "EINVAL" : "?");
	printf("onlydir on file: %s\n", (close(open("c", O_CREAT | O_WRONLY, 0644)), inotify_add_watch(fd, "c", IN_MODIFY | IN_ONLYDIR)) == -1 && errno == ENOTDIR ? "ENOTDIR" : "?");
	printf("rm_watch dir: %d\n", inotify_rm_watch(fd, dwd));
	drain(fd, dwd, fwd);
	printf("not inotify fd: %s\n", inotify_add_watch(1, ".", IN_MODIFY) == -1 && errno == EINVAL ? "EINVAL" : "?");
	unlink("c");
	chdir("/");
	rmdir(dir);
	return 0;
}
