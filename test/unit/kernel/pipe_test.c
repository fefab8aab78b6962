/* kernel/fs/pipe.c: ring wrap-around, PIPE_BUF atomicity, O_NONBLOCK,
 * EOF, EPIPE, readiness bits, FIONREAD, F_GETPIPE_SZ, pipe2 flags; and the
 * console files' EOF protocols (kernel/fs/console.c). */
#include "fs_host.h"

int main(void)
{
	boot_fs(NULL, "unipack.stdin=framed");
	int p[2];
	static char buf[80000], out[80000];
	CHECK_EQ("pipe2 bad flags", sys_pipe2(p, 0x1), -EINVAL);
	CHECK_EQ("pipe2", sys_pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
	CHECK_EQ("cloexec set", sys_fcntl(p[0], 1 /* F_GETFD */, 0), 1);
	CHECK_EQ("status flags", sys_fcntl(p[1], 3 /* F_GETFL */, 0), O_WRONLY | O_NONBLOCK);
	CHECK_EQ("F_GETPIPE_SZ", sys_fcntl(p[0], 1032, 0), 65536);
	CHECK_EQ("F_GETPIPE_SZ on a file", sys_fcntl(0, 1032, 0), -EBADF);
	struct file *rf = fdtable_get(p[0]), *wf = fdtable_get(p[1]);
	CHECK_EQ("empty: write end ready", wf->ops->poll(wf), POLLOUT | POLLWRNORM);
	CHECK_EQ("empty: read end not ready", rf->ops->poll(rf), 0);
	CHECK_EQ("read empty nonblocking", sys_read(p[0], buf, 10), -EAGAIN);
	CHECK_EQ("lseek on pipe", sys_lseek(p[0], 0, SEEK_SET), -ESPIPE);
	CHECK_EQ("pread on pipe", sys_pread64(p[0], buf, 1, 0), -ESPIPE);
	CHECK_EQ("write to read end", sys_write(p[0], "x", 1), -EBADF);
	for (int i = 0; i < (int)sizeof(buf); i++)
		buf[i] = (char)(i * 7);
	CHECK_EQ("fill partially", sys_write(p[1], buf, 62000), 62000);
	int avail = -1;
	CHECK_EQ("FIONREAD", sys_ioctl(p[0], 0x541b, (uint64_t)&avail), 0);
	CHECK_EQ("FIONREAD value", avail, 62000);
	CHECK_EQ("readable", rf->ops->poll(rf), POLLIN | POLLRDNORM);
	CHECK_EQ("atomic write that does not fit", sys_write(p[1], buf, 4096), -EAGAIN);
	CHECK_EQ("small write fits", sys_write(p[1], buf + 62000, 1000), 1000);
	CHECK_EQ("big write is partial", sys_write(p[1], buf + 63000, 9000), 2536);
	CHECK_EQ("full: no POLLOUT", wf->ops->poll(wf) & POLLOUT, 0);
	CHECK_EQ("read some", sys_read(p[0], out, 50000), 50000);
	CHECK_EQ("write wraps", sys_write(p[1], buf + 65536, 4000), 4000);
	CHECK_EQ("read rest", sys_read(p[0], out + 50000, 20000), 19536);
	CHECK("bytes in order", !memcmp(out, buf, 69536), "mismatch");
	file_put(wf);   /* a held reference keeps the write end open, as an fd would */
	CHECK_EQ("close writer", sys_close(p[1]), 0);
	CHECK_EQ("EOF", sys_read(p[0], out, 10), 0);
	CHECK_EQ("POLLHUP", rf->ops->poll(rf), POLLHUP);
	CHECK_EQ("pipe", sys_pipe2(p, 0), 0);
	CHECK_EQ("close reader", sys_close(p[0]), 0);
	CHECK_EQ("EPIPE", sys_write(p[1], "x", 1), -EPIPE);
	struct kst st;
	CHECK_EQ("fstat pipe", sys_fstat(p[1], &st), 0);
	CHECK_EQ("pipe mode", st.mode, S_IFIFO | 0600);
	char name[64], link[64];
	snprintf(name, sizeof(name), "/proc/self/fd/%d", p[1]);
	long n = sys_readlink(name, link, sizeof(link));
	CHECK("pipe:[N] link", n > 7 && !memcmp(link, "pipe:[", 6) && link[n - 1] == ']', "n=%ld", n);
	sys_close(p[1]);
	file_put(rf);

	/* Console stdin, framed: 0xFF 0xFF is 0xFF, 0xFF 0x00 is EOF. */
	const uint8_t in[] = { 'a', 0xff, 0xff, 'b', 0xff, 0x00, 'c' };
	console_rx_bytes(in, sizeof(in));
	CHECK_EQ("FIONREAD stdin", (sys_ioctl(0, 0x541b, (uint64_t)&avail), avail), 3);
	CHECK_EQ("stdin read", sys_read(0, out, sizeof(out)), 3);
	CHECK("decoded", !memcmp(out, "a\xff" "b", 3), "got %02x %02x %02x", out[0], out[1], out[2]);
	CHECK_EQ("stdin EOF", sys_read(0, out, 10), 0);
	CHECK_EQ("TCGETS", sys_ioctl(1, 0x5401, (uint64_t)out), -ENOTTY);
	CHECK_EQ("TIOCGWINSZ", sys_ioctl(1, 0x5413, (uint64_t)out), -ENOTTY);
	int one = 1;
	CHECK_EQ("FIONBIO", sys_ioctl(0, 0x5421, (uint64_t)&one), 0);
	CHECK_EQ("FIONBIO sets O_NONBLOCK", sys_fcntl(0, 3, 0) & O_NONBLOCK, O_NONBLOCK);
	CHECK_EQ("FIOCLEX", sys_ioctl(0, 0x5451, 0), 0);
	CHECK_EQ("FIOCLEX visible", sys_fcntl(0, 1, 0), 1);
	CHECK_EQ("stdout is a char device", (sys_fstat(1, &st), st.mode & S_IFMT), S_IFCHR);
	CHECK_EQ("lseek stdout", sys_lseek(1, 0, SEEK_CUR), -ESPIPE);
	return check_done();
}
