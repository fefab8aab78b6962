/* AF_UNIX: stream, datagram and seqpacket sockets in one address space.
 * A connected pair points at each other; sending appends a message to the
 * peer's receive queue (streams read across messages, the others one at a
 * time), with SCM_RIGHTS files riding on the message. Names are either
 * socket inodes in the file tree (kernel/fs/sockfs.c) or abstract names
 * (leading NUL) in a list here. Files passed in flight that reference their
 * own socket are not garbage-collected (Linux has a GC for that cycle). */
#include "net/socket.h"
#include "fs/sockfs.h"
#include "fs/namei.h"
#include "fs/vfs.h"
#include "mm/kmalloc.h"
#include "lib/string.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "core/random.h"

enum { US_UNCONNECTED, US_LISTENING, US_CONNECTED };
#define UNIX_DGRAM_QLEN 512   /* messages queued per receiver */
#define UNIX_MAX_BACKLOG 4096 /* net.core.somaxconn */

struct unix_msg {
	struct unix_msg *next;
	uint32_t len, off;
	struct file **fds;
	int nfds;
	struct linux_sockaddr_un src;
	uint32_t srclen;
	uint8_t data[];
};

struct unix_sock {
	struct socket *sock;            /* NULL once the socket is released */
	uint32_t refs;
	int state;
	struct unix_sock *peer;         /* referenced */
	struct unix_msg *rx_head, *rx_tail;
	uint32_t rx_bytes, rx_count;
	struct linux_sockaddr_un addr;  /* bound name; addrlen 0 = unbound */
	uint32_t addrlen;
	struct inode *inode;            /* path name: the socket inode (referenced) */
	struct unix_sock *abs_next;     /* abstract names */
	struct unix_sock *all_next;     /* every live socket (/proc/net/unix) */
	struct unix_sock *acq_head, *acq_tail, *acq_next;  /* pending connections (listeners) */
	int acq_len, backlog;
};

static struct unix_sock *abstract_list;
static struct unix_sock *unix_all;
static const struct sock_ops unix_ops;

/* --- lifetime (net_lock held) --- */

static struct unix_sock *us_get(struct unix_sock *u) { u->refs++; return u; }

static void us_put(struct unix_sock *u)
{
	if (u && --u->refs == 0)
		kfree(u);
}

static void all_remove(struct unix_sock *u)
{
	for (struct unix_sock **pp = &unix_all; *pp; pp = &(*pp)->all_next)
		if (*pp == u) {
			*pp = u->all_next;
			return;
		}
}

long unix_proc_show(char *buf, size_t size)
{
	size_t o = 0;
	o += (size_t)ksnprintf(buf, size, "Num       RefCount Protocol Flags    Type St Inode Path\n");
	uint64_t fl = net_lock();
	for (struct unix_sock *u = unix_all; u; u = u->all_next) {
		struct socket *s = u->sock;
		if (!s)
			continue;
		int st = u->state == US_CONNECTED ? 3 : 1;   /* SS_CONNECTED : SS_UNCONNECTED */
		char path[UNIX_PATH_MAX + 2] = "";
		if (u->addrlen > 2) {
			uint32_t n = u->addrlen - 2;
			memcpy(path, u->addr.sun_path, n);
			path[n] = 0;
			if (path[0] == 0)
				path[0] = '@';
		}
		o += (size_t)ksnprintf(buf + (o < size ? o : size), o < size ? size - o : 0,
				       "0000000000000000: %08X %08X %08X %04X %02X %5lu%s%s\n",
				       u->refs + 1, 0, u->state == US_LISTENING ? 0x10000 : 0, s->type, st, s->ino,
				       path[0] ? " " : "", path);
	}
	net_unlock(fl);
	return (long)o;
}

/* A unix_sock for s. Caller holds net_lock when locked is true. */
static struct unix_sock *us_new(struct socket *s, bool locked)
{
	struct unix_sock *u = kzalloc(sizeof(*u));
	if (!u)
		return NULL;
	u->refs = 1;
	u->sock = s;
	s->proto = u;
	uint64_t fl = locked ? 0 : net_lock();
	u->all_next = unix_all;
	unix_all = u;
	if (!locked)
		net_unlock(fl);
	return u;
}

