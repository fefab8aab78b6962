/* TCP over 127.0.0.1, differential against Linux: an echo server thread
 * and a client (1 MiB each way, checksummed), listen/accept/getsockname/
 * getpeername, nonblocking connect with EINPROGRESS + poll + SO_ERROR,
 * connection refused, shutdown half-close and EOF, EPIPE after the peer
 * reset, SO_REUSEADDR rebinding, socket options Node sets, and errno edges. */
#include "net_common.h"
#include <pthread.h>
#include <stdint.h>

#define BIG (1 << 20)

static uint32_t sum(const unsigned char *b, size_t n, uint32_t h)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

static int listen_on(uint16_t *port, int backlog)
{
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	if (bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, backlog))
		return -1;
	socklen_t al = sizeof(a);
	getsockname(l, (struct sockaddr *)&a, &al);
	*port = ntohs(a.sin_port);
	return l;
}

static void *echo_server(void *arg)
{
	int l = *(int *)arg;
	int c = accept(l, NULL, NULL);
	if (c < 0)
		return NULL;
	char *buf = malloc(65536);
	ssize_t n;
	while ((n = read(c, buf, 65536)) > 0) {
		for (ssize_t o = 0; o < n;) {
			ssize_t w = write(c, buf + o, (size_t)(n - o));
			if (w <= 0)
				goto out;
			o += w;
		}
	}
	shutdown(c, SHUT_WR);
out:
	free(buf);
	close(c);
	return NULL;
}

struct writer { int fd; unsigned char *buf; };

static void *client_writer(void *arg)
{
	struct writer *w = arg;
	size_t o = 0;
	while (o < BIG) {
		ssize_t n = write(w->fd, w->buf + o, BIG - o < 50000 ? BIG - o : 50000);
		if (n <= 0)
			break;
		o += (size_t)n;
	}
	shutdown(w->fd, SHUT_WR);
	return NULL;
}

static void echo_test(void)
{
	uint16_t port;
	int l = listen_on(&port, 16);
	expect("listen", l >= 0, "1");
	int v;
	socklen_t vl = sizeof(v);
	expect("SO_ACCEPTCONN", (getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &v, &vl), v), "1");
	pthread_t t;
	pthread_create(&t, NULL, echo_server, &l);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	expect("connect", connect(c, (struct sockaddr *)&a, sizeof(a)), "0");
	int one = 1;
	expect("TCP_NODELAY", setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)), "0");
	vl = sizeof(v);
	expect("TCP_NODELAY get", (getsockopt(c, IPPROTO_TCP, TCP_NODELAY, &v, &vl), v != 0), "1");
	struct sockaddr_in pa;
	socklen_t pl = sizeof(pa);
	expect("getpeername", getpeername(c, (struct sockaddr *)&pa, &pl), "0");
	expect("peer port matches", ntohs(pa.sin_port) == port, "1");
	expect("peer addr", ntohl(pa.sin_addr.s_addr) == INADDR_LOOPBACK, "1");
	pl = sizeof(pa);
	getsockname(c, (struct sockaddr *)&pa, &pl);
	expect("ephemeral port in range", ntohs(pa.sin_port) >= 32768 && ntohs(pa.sin_port) <= 60999, "1");
	/* small round trip */
	expect("write small", write(c, "hello", 5), "5");
	char sb[8] = { 0 };
	expect("read small", read(c, sb, 5), "5");
	expect_str("echo", sb, "hello");
	unsigned char *out = malloc(BIG), *in = malloc(BIG);
	for (size_t i = 0; i < BIG; i++)
		out[i] = (unsigned char)(i * 7 + (i >> 9));
	struct writer w = { c, out };
	pthread_t wt;
	pthread_create(&wt, NULL, client_writer, &w);
	size_t got = 0;
	ssize_t n;
	while ((n = read(c, in + got, BIG - got)) > 0)
		got += (size_t)n;
	pthread_join(wt, NULL);
	expect("echoed bytes", (long)got, "1048576");
	expect("echo intact", sum(in, got, 2166136261u) == sum(out, BIG, 2166136261u), "1");
	expect("eof after half-close", read(c, sb, 1), "0");
	pthread_join(t, NULL);
	close(c);
	close(l);
	free(out);
	free(in);
}

