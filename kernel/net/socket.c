/* The socket file type: every socket is a struct file whose priv is a
 * struct socket; read/write/poll/FIONREAD/stat go through here to the
 * family's sock_ops. Also the SOL_SOCKET options every family shares and the
 * sleeping helper the families block with. The ABI shell
 * (compat/sys/socket.c) sits above, the families below. */
#include "net/socket.h"
#include "fs/vfs.h"
#include "mm/kmalloc.h"
#include "lib/string.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "core/time.h"
#include "compat/signal.h"
#include "sched/thread.h"

_Static_assert(sizeof(struct linux_sockaddr) == 16, "sockaddr");
_Static_assert(sizeof(struct linux_sockaddr_in) == 16, "sockaddr_in");
_Static_assert(__builtin_offsetof(struct linux_sockaddr_in, sin_addr) == 4, "sin_addr");
_Static_assert(sizeof(struct linux_sockaddr_un) == 110, "sockaddr_un");
_Static_assert(sizeof(struct linux_sockaddr_nl) == 12, "sockaddr_nl");
_Static_assert(sizeof(struct linux_iovec) == 16, "iovec");
_Static_assert(sizeof(struct linux_msghdr) == 56, "msghdr");
_Static_assert(__builtin_offsetof(struct linux_msghdr, msg_iov) == 16, "msg_iov");
_Static_assert(__builtin_offsetof(struct linux_msghdr, msg_control) == 32, "msg_control");
_Static_assert(__builtin_offsetof(struct linux_msghdr, msg_flags) == 48, "msg_flags");
_Static_assert(sizeof(struct linux_mmsghdr) == 64, "mmsghdr");
_Static_assert(__builtin_offsetof(struct linux_mmsghdr, msg_len) == 56, "msg_len");
_Static_assert(sizeof(struct linux_cmsghdr) == 16, "cmsghdr");
_Static_assert(sizeof(struct linux_linger) == 8, "linger");
_Static_assert(sizeof(struct linux_ucred) == 12, "ucred");
_Static_assert(sizeof(struct linux_timeval) == 16, "timeval");

/* Linux's defaults (net.core.rmem_default / wmem_default = 212992) halved:
 * getsockopt reports the doubled value, as Linux does (socket(7)). */
#define SOCK_DEFAULT_BUF 106496
#define SOCK_MIN_BUF     2304
#define SOCK_MAX_BUF     (4 << 20)

uint32_t socket_count;
static uint64_t next_sock_ino = 20000;

static struct socket *file_sock(struct file *f) { return (struct socket *)f->priv; }

static long sock_read(struct file *f, void *buf, size_t n)
{
	struct socket *s = file_sock(f);
	struct file *fds[SCM_MAX_FD];
	struct kmsg m = { .buf = buf, .len = n, .fds = fds };
	long r = s->ops->recvmsg(s, &m, (f->flags & O_NONBLOCK) ? MSG_DONTWAIT : 0);
	/* Files passed to a plain read(2) are closed, as on Linux. */
	for (int i = 0; i < m.nfds; i++)
		file_put(fds[i]);
	/* read(2) on a datagram socket discards the rest of a long message. */
	if (r > (long)n)
		r = (long)n;
	return r;
}

static long sock_write(struct file *f, const void *buf, size_t n)
{
	struct socket *s = file_sock(f);
	struct kmsg m = { .buf = (void *)buf, .len = n };
	return s->ops->sendmsg(s, &m, (f->flags & O_NONBLOCK) ? MSG_DONTWAIT : 0);
}

static uint32_t sock_poll(struct file *f)
{
	struct socket *s = file_sock(f);
	return s->ops->poll ? s->ops->poll(s) : 0;
}

static long sock_nread(struct file *f)
{
	struct socket *s = file_sock(f);
	return s->ops->nread ? s->ops->nread(s) : 0;
}

static long sock_ioctl(struct file *f, unsigned long req, uint64_t arg)
{
	struct socket *s = file_sock(f);
	if (req >= 0x8910 && req <= 0x8940)   /* SIOCGIFNAME .. SIOCGIFINDEX and neighbours */
		return netdev_ioctl(req, arg);
	return s->ops->ioctl ? s->ops->ioctl(s, req, arg) : -ENOTTY;
}

static int sock_stat(struct file *f, struct kstat *st)
{
	struct socket *s = file_sock(f);
	memset(st, 0, sizeof(*st));
	st->dev = DEV_MAKE(0, 8);
	st->ino = s->ino;
	st->mode = S_IFSOCK | 0777;
	st->nlink = 1;
	st->blksize = 4096;
	st->atime = st->mtime = st->ctime = vfs_now();
	return 0;
}

static long sock_lseek(struct file *f, int64_t off, int whence) { return -ESPIPE; }
static long sock_pread(struct file *f, void *buf, size_t n, uint64_t off) { return -ESPIPE; }
static long sock_pwrite(struct file *f, const void *buf, size_t n, uint64_t off) { return -ESPIPE; }

