/* AF_UNIX, differential against Linux: socketpair of each type, message
 * boundaries, SCM_RIGHTS fd passing, SO_PEERCRED, path and abstract names,
 * listen/connect/accept, shutdown and EOF, EPIPE, nonblocking EAGAIN,
 * FIONREAD, poll readiness, the nscd probe glibc makes, and errno edges. */
#include "net_common.h"

static void pair_tests(void)
{
	int sv[2];
	char buf[64];
	expect("socketpair stream", socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), "0");
	expect("cloexec", fcntl(sv[0], F_GETFD), "1");
	struct stat st;
	expect("fstat is socket", (fstat(sv[0], &st), S_ISSOCK(st.st_mode)), "1");
	int v;
	socklen_t l = sizeof(v);
	expect("SO_TYPE", (getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &l), v), "1");
	l = sizeof(v);
	expect("SO_DOMAIN", (getsockopt(sv[0], SOL_SOCKET, SO_DOMAIN, &v, &l), v), "1");
	struct ucred cr;
	l = sizeof(cr);
	expect("SO_PEERCRED", getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cr, &l), "0");
	expect("peercred len", l, "12");
	expect("peer uid", cr.uid, "0");
	expect("write", write(sv[0], "hello", 5), "5");
	expect("write2", write(sv[0], "world", 5), "5");
	expect("FIONREAD", (ioctl(sv[1], FIONREAD, &v), v), "10");
	expect("poll in", revents(sv[1], POLLIN | POLLOUT, 0), "5");
	expect("peek", recv(sv[1], buf, 3, MSG_PEEK), "3");
	expect("stream read merges", read(sv[1], buf, sizeof(buf)), "10");
	expect_str("data", (buf[10] = 0, buf), "helloworld");
	expect("nonblock read", recv(sv[1], buf, 1, MSG_DONTWAIT), "EAGAIN");
	expect("shutdown wr", shutdown(sv[0], SHUT_WR), "0");
	expect("read eof", read(sv[1], buf, 1), "0");
	expect("poll rdhup", revents(sv[1], POLLIN | POLLRDHUP, 0) & (POLLIN | POLLRDHUP), "8193");
	expect("write after shut", write(sv[0], "x", 1), "EPIPE");
	expect("back channel", write(sv[1], "ok", 2), "2");
	expect("read back", read(sv[0], buf, 2), "2");
	close(sv[1]);
	expect("write to closed peer", send(sv[0], "x", 1, MSG_NOSIGNAL), "EPIPE");
	expect("poll hup", revents(sv[0], POLLIN, 0) & POLLHUP, "16");
	close(sv[0]);

	expect("socketpair dgram", socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), "0");
	expect("send a", send(sv[0], "abc", 3, 0), "3");
	expect("send b", send(sv[0], "defgh", 5, 0), "5");
	expect("send empty", send(sv[0], "", 0, 0), "0");
	expect("FIONREAD next dgram", (ioctl(sv[1], FIONREAD, &v), v), "3");
	expect("dgram 1", recv(sv[1], buf, sizeof(buf), 0), "3");
	expect("dgram trunc", recv(sv[1], buf, 2, MSG_TRUNC), "5");
	expect("dgram empty", recv(sv[1], buf, sizeof(buf), 0), "0");
	expect("dgram none", recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), "EAGAIN");
	close(sv[0]);
	close(sv[1]);

	expect("socketpair seqpacket", socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv), "0");
	expect("nonblock flag", fcntl(sv[0], F_GETFL) & O_NONBLOCK, "2048");
	expect("seq send", send(sv[0], "12345", 5, 0), "5");
	expect("seq send2", send(sv[0], "67", 2, 0), "2");
	struct iovec iov = { buf, 3 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	expect("seq recvmsg", recvmsg(sv[1], &mh, 0), "3");
	expect("seq MSG_TRUNC flag", mh.msg_flags & MSG_TRUNC, "32");
	expect("seq next", recv(sv[1], buf, sizeof(buf), 0), "2");
	close(sv[0]);
	expect("seq eof", recv(sv[1], buf, sizeof(buf), 0), "0");
	close(sv[1]);

	expect("socketpair inet", socketpair(AF_INET, SOCK_STREAM, 0, sv), "EOPNOTSUPP");
	expect("socketpair bad type", socketpair(AF_UNIX, 9, 0, sv), "ESOCKTNOSUPPORT");
	expect("socketpair bad flags", socketpair(AF_UNIX, SOCK_STREAM | 0x10000, 0, sv), "EINVAL");
}