int unix_create(struct socket *s)
{
	if (s->type != SOCK_STREAM && s->type != SOCK_DGRAM && s->type != SOCK_SEQPACKET)
		return s->type == SOCK_RAW ? -EPROTONOSUPPORT : -ESOCKTNOSUPPORT;
	if (s->protocol != 0 && s->protocol != AF_UNIX)
		return -EPROTONOSUPPORT;
	s->protocol = 0;
	s->ops = &unix_ops;
	return us_new(s, false) ? 0 : -ENOMEM;
}

static bool connection_based(struct socket *s) { return s->type != SOCK_DGRAM; }

static void wake(struct unix_sock *u, uint32_t ev)
{
	if (u && u->sock)
		waitq_wake_all(&u->sock->wq, ev);
}

static uint32_t send_limit(struct socket *s) { return (uint32_t)s->sndbuf * 2; }

/* --- names --- */

/* Parses a sockaddr_un: returns the meaningful length (family + path or
 * abstract name), 2 for an unnamed address, or -EINVAL. */
static int addr_len(const struct linux_sockaddr_un *a, uint32_t len)
{
	if (len < 2 || len > sizeof(*a) || a->sun_family != AF_UNIX)
		return -EINVAL;
	if (len == 2 || a->sun_path[0] == 0)
		return (int)len;
	/* A path: up to its NUL (Linux accepts a missing terminator at the end). */
	return (int)(2 + strnlen(a->sun_path, len - 2));
}

static char *path_of(const struct linux_sockaddr_un *a, uint32_t len, char *buf)
{
	memcpy(buf, a->sun_path, len - 2);
	buf[len - 2] = 0;
	return buf;
}

static struct unix_sock *abstract_find(const struct linux_sockaddr_un *a, uint32_t len)
{
	for (struct unix_sock *u = abstract_list; u; u = u->abs_next)
		if (u->addrlen == len && !memcmp(u->addr.sun_path, a->sun_path, len - 2))
			return u;
	return NULL;
}

static void abstract_remove(struct unix_sock *u)
{
	for (struct unix_sock **pp = &abstract_list; *pp; pp = &(*pp)->abs_next)
		if (*pp == u) {
			*pp = u->abs_next;
			return;
		}
}

/* Autobind (bind with only the family, or SO_PASSCRED users): an abstract
 * name of five hex digits, as Linux's unix_autobind. */
static int autobind_locked(struct unix_sock *u)
{
	for (int tries = 0; tries < 0x100000; tries++) {
		struct linux_sockaddr_un a = { .sun_family = AF_UNIX };
		ksnprintf(a.sun_path + 1, 6, "%05x", (unsigned)(random_u64() & 0xfffff));
		if (abstract_find(&a, 8))
			continue;
		u->addr = a;
		u->addrlen = 8;
		u->abs_next = abstract_list;
		abstract_list = u;
		return 0;
	}
	return -ENOSPC;
}