static void sock_release(struct file *f)
{
	struct socket *s = file_sock(f);
	if (s->ops && s->ops->release)
		s->ops->release(s);
	__atomic_fetch_sub(&socket_count, 1, __ATOMIC_RELAXED);
	kfree(s);
}

static const struct file_ops socket_fops = {
	.read = sock_read, .write = sock_write, .pread = sock_pread, .pwrite = sock_pwrite,
	.lseek = sock_lseek, .ioctl = sock_ioctl, .nread = sock_nread, .poll = sock_poll,
	.stat = sock_stat, .release = sock_release,
};

struct socket *socket_from_file(struct file *f)
{
	return f && f->ops == &socket_fops ? (struct socket *)f->priv : NULL;
}

struct socket *socket_alloc(int family, int type, int protocol, const struct sock_ops *ops)
{
	struct socket *s = kzalloc(sizeof(*s));
	if (!s)
		return NULL;
	waitq_init(&s->wq);
	s->family = family;
	s->type = type;
	s->protocol = protocol;
	s->ops = ops;
	s->rcvbuf = s->sndbuf = SOCK_DEFAULT_BUF;
	s->ino = __atomic_fetch_add(&next_sock_ino, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&socket_count, 1, __ATOMIC_RELAXED);
	return s;
}

struct file *socket_file(struct socket *s, int flags)
{
	struct file *f = file_alloc(&socket_fops, NULL, O_RDWR | (flags & O_NONBLOCK));
	if (!f)
		return NULL;
	f->priv = s;
	f->wq = &s->wq;
	s->file = f;
	char *name = kmalloc(32);
	if (name) {
		ksnprintf(name, 32, "socket:[%lu]", s->ino);
		f->path = name;
	}
	return f;
}

int socket_create(int family, int type, int protocol, struct socket **out)
{
	struct socket *s = socket_alloc(family, type, protocol, NULL);
	if (!s)
		return -ENOMEM;
	int err;
	switch (family) {
	case AF_UNIX: err = unix_create(s); break;
	case AF_INET: err = inet_create(s); break;
	case AF_NETLINK: err = netlink_create(s); break;
	default: err = -EAFNOSUPPORT; break;
	}
	if (err) {
		__atomic_fetch_sub(&socket_count, 1, __ATOMIC_RELAXED);
		kfree(s);
		return err;
	}
	*out = s;
	return 0;
}

static int clamp_buf(int v)
{
	if (v < SOCK_MIN_BUF / 2)
		v = SOCK_MIN_BUF / 2;
	if (v > SOCK_MAX_BUF)
		v = SOCK_MAX_BUF;
	return v;
}

static uint64_t timeval_ns(const struct linux_timeval *tv)
{
	if (tv->tv_sec < 0 || (tv->tv_sec == 0 && tv->tv_usec == 0))
		return 0;
	return (uint64_t)tv->tv_sec * NSEC_PER_SEC + (uint64_t)tv->tv_usec * 1000;
}

int socket_setsockopt(struct socket *s, int level, int name, const void *val, uint32_t len)
{
	if (level != SOL_SOCKET)
		return s->ops->setsockopt ? s->ops->setsockopt(s, level, name, val, len) : -ENOPROTOOPT;
	int v = 0;
	switch (name) {
	case SO_LINGER:
		if (len < sizeof(struct linux_linger))
			return -EINVAL;
		memcpy(&s->linger, val, sizeof(s->linger));
		return 0;
	case SO_RCVTIMEO_OLD: case SO_SNDTIMEO_OLD:
	case SO_RCVTIMEO_NEW: case SO_SNDTIMEO_NEW: {
		if (len < sizeof(struct linux_timeval))
			return -EINVAL;
		struct linux_timeval tv;
		memcpy(&tv, val, sizeof(tv));
		if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
			return -EDOM;
		uint64_t ns = timeval_ns(&tv);
		if (name == SO_RCVTIMEO_OLD || name == SO_RCVTIMEO_NEW)
			s->rcvtimeo_ns = ns;
		else
			s->sndtimeo_ns = ns;
		return 0;
	}
	case SO_BINDTODEVICE:
		return 0;
	}
	if (len < sizeof(int))
		return -EINVAL;
	memcpy(&v, val, sizeof(int));
	switch (name) {
	case SO_REUSEADDR: s->reuseaddr = v != 0; break;
	case SO_REUSEPORT: s->reuseport = v != 0; break;
	case SO_KEEPALIVE: s->keepalive = v != 0; break;
	case SO_BROADCAST: s->broadcast = v != 0; break;
	case SO_PASSCRED: s->passcred = v != 0; break;
	case SO_OOBINLINE: s->oobinline = v != 0; break;
	case SO_DONTROUTE: s->dontroute = v != 0; break;
	case SO_SNDBUF: case SO_SNDBUFFORCE: s->sndbuf = clamp_buf(v); break;
	case SO_RCVBUF: case SO_RCVBUFFORCE: s->rcvbuf = clamp_buf(v); break;
	case SO_RCVLOWAT: s->rcvlowat = v < 1 ? 1 : v; break;
	case SO_SNDLOWAT: return -ENOPROTOOPT;   /* Linux: not changeable (socket(7)) */
	case SO_PRIORITY: s->priority = v; break;
	case SO_MARK: s->mark = v; break;
	case SO_DEBUG: case SO_NO_CHECK: case SO_TIMESTAMP_OLD: case SO_PASSSEC:
	case SO_RXQ_OVFL: case SO_ZEROCOPY: case SO_INCOMING_CPU:
		break;
	case SO_TYPE: case SO_ERROR: case SO_PROTOCOL: case SO_DOMAIN: case SO_ACCEPTCONN:
	case SO_PEERCRED:
		return -ENOPROTOOPT;
	default:
		return -ENOPROTOOPT;
	}
	if (s->ops->sockopt_changed)
		s->ops->sockopt_changed(s, name);
	return 0;
}