static void rights_tests(void)
{
	int sv[2], p[2];
	expect("pair for rights", socketpair(AF_UNIX, SOCK_STREAM, 0, sv), "0");
	expect("pipe", pipe(p), "0");
	char data = 'R';
	struct iovec iov = { &data, 1 };
	union { struct cmsghdr h; char b[CMSG_SPACE(2 * sizeof(int))]; } cu;
	memset(&cu, 0, sizeof(cu));
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cu.b, .msg_controllen = CMSG_SPACE(2 * sizeof(int)) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(2 * sizeof(int));
	memcpy(CMSG_DATA(c), p, 2 * sizeof(int));
	expect("sendmsg rights", sendmsg(sv[0], &mh, 0), "1");
	close(p[0]);
	close(p[1]);
	char rb;
	union { struct cmsghdr h; char b[CMSG_SPACE(2 * sizeof(int))]; } ru;
	struct iovec riov = { &rb, 1 };
	struct msghdr rh = { .msg_iov = &riov, .msg_iovlen = 1, .msg_control = ru.b, .msg_controllen = sizeof(ru.b) };
	expect("recvmsg rights", recvmsg(sv[1], &rh, MSG_CMSG_CLOEXEC), "1");
	struct cmsghdr *rc = CMSG_FIRSTHDR(&rh);
	expect("cmsg present", rc != NULL, "1");
	if (!rc)
		return;
	expect("cmsg type", rc->cmsg_type, "1");
	expect("cmsg len", rc->cmsg_len, "24");
	int fds[2];
	memcpy(fds, CMSG_DATA(rc), sizeof(fds));
	expect("passed fd cloexec", fcntl(fds[0], F_GETFD), "1");
	expect("write via passed pipe", write(fds[1], "via", 3), "3");
	char b[8] = { 0 };
	expect("read via passed pipe", read(fds[0], b, sizeof(b)), "3");
	expect_str("pipe data", b, "via");
	close(fds[0]);
	close(fds[1]);
	/* A control buffer too small: MSG_CTRUNC, files dropped. */
	expect("pipe2", pipe(p), "0");
	memcpy(CMSG_DATA(c), p, 2 * sizeof(int));
	expect("sendmsg rights 2", sendmsg(sv[0], &mh, 0), "1");
	close(p[0]);
	close(p[1]);
	char small[CMSG_LEN(sizeof(int))];
	rh.msg_control = small;
	rh.msg_controllen = sizeof(small);
	expect("recvmsg small control", recvmsg(sv[1], &rh, 0), "1");
	expect("MSG_CTRUNC", rh.msg_flags & MSG_CTRUNC, "8");
	rc = CMSG_FIRSTHDR(&rh);
	if (rc) {
		int one;
		memcpy(&one, CMSG_DATA(rc), sizeof(int));
		close(one);
	}
	/* A bad fd in SCM_RIGHTS. */
	int bad[2] = { 999, 998 };
	memcpy(CMSG_DATA(c), bad, sizeof(bad));
	expect("sendmsg bad fd", sendmsg(sv[0], &mh, 0), "EBADF");
	close(sv[0]);
	close(sv[1]);
}