static int unix_bind(struct socket *s, const void *addr, uint32_t len)
{
	const struct linux_sockaddr_un *a = addr;
	int n = addr_len(a, len);
	if (n < 0)
		return n;
	struct unix_sock *u = s->proto;
	if (n == 2) {
		uint64_t fl = net_lock();
		int err = u->addrlen ? -EINVAL : autobind_locked(u);
		net_unlock(fl);
		return err;
	}
	if (a->sun_path[0] == 0) {
		uint64_t fl = net_lock();
		int err = 0;
		if (u->addrlen)
			err = -EINVAL;
		else if (abstract_find(a, (uint32_t)n))
			err = -EADDRINUSE;
		else {
			memcpy(&u->addr, a, (size_t)n);
			u->addrlen = (uint32_t)n;
			u->abs_next = abstract_list;
			abstract_list = u;
		}
		net_unlock(fl);
		return err;
	}
	/* Linux makes the node first: an existing name gives EADDRINUSE even
	 * on a bound socket, a new one is removed again (EINVAL). */
	char path[UNIX_PATH_MAX + 1];
	struct inode *ino;
	int err = sockfs_mknod(path_of(a, (uint32_t)n, path), 0777, &ino);
	if (err)
		return err;
	uint64_t fl = net_lock();
	if (u->addrlen) {
		net_unlock(fl);
		vfs_inode_put(ino);
		vfs_unlinkat(AT_FDCWD, path, 0);
		return -EINVAL;
	}
	memset(&u->addr, 0, sizeof(u->addr));
	memcpy(&u->addr, a, (size_t)n);
	u->addrlen = (uint32_t)n + 1;   /* Linux reports the path with its NUL */
	if (u->addrlen > sizeof(u->addr))
		u->addrlen = sizeof(u->addr);
	u->inode = ino;
	ino->priv = u;
	net_unlock(fl);
	return 0;
}

/* Finds the socket bound to addr, referenced, or an error. Must be called
 * without net_lock (path lookups take vfs_lock); returns with it unlocked. */
static int lookup_peer(const struct linux_sockaddr_un *a, uint32_t len, struct unix_sock **out)
{
	int n = addr_len(a, len);
	if (n < 0)
		return n;
	if (n == 2)
		return -EINVAL;
	if (a->sun_path[0] == 0) {
		uint64_t fl = net_lock();
		struct unix_sock *u = abstract_find(a, (uint32_t)n);
		if (u)
			us_get(u);
		net_unlock(fl);
		if (!u)
			return -ECONNREFUSED;
		*out = u;
		return 0;
	}
	char path[UNIX_PATH_MAX + 1];
	struct inode *ino;
	int err = sockfs_lookup(path_of(a, (uint32_t)n, path), &ino);
	if (err)
		return err;
	uint64_t fl = net_lock();
	struct unix_sock *u = ino->priv;
	if (u)
		us_get(u);
	net_unlock(fl);
	vfs_inode_put(ino);
	if (!u)
		return -ECONNREFUSED;
	*out = u;
	return 0;
}

/* --- connections --- */

static bool can_connect(void *arg)
{
	struct unix_sock *l = arg;
	return !l->sock || l->state != US_LISTENING || l->acq_len < l->backlog;
}

static int unix_connect(struct socket *s, const void *addr, uint32_t len)
{
	struct unix_sock *u = s->proto;
	const struct linux_sockaddr_un *a = addr;
	if (len >= 2 && a->sun_family == AF_UNSPEC && !connection_based(s)) {
		/* Dissolves a datagram association (connect(2)). */
		uint64_t fl = net_lock();
		struct unix_sock *old = u->peer;
		u->peer = NULL;
		u->state = US_UNCONNECTED;
		us_put(old);
		net_unlock(fl);
		return 0;
	}
	struct unix_sock *l;
	int err = lookup_peer(a, len, &l);
	if (err)
		return err;
	uint64_t fl = net_lock();
	if (!l->sock || l->sock->type != s->type) {
		err = l->sock ? -EPROTOTYPE : -ECONNREFUSED;
		goto out;
	}
	if (!connection_based(s)) {
		struct unix_sock *old = u->peer;
		u->peer = us_get(l);
		u->state = US_CONNECTED;
		us_put(old);
		goto out;
	}
	if (u->state == US_CONNECTED) {
		err = -EISCONN;
		goto out;
	}
	if (u->state == US_LISTENING) {
		err = -EINVAL;
		goto out;
	}
	for (;;) {
		if (!l->sock || l->state != US_LISTENING) {
			err = -ECONNREFUSED;
			goto out;
		}
		if (l->acq_len < l->backlog)
			break;
		bool nonblock = s->file && (s->file->flags & O_NONBLOCK);
		net_unlock(fl);
		/* A full backlog: Linux blocks, or gives EAGAIN (not EINPROGRESS) when nonblocking. */
		err = socket_wait(s, can_connect, l, nonblock, true);
		fl = net_lock();
		if (err)
			goto out;
	}
	/* The server side of the connection, handed out by accept. */
	struct socket *ss = socket_alloc(AF_UNIX, s->type, 0, &unix_ops);
	struct unix_sock *su = ss ? us_new(ss, true) : NULL;
	if (!su) {
		if (ss) {
			__atomic_fetch_sub(&socket_count, 1, __ATOMIC_RELAXED);
			kfree(ss);
		}
		err = -ENOMEM;
		goto out;
	}
	ss->passcred = l->sock->passcred;
	ss->rcvbuf = l->sock->rcvbuf;
	ss->sndbuf = l->sock->sndbuf;
	su->addr = l->addr;
	su->addrlen = l->addrlen;
	su->state = US_CONNECTED;
	su->peer = us_get(u);
	u->peer = us_get(su);
	u->state = US_CONNECTED;
	if (l->acq_tail)
		l->acq_tail->acq_next = su;
	else
		l->acq_head = su;
	l->acq_tail = su;
	l->acq_len++;
	wake(l, POLLIN | POLLRDNORM);
	wake(u, POLLOUT | POLLWRNORM);
out:
	us_put(l);
	net_unlock(fl);
	return err;
}