static void ns_timeval(uint64_t ns, struct linux_timeval *tv)
{
	tv->tv_sec = (int64_t)(ns / NSEC_PER_SEC);
	tv->tv_usec = (int64_t)(ns % NSEC_PER_SEC / 1000);
}

int socket_getsockopt(struct socket *s, int level, int name, void *val, uint32_t *len)
{
	if (level != SOL_SOCKET)
		return s->ops->getsockopt ? s->ops->getsockopt(s, level, name, val, len) : -ENOPROTOOPT;
	int v;
	switch (name) {
	case SO_LINGER:
		memcpy(val, &s->linger, sizeof(s->linger));
		*len = sizeof(s->linger);
		return 0;
	case SO_RCVTIMEO_OLD: case SO_SNDTIMEO_OLD:
	case SO_RCVTIMEO_NEW: case SO_SNDTIMEO_NEW: {
		struct linux_timeval tv;
		ns_timeval(name == SO_RCVTIMEO_OLD || name == SO_RCVTIMEO_NEW ? s->rcvtimeo_ns : s->sndtimeo_ns, &tv);
		memcpy(val, &tv, sizeof(tv));
		*len = sizeof(tv);
		return 0;
	}
	case SO_PEERCRED:
		if (s->family != AF_UNIX)
			return -ENOPROTOOPT;
		return s->ops->getsockopt(s, level, name, val, len);
	case SO_REUSEADDR: v = s->reuseaddr; break;
	case SO_REUSEPORT: v = s->reuseport; break;
	case SO_KEEPALIVE: v = s->keepalive; break;
	case SO_BROADCAST: v = s->broadcast; break;
	case SO_PASSCRED: v = s->passcred; break;
	case SO_OOBINLINE: v = s->oobinline; break;
	case SO_DONTROUTE: v = s->dontroute; break;
	case SO_SNDBUF: v = s->sndbuf * 2; break;
	case SO_RCVBUF: v = s->rcvbuf * 2; break;
	case SO_RCVLOWAT: v = s->rcvlowat ? s->rcvlowat : 1; break;
	case SO_SNDLOWAT: v = 1; break;
	case SO_PRIORITY: v = s->priority; break;
	case SO_MARK: v = s->mark; break;
	case SO_TYPE: v = s->type; break;
	case SO_PROTOCOL: v = s->protocol; break;
	case SO_DOMAIN: v = s->family; break;
	case SO_ACCEPTCONN: v = s->listening; break;
	case SO_ERROR: {
		uint64_t fl = net_lock();
		v = s->error;
		s->error = 0;
		net_unlock(fl);
		/* Protocols keep their own pending error (a refused connect). */
		int pv = 0;
		uint32_t pl = sizeof(pv);
		if (!v && s->ops->getsockopt && s->ops->getsockopt(s, SOL_SOCKET, SO_ERROR, &pv, &pl) == 0)
			v = pv;
		break;
	}
	case SO_DEBUG: case SO_NO_CHECK: case SO_TIMESTAMP_OLD: case SO_PASSSEC: case SO_RXQ_OVFL:
	case SO_ZEROCOPY:
		v = 0;
		break;
	case SO_INCOMING_CPU:
		v = 0;
		break;
	default:
		return -ENOPROTOOPT;
	}
	memcpy(val, &v, sizeof(v));
	*len = sizeof(v);
	return 0;
}

int socket_wait(struct socket *s, bool (*cond)(void *arg), void *arg, bool nonblock, bool send)
{
	if (nonblock)
		return cond(arg) ? 0 : -EAGAIN;
	uint64_t t = send ? s->sndtimeo_ns : s->rcvtimeo_ns;
	uint64_t deadline = t ? time_monotonic_ns() + t : 0;
	int err = waitq_wait(&s->wq, cond, arg, deadline, true);
	if (err == -ETIMEDOUT)
		return -EAGAIN;
	return err;
}

void socket_sigpipe(int flags)
{
	if (!(flags & MSG_NOSIGNAL))
		signal_send_thread(current(), SIGPIPE, SI_USER);
}

void socket_destroy(struct socket *s)
{
	if (s->ops && s->ops->release)
		s->ops->release(s);
	__atomic_fetch_sub(&socket_count, 1, __ATOMIC_RELAXED);
	kfree(s);
}