static void named_tests(void)
{
	const char *path = "/tmp/unipack-net-unix.sock";
	unlink(path);
	int l = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	strcpy(a.sun_path, path);
	expect("listen unbound", listen(l, 5), "EINVAL");
	expect("bind path", bind(l, (struct sockaddr *)&a, sizeof(a)), "0");
	struct stat st;
	expect("path is socket", (stat(path, &st), S_ISSOCK(st.st_mode)), "1");
	expect("bind twice", bind(l, (struct sockaddr *)&a, sizeof(a)), "EADDRINUSE");
	struct sockaddr_un a2 = { .sun_family = AF_UNIX };
	strcpy(a2.sun_path, "/tmp/unipack-net-unix2.sock");
	unlink(a2.sun_path);
	expect("bind bound socket elsewhere", bind(l, (struct sockaddr *)&a2, sizeof(a2)), "EINVAL");
	expect("second name not left behind", access(a2.sun_path, F_OK), "ENOENT");
	int l2 = socket(AF_UNIX, SOCK_STREAM, 0);
	expect("bind in use", bind(l2, (struct sockaddr *)&a, sizeof(a)), "EADDRINUSE");
	close(l2);
	int c = socket(AF_UNIX, SOCK_STREAM, 0);
	expect("connect not listening", connect(c, (struct sockaddr *)&a, sizeof(a)), "ECONNREFUSED");
	expect("listen", listen(l, 5), "0");
	int v;
	socklen_t vl = sizeof(v);
	expect("SO_ACCEPTCONN", (getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &v, &vl), v), "1");
	expect("poll listener empty", revents(l, POLLIN, 0), "0");
	expect("connect", connect(c, (struct sockaddr *)&a, sizeof(a)), "0");
	expect("connect again", connect(c, (struct sockaddr *)&a, sizeof(a)), "EISCONN");
	expect("poll listener ready", revents(l, POLLIN, 0), "1");
	struct sockaddr_un pa;
	socklen_t pl = sizeof(pa);
	int s = accept4(l, (struct sockaddr *)&pa, &pl, SOCK_NONBLOCK);
	expect("accept4", s >= 0, "1");
	expect("accepted peer addr len (unnamed)", pl, "2");
	pl = sizeof(pa);
	expect("getpeername client", getpeername(c, (struct sockaddr *)&pa, &pl), "0");
	expect_str("peer path", pa.sun_path, path);
	expect("peer len", pl, "29");
	pl = sizeof(pa);
	expect("getsockname server side", getsockname(s, (struct sockaddr *)&pa, &pl), "0");
	expect_str("server side path", pa.sun_path, path);
	expect("send", send(c, "ping", 4, 0), "4");
	char buf[16] = { 0 };
	expect("recv", recv(s, buf, sizeof(buf), 0), "4");
	fcntl(l, F_SETFL, O_NONBLOCK);
	expect("nonblock accept empty", accept(l, NULL, NULL), "EAGAIN");
	close(s);
	close(c);
	close(l);
	expect("path stays after close", access(path, F_OK), "0");
	int c2 = socket(AF_UNIX, SOCK_STREAM, 0);
	expect("connect to dead path", connect(c2, (struct sockaddr *)&a, sizeof(a)), "ECONNREFUSED");
	close(c2);
	expect("unlink", unlink(path), "0");

	/* Abstract names and datagrams to a bound address. */
	struct sockaddr_un ab = { .sun_family = AF_UNIX };
	memcpy(ab.sun_path, "\0unipack-abs", 12);
	socklen_t abl = offsetof(struct sockaddr_un, sun_path) + 12;
	int d1 = socket(AF_UNIX, SOCK_DGRAM, 0);
	expect("bind abstract", bind(d1, (struct sockaddr *)&ab, abl), "0");
	int d2 = socket(AF_UNIX, SOCK_DGRAM, 0);
	expect("sendto abstract", sendto(d2, "dg", 2, 0, (struct sockaddr *)&ab, abl), "2");
	expect("send unconnected", send(d2, "dg", 2, 0), "ENOTCONN");
	struct sockaddr_un from;
	socklen_t fl = sizeof(from);
	expect("recvfrom", recvfrom(d1, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl), "2");
	expect("from unbound len", fl, "0");
	socklen_t gl = sizeof(from);
	expect("getsockname abstract", getsockname(d1, (struct sockaddr *)&from, &gl), "0");
	expect("abstract len", gl, "14");
	/* autobind */
	struct sockaddr_un au = { .sun_family = AF_UNIX };
	expect("autobind", bind(d2, (struct sockaddr *)&au, sizeof(sa_family_t)), "0");
	gl = sizeof(from);
	expect("autobind name", (getsockname(d2, (struct sockaddr *)&from, &gl), gl), "8");
	expect("sendto from autobound", sendto(d2, "x", 1, 0, (struct sockaddr *)&ab, abl), "1");
	fl = sizeof(from);
	expect("recvfrom autobound", recvfrom(d1, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl), "1");
	expect("from autobound len", fl, "8");
	close(d1);
	expect("sendto closed abstract", sendto(d2, "x", 1, 0, (struct sockaddr *)&ab, abl), "ECONNREFUSED");
	close(d2);

	/* What glibc's nscd client does first: the socket does not exist. */
	int n = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	struct sockaddr_un ns = { .sun_family = AF_UNIX };
	strcpy(ns.sun_path, "/var/run/nscd/socket");
	expect("nscd probe", connect(n, (struct sockaddr *)&ns, sizeof(ns)), "ENOENT");
	close(n);
}

static void error_tests(void)
{
	expect("socket bad family", socket(1234, SOCK_STREAM, 0), "EAFNOSUPPORT");
	expect("socket bad flags", socket(AF_UNIX, SOCK_STREAM | 0x100000, 0), "EINVAL");
	expect("socket bad proto", socket(AF_UNIX, SOCK_STREAM, 7), "EPROTONOSUPPORT");
	expect("bind not socket", bind(0 + 1000, NULL, 0), "EBADF");
	int fd = open("/", O_RDONLY);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	expect("connect ENOTSOCK", connect(fd, (struct sockaddr *)&a, sizeof(a)), "ENOTSOCK");
	close(fd);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	expect("bind bad family", bind(s, (struct sockaddr *)&(struct sockaddr_in){ .sin_family = AF_INET }, sizeof(struct sockaddr_in)), "EINVAL");
	expect("bind EFAULT", bind(s, (struct sockaddr *)8, sizeof(a)), "EFAULT");
	expect("getsockopt unknown", getsockopt(s, SOL_SOCKET, 9999, &fd, &(socklen_t){ 4 }), "ENOPROTOOPT");
	expect("recv unconnected", recv(s, &fd, 1, MSG_DONTWAIT), "EINVAL");
	expect("send unconnected", send(s, "x", 1, MSG_NOSIGNAL), "ENOTCONN");
	expect("shutdown unconnected", shutdown(s, SHUT_RDWR), "0");
	expect("shutdown bad how", shutdown(s, 7), "EINVAL");
	expect("getpeername unconnected", getpeername(s, (struct sockaddr *)&a, &(socklen_t){ sizeof(a) }), "ENOTCONN");
	int v = 1;
	expect("SO_PASSCRED", setsockopt(s, SOL_SOCKET, SO_PASSCRED, &v, sizeof(v)), "0");
	expect("setsockopt short", setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, 2), "EINVAL");
	close(s);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	signal(SIGPIPE, SIG_IGN);
	pair_tests();
	rights_tests();
	named_tests();
	error_tests();
	return finish();
}
