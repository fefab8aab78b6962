/* Pipes, differential against Linux: pipe2 flags, capacity (64 KiB),
 * O_NONBLOCK and EAGAIN, PIPE_BUF atomicity at the full mark, EOF, EPIPE
 * (SIGPIPE ignored), FIONREAD, poll readiness, fstat type, F_GETPIPE_SZ. */
#include "fs_common.h"
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>

#ifndef F_GETPIPE_SZ
#define F_GETPIPE_SZ 1032
#endif

static int revents(int fd, short events)
{
	struct pollfd p = { fd, events, 0 };
	int r = poll(&p, 1, 0);
	return r < 0 ? -1 : p.revents;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	signal(SIGPIPE, SIG_IGN);
	int p[2];
	char buf[65536];
	memset(buf, 'p', sizeof(buf));
	expect("pipe2", pipe2(p, O_NONBLOCK | O_CLOEXEC), "0");
	expect("cloexec", fcntl(p[0], F_GETFD), "1");
	expect("read end flags", fcntl(p[0], F_GETFL) & (O_ACCMODE | O_NONBLOCK), "2048");
	expect("write end flags", fcntl(p[1], F_GETFL) & (O_ACCMODE | O_NONBLOCK), "2049");
	expect("F_GETPIPE_SZ", fcntl(p[0], F_GETPIPE_SZ), "65536");
	struct stat st;
	expect("fifo type", (fstat(p[0], &st), S_ISFIFO(st.st_mode)), "1");
	expect("empty read", read(p[0], buf, 1), "EAGAIN");
	expect("poll empty read end", revents(p[0], POLLIN), "0");
	expect("poll write end", revents(p[1], POLLOUT), "4");
	int total = 0, r;
	while ((r = (int)write(p[1], buf, 4096)) > 0)
		total += r;
	expect("filled", total, "65536");
	expect("full", r, "EAGAIN");
	expect("one more byte", write(p[1], "x", 1), "EAGAIN");
	expect("poll full write end", revents(p[1], POLLOUT), "0");
	int avail = 0;
	expect("FIONREAD", (ioctl(p[0], FIONREAD, &avail), avail), "65536");
	expect("poll read end", revents(p[0], POLLIN), "1");
	expect("read 4096", read(p[0], buf, 4096), "4096");
	expect("write 4096 fits again", write(p[1], buf, 4096), "4096");
	expect("drain", read(p[0], buf, sizeof(buf)), "65536");
	expect("write", write(p[1], "hello", 5), "5");
	expect("close writer", close(p[1]), "0");
	expect("read rest", read(p[0], buf, 100), "5");
	expect("eof", read(p[0], buf, 100), "0");
	expect("poll hup", revents(p[0], POLLIN), "16");
	close(p[0]);

	expect("pipe", pipe(p), "0");
	expect("flags blocking", fcntl(p[0], F_GETFL) & O_NONBLOCK, "0");
	expect("close reader", close(p[0]), "0");
	expect("EPIPE", write(p[1], "x", 1), "EPIPE");
	expect("poll err", revents(p[1], POLLOUT), "12");
	close(p[1]);
	expect("lseek", (pipe(p), lseek(p[0], 0, SEEK_SET)), "ESPIPE");
	return finish();
}