int unix_pair(struct socket *a, struct socket *b)
{
	struct unix_sock *ua = a->proto, *ub = b->proto;
	uint64_t fl = net_lock();
	ua->peer = us_get(ub);
	ub->peer = us_get(ua);
	ua->state = ub->state = US_CONNECTED;
	net_unlock(fl);
	return 0;
}

static int unix_listen(struct socket *s, int backlog)
{
	struct unix_sock *u = s->proto;
	if (!connection_based(s))
		return -EOPNOTSUPP;
	uint64_t fl = net_lock();
	int err = 0;
	if (u->state == US_CONNECTED)
		err = -EINVAL;
	else if (!u->addrlen)
		err = -EINVAL;   /* Linux: listen on an unbound unix socket */
	else {
		if (backlog < 0 || backlog > UNIX_MAX_BACKLOG)
			backlog = UNIX_MAX_BACKLOG;
		u->backlog = backlog + 1;   /* Linux's ack backlog check is '>' */
		u->state = US_LISTENING;
		s->listening = true;
		wake(u, POLLOUT);
	}
	net_unlock(fl);
	return err;
}

static bool has_pending(void *arg)
{
	struct unix_sock *u = arg;
	return u->acq_head || u->state != US_LISTENING;
}

static int unix_accept(struct socket *s, struct socket **out, int flags)
{
	struct unix_sock *u = s->proto;
	for (;;) {
		uint64_t fl = net_lock();
		if (u->state != US_LISTENING) {
			net_unlock(fl);
			return -EINVAL;
		}
		struct unix_sock *c = u->acq_head;
		if (c) {
			u->acq_head = c->acq_next;
			if (!u->acq_head)
				u->acq_tail = NULL;
			c->acq_next = NULL;
			u->acq_len--;
			net_unlock(fl);
			*out = c->sock;
			wake(u, POLLOUT);
			return 0;
		}
		net_unlock(fl);
		int err = socket_wait(s, has_pending, u, (flags & MSG_DONTWAIT) != 0, false);
		if (err)
			return err;
	}
}

static int unix_getname(struct socket *s, void *addr, bool peer)
{
	struct unix_sock *u = s->proto;
	uint64_t fl = net_lock();
	struct unix_sock *src = u;
	if (peer) {
		src = u->state == US_CONNECTED ? u->peer : NULL;
		if (!src) {
			net_unlock(fl);
			return -ENOTCONN;
		}
	}
	int n;
	if (src->addrlen) {
		memcpy(addr, &src->addr, src->addrlen);
		n = (int)src->addrlen;
	} else {
		((struct linux_sockaddr_un *)addr)->sun_family = AF_UNIX;
		n = 2;
	}
	net_unlock(fl);
	return n;
}