static void nonblock_test(void)
{
	uint16_t port;
	int l = listen_on(&port, 4);
	int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int r = connect(c, (struct sockaddr *)&a, sizeof(a));
	expect("nonblock connect", r == 0 || errno == EINPROGRESS, "1");
	expect("poll writable", revents(c, POLLOUT, 5000) & POLLOUT, "4");
	int err = -1;
	socklen_t el = sizeof(err);
	expect("SO_ERROR", (getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &el), err), "0");
	expect("connect again reports success", connect(c, (struct sockaddr *)&a, sizeof(a)), "0");
	expect("connect third", connect(c, (struct sockaddr *)&a, sizeof(a)), "EISCONN");
	expect("listener readable", revents(l, POLLIN, 5000), "1");
	int s = accept4(l, NULL, NULL, SOCK_NONBLOCK);
	expect("accept4", s >= 0, "1");
	expect("accepted nonblock", fcntl(s, F_GETFL) & O_NONBLOCK, "2048");
	char b[16];
	expect("empty read EAGAIN", read(s, b, sizeof(b)), "EAGAIN");
	expect("recv MSG_DONTWAIT", recv(s, b, sizeof(b), MSG_DONTWAIT), "EAGAIN");
	expect("send", send(c, "abc", 3, 0), "3");
	expect("poll readable", revents(s, POLLIN, 5000), "1");
	int avail = -1;
	expect("FIONREAD", (ioctl(s, FIONREAD, &avail), avail), "3");
	expect("peek", recv(s, b, sizeof(b), MSG_PEEK), "3");
	expect("read", read(s, b, sizeof(b)), "3");
	/* Fill the pipe until EAGAIN. */
	char *big = calloc(1, 65536);
	long total = 0;
	ssize_t w;
	while ((w = send(c, big, 65536, MSG_DONTWAIT)) > 0)
		total += w;
	expect("filled until EAGAIN", w == -1 && errno == EAGAIN, "1");
	expect("filled something", total > 0, "1");
	expect("not writable when full", revents(c, POLLOUT, 0) & POLLOUT, "0");
	long drained = 0;
	while (drained < total) {
		if (revents(s, POLLIN, 5000) != POLLIN)
			break;
		ssize_t n = read(s, big, 65536);
		if (n <= 0)
			break;
		drained += n;
	}
	expect("drained all", drained == total, "1");
	expect("writable again", revents(c, POLLOUT, 5000) & POLLOUT, "4");
	free(big);
	/* Peer close: EOF then EPIPE on write. */
	close(s);
	expect("poll after peer close", revents(c, POLLIN, 5000) & POLLIN, "1");
	expect("read eof", read(c, b, sizeof(b)), "0");
	close(c);
	close(l);
}

static void reset_test(void)
{
	uint16_t port;
	int l = listen_on(&port, 4);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	expect("connect", connect(c, (struct sockaddr *)&a, sizeof(a)), "0");
	int s = accept(l, NULL, NULL);
	/* Unread data at close makes the closer send RST. */
	expect("send to server", send(c, "xyz", 3, 0), "3");
	revents(s, POLLIN, 5000);
	close(s);
	expect("client sees hup", revents(c, POLLIN, 5000) & (POLLIN | POLLHUP | POLLERR), "25");
	char b[4];
	expect("read after reset", read(c, b, sizeof(b)), "ECONNRESET");
	expect("read again", read(c, b, sizeof(b)), "0");
	expect("write after reset", send(c, "a", 1, MSG_NOSIGNAL), "EPIPE");
	close(c);
	/* linger 0: RST on close */
	c = socket(AF_INET, SOCK_STREAM, 0);
	expect("connect 2", connect(c, (struct sockaddr *)&a, sizeof(a)), "0");
	s = accept(l, NULL, NULL);
	struct linger lg = { 1, 0 };
	expect("SO_LINGER", setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)), "0");
	close(c);
	revents(s, POLLIN, 5000);
	expect("read after linger0 reset", read(s, b, sizeof(b)), "ECONNRESET");
	close(s);
	close(l);
	/* Refused: nobody listens (the closed listener's port). */
	c = socket(AF_INET, SOCK_STREAM, 0);
	expect("connect refused", connect(c, (struct sockaddr *)&a, sizeof(a)), "ECONNREFUSED");
	close(c);
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	int r = connect(c, (struct sockaddr *)&a, sizeof(a));
	expect("nonblock refused", r == -1 && (errno == EINPROGRESS || errno == ECONNREFUSED), "1");
	revents(c, POLLOUT, 5000);
	int err = 0;
	socklen_t el = sizeof(err);
	getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &el);
	expect_str("SO_ERROR refused", errname(err), "ECONNREFUSED");
	close(c);
}