/* --- data --- */

static struct unix_msg *msg_new(struct unix_sock *from, const void *data, uint32_t len, struct kmsg *m)
{
	struct unix_msg *msg = kmalloc(sizeof(*msg) + len);
	if (!msg)
		return NULL;
	msg->next = NULL;
	msg->len = len;
	msg->off = 0;
	msg->fds = NULL;
	msg->nfds = 0;
	msg->srclen = from->addrlen;
	if (from->addrlen)
		memcpy(&msg->src, &from->addr, from->addrlen);
	memcpy(msg->data, data, len);
	if (m && m->nfds) {
		msg->fds = kmalloc(sizeof(struct file *) * (size_t)m->nfds);
		if (!msg->fds) {
			kfree(msg);
			return NULL;
		}
		for (int i = 0; i < m->nfds; i++)
			msg->fds[i] = file_get(m->fds[i]);
		msg->nfds = m->nfds;
	}
	return msg;
}

static void enqueue(struct unix_sock *to, struct unix_msg *msg)
{
	if (to->rx_tail)
		to->rx_tail->next = msg;
	else
		to->rx_head = msg;
	to->rx_tail = msg;
	to->rx_bytes += msg->len;
	to->rx_count++;
	wake(to, POLLIN | POLLRDNORM);
}

struct send_wait { struct socket *s; struct unix_sock *to; uint32_t need; };

static bool can_send(void *arg)
{
	struct send_wait *w = arg;
	struct unix_sock *to = w->to;
	if (!to->sock || (w->s->shut & SEND_SHUTDOWN) || (to->sock->shut & RCV_SHUTDOWN))
		return true;
	if (w->s->type == SOCK_DGRAM && to->rx_count >= UNIX_DGRAM_QLEN)
		return false;
	return to->rx_bytes + w->need <= send_limit(w->s) || to->rx_bytes == 0;
}

static long unix_sendmsg(struct socket *s, struct kmsg *m, int flags)
{
	struct unix_sock *u = s->proto;
	bool nonblock = (flags & MSG_DONTWAIT) != 0;
	struct unix_sock *to = NULL;
	long err;
	size_t done = 0;
	uint64_t fl;
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (!connection_based(s) && m->addr && m->addrlen) {
		err = lookup_peer(m->addr, m->addrlen, &to);
		if (err)
			return err;
	} else if (connection_based(s) && m->addr && m->addrlen && u->state != US_CONNECTED) {
		return s->type == SOCK_STREAM ? -EOPNOTSUPP : -ENOTCONN;
	}
	if (s->type != SOCK_STREAM && m->len > send_limit(s) - 32) {
		err = -EMSGSIZE;
		goto out_nolock;
	}
	fl = net_lock();
	if (!to) {
		if (s->shut & SEND_SHUTDOWN) {
			err = -EPIPE;
			goto out;
		}
		if (u->state != US_CONNECTED || !u->peer) {
			err = connection_based(s) ? -ENOTCONN : -ENOTCONN;
			goto out;
		}
		to = us_get(u->peer);
	}
	if (!connection_based(s) && s->passcred && !u->addrlen)
		autobind_locked(u);
	bool fds_sent = false;
	if (s->type == SOCK_STREAM && m->len == 0 && u->state == US_CONNECTED) {
		err = 0;
		goto out;
	}
	for (;;) {
		if ((s->shut & SEND_SHUTDOWN) || (connection_based(s) && (!to->sock || (to->sock->shut & RCV_SHUTDOWN)))) {
			err = -EPIPE;
			break;
		}
		if (!to->sock) {
			err = -ECONNREFUSED;
			if (u->peer == to) {
				u->peer = NULL;
				u->state = US_UNCONNECTED;
				us_put(to);
			}
			break;
		}
		if (!connection_based(s) && to->peer && to->peer != u && to->state == US_CONNECTED) {
			err = -EPERM;
			break;
		}
		struct send_wait w = { s, to, s->type == SOCK_STREAM ? 1 : (uint32_t)m->len };
		if (can_send(&w)) {
			uint32_t chunk = (uint32_t)(m->len - done);
			if (s->type == SOCK_STREAM) {
				uint32_t room = to->rx_bytes < send_limit(s) ? send_limit(s) - to->rx_bytes : 0;
				if (room < 4096)
					room = 4096;
				if (chunk > room)
					chunk = room;
			}
			struct unix_msg *msg = msg_new(u, (const uint8_t *)m->buf + done, chunk, fds_sent ? NULL : m);
			if (!msg) {
				err = -ENOBUFS;
				break;
			}
			fds_sent = true;
			enqueue(to, msg);
			done += chunk;
			if (done >= m->len) {
				err = 0;
				break;
			}
		}
		net_unlock(fl);
		err = socket_wait(s, can_send, &w, nonblock, true);
		fl = net_lock();
		if (err)
			break;
	}
out:
	net_unlock(fl);
out_nolock:
	if (to) {
		fl = net_lock();
		us_put(to);
		net_unlock(fl);
	}
	if (done)
		return (long)done;
	if (err == -EPIPE)
		socket_sigpipe(flags);
	return err;
}

static bool can_recv(void *arg)
{
	struct socket *s = arg;
	struct unix_sock *u = s->proto;
	return u->rx_head || (s->shut & RCV_SHUTDOWN) ||
	       (connection_based(s) && (u->state != US_CONNECTED || !u->peer || !u->peer->sock));
}

/* Moves msg's files to m->fds (room for SCM_MAX_FD, given by every caller);
 * the caller installs or drops them outside net_lock. */
static void take_fds(struct unix_msg *msg, struct kmsg *m, bool peek)
{
	for (int i = 0; i < msg->nfds && m->nfds < SCM_MAX_FD; i++)
		m->fds[m->nfds++] = peek ? file_get(msg->fds[i]) : msg->fds[i];
	if (!peek) {
		kfree(msg->fds);
		msg->fds = NULL;
		msg->nfds = 0;
	}
}

static void dequeue(struct unix_sock *u)
{
	struct unix_msg *msg = u->rx_head;
	u->rx_head = msg->next;
	if (!u->rx_head)
		u->rx_tail = NULL;
	u->rx_count--;
	kfree(msg->fds);
	kfree(msg);
}

static long unix_recvmsg(struct socket *s, struct kmsg *m, int flags)
{
	struct unix_sock *u = s->proto;
	bool peek = (flags & MSG_PEEK) != 0;
	bool nonblock = (flags & MSG_DONTWAIT) != 0;
	size_t done = 0;
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	m->addrlen = 0;
	for (;;) {
		uint64_t fl = net_lock();
		if (connection_based(s) && u->state == US_LISTENING) {
			net_unlock(fl);
			return -EINVAL;
		}
		if (s->type == SOCK_STREAM && u->state != US_CONNECTED) {
			net_unlock(fl);
			return -EINVAL;
		}
		struct unix_msg *msg = u->rx_head;
		if (msg && s->type != SOCK_STREAM) {
			uint32_t n = msg->len < m->len ? msg->len : (uint32_t)m->len;
			memcpy(m->buf, msg->data, n);
			if (msg->len > m->len)
				m->flags |= MSG_TRUNC;
			if (m->addr && msg->srclen) {
				memcpy(m->addr, &msg->src, msg->srclen);
				m->addrlen = msg->srclen;
			}
			take_fds(msg, m, peek);
			uint32_t full = msg->len;
			if (!peek) {
				u->rx_bytes -= msg->len;
				dequeue(u);
			}
			net_unlock(fl);
			if (!peek && u->peer)
				wake(u->peer, POLLOUT | POLLWRNORM);
			if (!peek && s->type == SOCK_DGRAM) {
				/* Writers blocked on our queue are datagram senders we cannot name: wake ours. */
				waitq_wake_all(&s->wq, POLLOUT | POLLWRNORM);
			}
			if (s->passcred || m->want_creds) {
				m->got_creds = true;
				m->creds = (struct linux_ucred){ 1, 0, 0 };
			}
			return (flags & MSG_TRUNC) ? (long)full : (long)n;
		}
		if (msg) {
			/* A stream read gathers across messages but stops before a
			 * message carrying files once it has data (Linux does too). */
			for (struct unix_msg *c = msg; c && done < m->len; c = c->next) {
				if (c->nfds && done)
					break;
				uint32_t avail = c->len - c->off;
				uint32_t n = avail;
				if (n > m->len - done)
					n = (uint32_t)(m->len - done);
				memcpy((uint8_t *)m->buf + done, c->data + c->off, n);
				if (c->nfds)
					take_fds(c, m, peek);
				done += n;
				if (!peek) {
					c->off += n;
					u->rx_bytes -= n;
				}
				if (n < avail)
					break;
			}
			if (!peek)
				while (u->rx_head && u->rx_head->off == u->rx_head->len)
					dequeue(u);
			net_unlock(fl);
			if (!peek && u->peer)
				wake(u->peer, POLLOUT | POLLWRNORM);
			if (s->passcred || m->want_creds) {
				m->got_creds = true;
				m->creds = (struct linux_ucred){ 1, 0, 0 };
			}
			if (!(flags & MSG_WAITALL) || done >= m->len || peek)
				return (long)done;
			fl = net_lock();
		}
		if (!done && s->error) {
			int e = s->error;
			s->error = 0;
			net_unlock(fl);
			return -e;
		}
		bool eof = (s->shut & RCV_SHUTDOWN) ||
			   (connection_based(s) && (!u->peer || !u->peer->sock || (u->peer->sock->shut & SEND_SHUTDOWN)));
		net_unlock(fl);
		if (eof && !u->rx_head)
			return (long)done;
		if (s->type == SOCK_SEQPACKET && u->state != US_CONNECTED)
			return -ENOTCONN;
		int err = socket_wait(s, can_recv, s, nonblock, false);
		if (err)
			return done ? (long)done : err;
	}
}