static void option_tests(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	int v, one = 1;
	socklen_t vl = sizeof(v);
	expect("SO_TYPE", (getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &vl), v), "1");
	vl = sizeof(v);
	expect("SO_PROTOCOL", (getsockopt(s, SOL_SOCKET, SO_PROTOCOL, &v, &vl), v), "6");
	vl = sizeof(v);
	expect("SO_DOMAIN", (getsockopt(s, SOL_SOCKET, SO_DOMAIN, &v, &vl), v), "2");
	expect("SO_KEEPALIVE", setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)), "0");
	v = 30;
	expect("TCP_KEEPIDLE", setsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, &v, sizeof(v)), "0");
	vl = sizeof(v);
	expect("TCP_KEEPIDLE get", (getsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, &v, &vl), v), "30");
	v = 0;
	expect("TCP_KEEPINTVL 0", setsockopt(s, IPPROTO_TCP, TCP_KEEPINTVL, &v, sizeof(v)), "EINVAL");
	v = 5;
	expect("TCP_KEEPCNT", setsockopt(s, IPPROTO_TCP, TCP_KEEPCNT, &v, sizeof(v)), "0");
	v = 16384;
	expect("SO_RCVBUF", setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)), "0");
	vl = sizeof(v);
	expect("SO_RCVBUF doubled", (getsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, &vl), v), "32768");
	v = 100;
	expect("IP_TTL", setsockopt(s, IPPROTO_IP, IP_TTL, &v, sizeof(v)), "0");
	vl = sizeof(v);
	expect("IP_TTL get", (getsockopt(s, IPPROTO_IP, IP_TTL, &v, &vl), v), "100");
	v = 0;
	expect("IP_TTL 0", setsockopt(s, IPPROTO_IP, IP_TTL, &v, sizeof(v)), "EINVAL");
	expect("IP_HDRINCL off a raw socket", setsockopt(s, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one)), "ENOPROTOOPT");
	expect("IP_MTU_DISCOVER", setsockopt(s, IPPROTO_IP, IP_MTU_DISCOVER, &one, sizeof(one)), "0");
	expect("SO_REUSEPORT", setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)), "0");
	vl = sizeof(v);
	expect("SO_ERROR fresh", (getsockopt(s, SOL_SOCKET, SO_ERROR, &v, &vl), v), "0");
	expect("getsockopt unknown level", getsockopt(s, 9999, 1, &v, &vl), "EOPNOTSUPP");
	expect("setsockopt unknown level", setsockopt(s, 9999, 1, &v, sizeof(v)), "ENOPROTOOPT");
	expect("send unconnected", send(s, "x", 1, MSG_NOSIGNAL), "EPIPE");
	char b[4];
	expect("recv unconnected", recv(s, b, 1, 0), "ENOTCONN");
	expect("getpeername unconnected", getpeername(s, (struct sockaddr *)&(struct sockaddr_in){ 0 }, &(socklen_t){ 16 }), "ENOTCONN");
	expect("shutdown unconnected", shutdown(s, SHUT_RDWR), "ENOTCONN");
	expect("accept not listening", accept(s, NULL, NULL), "EINVAL");
	expect("poll after shutdown", revents(s, POLLIN | POLLOUT, 0), "21");
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0x0a000001) };
	expect("bind foreign addr", bind(s, (struct sockaddr *)&a, sizeof(a)), "EADDRNOTAVAIL");
	expect("bind short", bind(s, (struct sockaddr *)&a, 8), "EINVAL");
	a.sin_family = AF_INET6;
	expect("bind wrong family", bind(s, (struct sockaddr *)&a, sizeof(a)), "EAFNOSUPPORT");
	close(s);
	/* SO_REUSEADDR: two listeners on one port fail, rebinding after close works. */
	uint16_t port;
	int l = listen_on(&port, 1);
	int l2 = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(l2, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in b2 = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int r = bind(l2, (struct sockaddr *)&b2, sizeof(b2));
	expect("second listener", r == 0 ? listen(l2, 1) : r, "EADDRINUSE");
	close(l2);
	close(l);
	l2 = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(l2, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	expect("rebind after close", bind(l2, (struct sockaddr *)&b2, sizeof(b2)), "0");
	close(l2);
	expect("socket raw proto", socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), "EPROTONOSUPPORT");
}