static int unix_shutdown(struct socket *s, int how)
{
	struct unix_sock *u = s->proto;
	int mode = how == SHUT_RD ? RCV_SHUTDOWN : how == SHUT_WR ? SEND_SHUTDOWN : RCV_SHUTDOWN | SEND_SHUTDOWN;
	uint64_t fl = net_lock();
	/* Linux's unix_shutdown does not require a connection. */
	s->shut |= mode;
	struct unix_sock *p = u->peer;
	if (connection_based(s) && p && p->sock) {
		int pm = (mode & RCV_SHUTDOWN ? SEND_SHUTDOWN : 0) | (mode & SEND_SHUTDOWN ? RCV_SHUTDOWN : 0);
		p->sock->shut |= pm;
		wake(p, POLLIN | POLLOUT | POLLHUP | POLLRDHUP);
	}
	wake(u, POLLIN | POLLOUT | POLLHUP | POLLRDHUP);
	net_unlock(fl);
	return 0;
}

static uint32_t unix_poll(struct socket *s)
{
	struct unix_sock *u = s->proto;
	uint32_t ev = 0;
	if (u->state == US_LISTENING)
		return u->acq_head ? POLLIN | POLLRDNORM : 0;
	if (u->rx_head)
		ev |= POLLIN | POLLRDNORM;
	if (s->shut & RCV_SHUTDOWN)
		ev |= POLLIN | POLLRDNORM | POLLRDHUP;
	if (s->shut == (RCV_SHUTDOWN | SEND_SHUTDOWN))
		ev |= POLLHUP;
	if (connection_based(s)) {
		if (u->state != US_CONNECTED)
			ev |= POLLHUP;
		struct unix_sock *p = u->peer;
		if (u->state == US_CONNECTED && p && p->sock && !(s->shut & SEND_SHUTDOWN) &&
		    p->rx_bytes < send_limit(s))
			ev |= POLLOUT | POLLWRNORM;
		if (u->state == US_CONNECTED && (!p || !p->sock))
			ev |= POLLHUP | POLLIN | POLLRDNORM | POLLRDHUP;
	} else {
		struct unix_sock *p = u->peer;
		if (!p || !p->sock || (p->rx_count < UNIX_DGRAM_QLEN && p->rx_bytes < send_limit(s)))
			ev |= POLLOUT | POLLWRNORM;
	}
	return ev;
}