static void udp_test(void)
{
	int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	expect("udp bind", bind(b, (struct sockaddr *)&sa, sizeof(sa)), "0");
	socklen_t sl = sizeof(sa);
	getsockname(b, (struct sockaddr *)&sa, &sl);
	char buf[2048];
	expect("udp empty", recv(b, buf, sizeof(buf), 0), "EAGAIN");
	expect("udp sendto", sendto(a, "datagram1", 9, 0, (struct sockaddr *)&sa, sizeof(sa)), "9");
	expect("udp sendto 2", sendto(a, "dg2", 3, 0, (struct sockaddr *)&sa, sizeof(sa)), "3");
	expect("udp send unconnected", send(a, "x", 1, 0), "EDESTADDRREQ");
	expect("udp readable", revents(b, POLLIN, 5000), "1");
	int avail = 0;
	expect("udp FIONREAD", (ioctl(b, FIONREAD, &avail), avail), "9");
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	expect("udp recvfrom trunc", recvfrom(b, buf, 4, MSG_TRUNC, (struct sockaddr *)&from, &fl), "9");
	expect("from loopback", ntohl(from.sin_addr.s_addr) == INADDR_LOOPBACK && fl == sizeof(from), "1");
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1 };
	expect("udp recvmsg", recvmsg(b, &mh, 0), "3");
	expect("udp connect", connect(a, (struct sockaddr *)&sa, sizeof(sa)), "0");
	expect("udp send connected", send(a, "c", 1, 0), "1");
	expect("udp recv connected", revents(b, POLLIN, 5000) ? recv(b, buf, sizeof(buf), 0) : -2, "1");
	/* A datagram of 30000 bytes and one of 65507 (the largest). */
	char *big = calloc(1, 65536);
	expect("udp big", send(a, big, 65507, 0), "65507");
	expect("udp too big", send(a, big, 65508, 0), "EMSGSIZE");
	revents(b, POLLIN, 5000);
	expect("udp recv big", recv(b, big, 65536, 0), "65507");
	free(big);
	/* mmsg */
	struct mmsghdr mm[2];
	struct iovec iv[2] = { { "m1", 2 }, { "mm2", 3 } };
	memset(mm, 0, sizeof(mm));
	mm[0].msg_hdr.msg_iov = &iv[0];
	mm[0].msg_hdr.msg_iovlen = 1;
	mm[1].msg_hdr.msg_iov = &iv[1];
	mm[1].msg_hdr.msg_iovlen = 1;
	expect("sendmmsg", sendmmsg(a, mm, 2, 0), "2");
	expect("sendmmsg len", mm[1].msg_len, "3");
	char r1[8], r2[8];
	struct iovec rv[2] = { { r1, 8 }, { r2, 8 } };
	struct mmsghdr rm[2];
	memset(rm, 0, sizeof(rm));
	rm[0].msg_hdr.msg_iov = &rv[0];
	rm[0].msg_hdr.msg_iovlen = 1;
	rm[1].msg_hdr.msg_iov = &rv[1];
	rm[1].msg_hdr.msg_iovlen = 1;
	revents(b, POLLIN, 5000);
	usleep(10000);
	expect("recvmmsg", recvmmsg(b, rm, 2, MSG_DONTWAIT, NULL), "2");
	expect("recvmmsg lens", rm[0].msg_len * 10 + rm[1].msg_len, "23");
	/* Port unreachable on a connected socket reports ECONNREFUSED. */
	close(b);
	expect("send to closed port", send(a, "x", 1, 0), "1");
	usleep(20000);
	expect("then ECONNREFUSED", recv(a, buf, sizeof(buf), MSG_DONTWAIT), "ECONNREFUSED");
	close(a);
	int bc = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in ba = { .sin_family = AF_INET, .sin_port = htons(9), .sin_addr.s_addr = htonl(INADDR_BROADCAST) };
	expect("broadcast without SO_BROADCAST", sendto(bc, "b", 1, 0, (struct sockaddr *)&ba, sizeof(ba)), "EACCES");
	close(bc);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	signal(SIGPIPE, SIG_IGN);
	echo_test();
	nonblock_test();
	reset_test();
	option_tests();
	udp_test();
	return finish();
}