static long unix_nread(struct socket *s)
{
	struct unix_sock *u = s->proto;
	if (u->state == US_LISTENING)
		return -EINVAL;
	if (s->type != SOCK_STREAM)
		return u->rx_head ? u->rx_head->len : 0;   /* Linux: the next datagram's size */
	return u->rx_bytes;
}

static int unix_getsockopt(struct socket *s, int level, int name, void *val, uint32_t *len)
{
	struct unix_sock *u = s->proto;
	if (level == SOL_SOCKET && name == SO_PEERCRED) {
		/* One process: every peer is pid 1 running as root; unconnected gives Linux's "nobody". */
		struct linux_ucred c = { 0, (uint32_t)-1, (uint32_t)-1 };
		if (u->state == US_CONNECTED)
			c = (struct linux_ucred){ 1, 0, 0 };
		memcpy(val, &c, sizeof(c));
		*len = sizeof(c);
		return 0;
	}
	return -ENOPROTOOPT;
}

static int unix_setsockopt(struct socket *s, int level, int name, const void *val, uint32_t len)
{
	return -ENOPROTOOPT;
}

/* A queue's messages and the files riding on them, freed outside net_lock:
 * dropping a file may release another socket. */
static void free_msgs(struct unix_msg *msg)
{
	while (msg) {
		struct unix_msg *next = msg->next;
		for (int i = 0; i < msg->nfds; i++)
			file_put(msg->fds[i]);
		kfree(msg->fds);
		kfree(msg);
		msg = next;
	}
}

static void unix_release(struct socket *s)
{
	struct unix_sock *u = s->proto;
	uint64_t fl = net_lock();
	struct unix_msg *rx = u->rx_head;
	u->rx_head = u->rx_tail = NULL;
	u->rx_bytes = u->rx_count = 0;
	struct unix_sock *pending = u->acq_head;
	u->acq_head = u->acq_tail = NULL;
	u->acq_len = 0;
	u->sock = NULL;
	struct inode *ino = u->inode;
	u->inode = NULL;
	if (ino)
		ino->priv = NULL;
	if (u->addrlen && u->addr.sun_path[0] == 0)
		abstract_remove(u);
	struct unix_sock *p = u->peer;
	u->peer = NULL;
	if (p && p->sock && connection_based(s)) {
		p->sock->shut = RCV_SHUTDOWN | SEND_SHUTDOWN;
		/* Unread data makes the peer see ECONNRESET, as on Linux. */
		if (rx && s->type == SOCK_STREAM)
			p->sock->error = ECONNRESET;
		wake(p, POLLIN | POLLOUT | POLLHUP | POLLRDHUP | POLLERR);
	}
	all_remove(u);
	us_put(p);
	us_put(u);
	net_unlock(fl);
	if (ino)
		vfs_inode_put(ino);
	free_msgs(rx);
	/* Connections nobody accepted: their sockets die with the listener. */
	while (pending) {
		struct unix_sock *next = pending->acq_next;
		struct socket *ps = pending->sock;
		unix_release(ps);
		__atomic_fetch_sub(&socket_count, 1, __ATOMIC_RELAXED);
		kfree(ps);
		pending = next;
	}
}

static const struct sock_ops unix_ops = {
	.bind = unix_bind, .connect = unix_connect, .listen = unix_listen, .accept = unix_accept,
	.getname = unix_getname, .sendmsg = unix_sendmsg, .recvmsg = unix_recvmsg,
	.shutdown = unix_shutdown, .setsockopt = unix_setsockopt, .getsockopt = unix_getsockopt,
	.poll = unix_poll, .nread = unix_nread, .release = unix_release,
};
