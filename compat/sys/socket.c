/* The socket syscalls: argument checks, user copies (addresses, iovecs,
 * control messages, option values) and fd installation, over the socket
 * layer in kernel/net/socket.c, which only sees kernel buffers. Linux's
 * errno choices are followed call by call (net/socket.c in Linux). */
#include "compat/uaccess.h"
#include "net/socket.h"
#include "fs/fdtable.h"
#include "fs/vfs.h"
#include "mm/kmalloc.h"
#include "lib/string.h"
#include "lib/errno.h"

#define UIO_MAXIOV 1024
#define SOMAXCONN 4096
#define NET_CHUNK (64 * 1024)          /* bounce buffer for stream sockets */
#define DGRAM_MAX (4 * 1024 * 1024)    /* largest datagram we copy in one piece */
#define MAX_RW_TOTAL 0x7ffff000L

static struct socket *sock_lookup(int fd, struct file **fp, long *err)
{
	struct file *f = fdtable_get(fd);
	if (!f) {
		*err = -EBADF;
		return NULL;
	}
	struct socket *s = socket_from_file(f);
	if (!s) {
		file_put(f);
		*err = -ENOTSOCK;
		return NULL;
	}
	*fp = f;
	return s;
}

static int nonblock_flags(struct file *f, int flags)
{
	return (f->flags & O_NONBLOCK) ? (flags | MSG_DONTWAIT) : flags;
}

static int addr_from_user(const void *uaddr, uint32_t len, void *kaddr)
{
	if ((int)len < 0 || len > SOCKADDR_MAX)
		return -EINVAL;
	memset(kaddr, 0, SOCKADDR_MAX);
	if (len && copy_from_user(kaddr, uaddr, len))
		return -EFAULT;
	return 0;
}

/* Linux's move_addr_to_user: copies min(*ulen, klen) and stores klen. */
static int addr_to_user(const void *kaddr, int klen, void *uaddr, uint32_t *ulen)
{
	if (!uaddr && !ulen)
		return 0;
	int len;
	if (get_user(&len, (int *)ulen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	if (len > klen)
		len = klen;
	if (len && copy_to_user(uaddr, kaddr, (size_t)len))
		return -EFAULT;
	return put_user(klen, (int *)ulen);
}

static long install(struct socket *s, int flags)
{
	struct file *f = socket_file(s, flags);
	if (!f) {
		socket_destroy(s);
		return -ENFILE;
	}
	int fd = fdtable_install(f, 0, (flags & SOCK_CLOEXEC) != 0);
	if (fd < 0)
		file_put(f);
	return fd;
}

long sys_socket(int family, int type, int protocol)
{
	int flags = type & ~SOCK_TYPE_MASK;
	if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
		return -EINVAL;
	if (family < 0 || family >= AF_MAX)
		return -EAFNOSUPPORT;
	struct socket *s;
	long err = socket_create(family, type & SOCK_TYPE_MASK, protocol, &s);
	if (err)
		return err;
	return install(s, flags);
}

long sys_socketpair(int family, int type, int protocol, int *usv)
{
	int flags = type & ~SOCK_TYPE_MASK;
	if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
		return -EINVAL;
	if (family < 0 || family >= AF_MAX)
		return -EAFNOSUPPORT;
	if (family != AF_UNIX) {
		/* Linux: the family exists but has no socketpair. */
		struct socket *t;
		long err = socket_create(family, type & SOCK_TYPE_MASK, protocol, &t);
		if (err)
			return err;
		socket_destroy(t);
		return -EOPNOTSUPP;
	}
	if (!user_range_ok((uint64_t)usv, 2 * sizeof(int)))
		return -EFAULT;
	struct socket *a, *b;
	long err = socket_create(family, type & SOCK_TYPE_MASK, protocol, &a);
	if (err)
		return err;
	err = socket_create(family, type & SOCK_TYPE_MASK, protocol, &b);
	if (err) {
		socket_destroy(a);
		return err;
	}
	unix_pair(a, b);
	int fds[2];
	fds[0] = (int)install(a, flags);
	if (fds[0] < 0) {
		socket_destroy(b);
		return fds[0];
	}
	fds[1] = (int)install(b, flags);
	if (fds[1] < 0) {
		fdtable_close(fds[0]);
		return fds[1];
	}
	if (copy_to_user(usv, fds, sizeof(fds))) {
		fdtable_close(fds[0]);
		fdtable_close(fds[1]);
		return -EFAULT;
	}
	return 0;
}

long sys_bind(int fd, const void *uaddr, uint32_t len)
{
	long err;
	struct file *f;
	struct socket *s = sock_lookup(fd, &f, &err);
	if (!s)
		return err;
	char addr[SOCKADDR_MAX];
	err = addr_from_user(uaddr, len, addr);
	if (!err)
		err = s->ops->bind ? s->ops->bind(s, addr, len) : -EOPNOTSUPP;
	file_put(f);
	return err;
}

long sys_connect(int fd, const void *uaddr, uint32_t len)
{
	long err;
	struct file *f;
	struct socket *s = sock_lookup(fd, &f, &err);
	if (!s)
		return err;
	char addr[SOCKADDR_MAX];
	err = addr_from_user(uaddr, len, addr);
	if (!err)
		err = s->ops->connect ? s->ops->connect(s, addr, len) : -EOPNOTSUPP;
	file_put(f);
	return err;
}

long sys_listen(int fd, int backlog)
{
	long err;
	struct file *f;
	struct socket *s = sock_lookup(fd, &f, &err);
	if (!s)
		return err;
	if ((unsigned)backlog > SOMAXCONN)
		backlog = SOMAXCONN;
	err = s->ops->listen ? s->ops->listen(s, backlog) : -EOPNOTSUPP;
	file_put(f);
	return err;
}

long sys_accept4(int fd, void *uaddr, uint32_t *ulen, int flags)
{
	if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
		return -EINVAL;
	long err;
	struct file *f;
	struct socket *s = sock_lookup(fd, &f, &err);
	if (!s)
		return err;
	struct socket *ns = NULL;
	if (!s->ops->accept) {
		err = -EOPNOTSUPP;
		goto out;
	}
	err = s->ops->accept(s, &ns, nonblock_flags(f, 0));
	if (err)
		goto out;
	struct file *nf = socket_file(ns, flags);
	if (!nf) {
		socket_destroy(ns);
		err = -ENFILE;
		goto out;
	}
	if (uaddr) {
		char addr[SOCKADDR_MAX];
		int n = ns->ops->getname(ns, addr, true);
		if (n < 0) {
			file_put(nf);
			err = -ECONNABORTED;
			goto out;
		}
		err = addr_to_user(addr, n, uaddr, ulen);
		if (err) {
			file_put(nf);
			goto out;
		}
	}
	err = fdtable_install(nf, 0, (flags & SOCK_CLOEXEC) != 0);
	if (err < 0)
		file_put(nf);
out:
	file_put(f);
	return err;
}

long sys_accept(int fd, void *uaddr, uint32_t *ulen) { return sys_accept4(fd, uaddr, ulen, 0); }

static long getname(int fd, void *uaddr, uint32_t *ulen, bool peer)
{
	long err;
	struct file *f;
	struct socket *s = sock_lookup(fd, &f, &err);
	if (!s)
		return err;
	char addr[SOCKADDR_MAX];
	memset(addr, 0, sizeof(addr));
	int n = s->ops->getname(s, addr, peer);
	err = n < 0 ? n : addr_to_user(addr, n, uaddr, ulen);
	file_put(f);
	return err;
}

long sys_getsockname(int fd, void *uaddr, uint32_t *ulen) { return getname(fd, uaddr, ulen, false); }
long sys_getpeername(int fd, void *uaddr, uint32_t *ulen) { return getname(fd, uaddr, ulen, true); }

long sys_shutdown(int fd, int how)
{
	long err;
	struct file *f;
	struct socket *s = sock_lookup(fd, &f, &err);
	if (!s)
		return err;
	if (how < SHUT_RD || how > SHUT_RDWR)
		err = -EINVAL;
	else
		err = s->ops->shutdown ? s->ops->shutdown(s, how) : -EOPNOTSUPP;
	file_put(f);
	return err;
}

long sys_setsockopt(int fd, int level, int name, const void *uval, uint32_t len)
{
	long err;
	struct file *f;
	struct socket *s = sock_lookup(fd, &f, &err);
	if (!s)
		return err;
	char val[256];
	if ((int)len < 0)
		err = -EINVAL;
	else {
		uint32_t n = len > sizeof(val) ? sizeof(val) : len;
		memset(val, 0, sizeof(val));
		if (n && copy_from_user(val, uval, n))
			err = -EFAULT;
		else
			err = socket_setsockopt(s, level, name, val, n);
	}
	file_put(f);
	return err;
}

long sys_getsockopt(int fd, int level, int name, void *uval, uint32_t *ulen)
{
	long err;
	struct file *f;
	struct socket *s = sock_lookup(fd, &f, &err);
	if (!s)
		return err;
	int len;
	char val[256];
	uint32_t klen = sizeof(val);
	if (get_user(&len, (int *)ulen))
		err = -EFAULT;
	else if (len < 0)
		err = -EINVAL;
	else {
		memset(val, 0, sizeof(val));
		err = socket_getsockopt(s, level, name, val, &klen);
		if (!err) {
			uint32_t n = (uint32_t)len < klen ? (uint32_t)len : klen;
			if (n && copy_to_user(uval, val, n))
				err = -EFAULT;
			else if (put_user((int)n, (int *)ulen))
				err = -EFAULT;
		}
	}
	file_put(f);
	return err;
}

/* --- data transfer --- */

struct uio {
	struct linux_iovec *iov;
	int cnt;
	size_t total;
};

static long uio_from_user(const struct linux_iovec *uiov, uint64_t cnt, struct uio *u)
{
	u->iov = NULL;
	u->cnt = 0;
	u->total = 0;
	if (cnt > UIO_MAXIOV)
		return -EMSGSIZE;
	if (!cnt)
		return 0;
	u->iov = kmalloc(sizeof(*u->iov) * cnt);
	if (!u->iov)
		return -ENOMEM;
	if (copy_from_user(u->iov, uiov, sizeof(*u->iov) * cnt)) {
		kfree(u->iov);
		u->iov = NULL;
		return -EFAULT;
	}
	u->cnt = (int)cnt;
	for (int i = 0; i < u->cnt; i++) {
		if ((int64_t)u->iov[i].iov_len < 0) {
			kfree(u->iov);
			u->iov = NULL;
			return -EINVAL;
		}
		if (u->iov[i].iov_len > MAX_RW_TOTAL - u->total)
			u->iov[i].iov_len = MAX_RW_TOTAL - u->total;
		u->total += u->iov[i].iov_len;
	}
	return 0;
}

/* Copies n bytes at offset off of the iovec to/from buf. */
static int uio_copy(struct uio *u, size_t off, void *buf, size_t n, bool to_user)
{
	uint8_t *b = buf;
	for (int i = 0; i < u->cnt && n; i++) {
		size_t l = u->iov[i].iov_len;
		if (off >= l) {
			off -= l;
			continue;
		}
		size_t c = l - off < n ? l - off : n;
		void *up = (void *)(u->iov[i].iov_base + off);
		if (to_user ? copy_to_user(up, b, c) : copy_from_user(b, up, c))
			return -EFAULT;
		b += c;
		n -= c;
		off = 0;
	}
	return 0;
}

static bool is_stream(struct socket *s) { return s->type == SOCK_STREAM; }

/* The send core: data from u, destination addr (kernel copy, or NULL), files. */
static long do_send(struct socket *s, struct file *f, struct uio *u, void *addr, uint32_t addrlen,
		    struct file **fds, int nfds, int flags)
{
	flags = nonblock_flags(f, flags);
	size_t total = u->total;
	if (!is_stream(s) && total > DGRAM_MAX)
		return -EMSGSIZE;
	size_t cap = is_stream(s) ? (total < NET_CHUNK ? total : NET_CHUNK) : total;
	void *kbuf = kmalloc(cap ? cap : 1);
	if (!kbuf)
		return -ENOMEM;
	size_t done = 0;
	long r = 0;
	do {
		size_t chunk = total - done < cap ? total - done : cap;
		if (uio_copy(u, done, kbuf, chunk, false)) {
			r = -EFAULT;
			break;
		}
		struct kmsg m = { .buf = kbuf, .len = chunk, .addr = addr, .addrlen = addrlen,
				  .fds = done ? NULL : fds, .nfds = done ? 0 : nfds };
		r = s->ops->sendmsg(s, &m, flags);
		if (r < 0)
			break;
		done += (size_t)r;
		if ((size_t)r < chunk)
			break;
	} while (done < total);
	kfree(kbuf);
	return done ? (long)done : r;
}

long sys_sendto(int fd, const void *ubuf, size_t len, int flags, const void *uaddr, uint32_t addrlen)
{
	long err;
	struct file *f;
	struct socket *s = sock_lookup(fd, &f, &err);
	if (!s)
		return err;
	char addr[SOCKADDR_MAX];
	struct linux_iovec iov = { (uint64_t)ubuf, len };
	struct uio u = { &iov, 1, len > MAX_RW_TOTAL ? MAX_RW_TOTAL : len };
	iov.iov_len = u.total;
	err = 0;
	if (uaddr) {
		err = addr_from_user(uaddr, addrlen, addr);
	}
	if (!err && !user_range_ok((uint64_t)ubuf, len))
		err = -EFAULT;
	if (!err)
		err = do_send(s, f, &u, uaddr ? addr : NULL, uaddr ? addrlen : 0, NULL, 0, flags);
	file_put(f);
	return err;
}

static long do_recv(struct socket *s, struct file *f, struct uio *u, void *addr, uint32_t *addrlen,
		    struct file **fds, int *nfds, struct kmsg *meta, int flags)
{
	int fl = nonblock_flags(f, flags);
	size_t total = u->total;
	size_t cap = is_stream(s) ? (total < NET_CHUNK ? total : NET_CHUNK) : (total < DGRAM_MAX ? total : DGRAM_MAX);
	void *kbuf = kmalloc(cap ? cap : 1);
	if (!kbuf)
		return -ENOMEM;
	size_t done = 0;
	long r = 0;
	*nfds = 0;
	do {
		size_t chunk = total - done < cap ? total - done : cap;
		struct kmsg m = { .buf = kbuf, .len = chunk, .addr = addr, .fds = fds + *nfds };
		r = s->ops->recvmsg(s, &m, fl);
		if (r < 0)
			break;
		*nfds += m.nfds;
		if (addr && !done)
			*addrlen = m.addrlen;
		meta->flags |= m.flags;
		meta->got_creds |= m.got_creds;
		meta->creds = m.creds;
		size_t got = (size_t)r < chunk ? (size_t)r : chunk;
		if (uio_copy(u, done, kbuf, got, true)) {
			r = -EFAULT;
			break;
		}
		if (!is_stream(s)) {
			done = (size_t)r;   /* the full datagram size with MSG_TRUNC */
			break;
		}
		done += got;
		if (got < chunk || !(flags & MSG_WAITALL) || m.nfds || *nfds)
			break;
		/* MSG_WAITALL across bounce-buffer chunks. */
	} while (done < total);
	kfree(kbuf);
	if (done)
		return (long)done;
	return r;
}

long sys_recvfrom(int fd, void *ubuf, size_t len, int flags, void *uaddr, uint32_t *ulen)
{
	long err;
	struct file *f;
	struct socket *s = sock_lookup(fd, &f, &err);
	if (!s)
		return err;
	if (!user_range_ok((uint64_t)ubuf, len)) {
		file_put(f);
		return -EFAULT;
	}
	struct linux_iovec iov = { (uint64_t)ubuf, len > MAX_RW_TOTAL ? MAX_RW_TOTAL : len };
	struct uio u = { &iov, 1, iov.iov_len };
	char addr[SOCKADDR_MAX];
	uint32_t alen = 0;
	struct file **fds = kmalloc(sizeof(struct file *) * SCM_MAX_FD);
	int nfds = 0;
	struct kmsg meta = { 0 };
	err = fds ? do_recv(s, f, &u, addr, &alen, fds, &nfds, &meta, flags) : -ENOMEM;
	for (int i = 0; i < nfds; i++)
		file_put(fds[i]);
	kfree(fds);
	if (err >= 0 && uaddr) {
		long e = addr_to_user(addr, (int)alen, uaddr, ulen);
		if (e)
			err = e;
	}
	file_put(f);
	return err;
}

/* Parses SCM_RIGHTS out of a user control buffer: references in fds[]. */
static long cmsgs_from_user(const struct linux_msghdr *mh, struct file **fds, int *nfds)
{
	*nfds = 0;
	if (!mh->msg_controllen)
		return 0;
	if (mh->msg_controllen > 65536)
		return -ENOBUFS;
	uint8_t *buf = kmalloc(mh->msg_controllen);
	if (!buf)
		return -ENOMEM;
	long err = 0;
	if (copy_from_user(buf, (void *)mh->msg_control, mh->msg_controllen)) {
		err = -EFAULT;
		goto out;
	}
	for (uint64_t off = 0; off + sizeof(struct linux_cmsghdr) <= mh->msg_controllen;) {
		struct linux_cmsghdr c;
		memcpy(&c, buf + off, sizeof(c));
		if (c.cmsg_len < sizeof(c) || c.cmsg_len > mh->msg_controllen - off) {
			err = -EINVAL;
			goto out;
		}
		if (c.cmsg_level == SOL_SOCKET && c.cmsg_type == SCM_RIGHTS) {
			uint64_t n = (c.cmsg_len - sizeof(c)) / sizeof(int);
			if (n == 0 || *nfds + n > SCM_MAX_FD) {
				err = -EINVAL;
				goto out;
			}
			for (uint64_t i = 0; i < n; i++) {
				int fd;
				memcpy(&fd, buf + off + sizeof(c) + i * sizeof(int), sizeof(int));
				struct file *pf = fdtable_get(fd);
				if (!pf) {
					err = -EBADF;
					goto out;
				}
				fds[(*nfds)++] = pf;
			}
		} else if (c.cmsg_level == SOL_SOCKET && c.cmsg_type == SCM_CREDENTIALS) {
			if (c.cmsg_len < sizeof(c) + sizeof(struct linux_ucred)) {
				err = -EINVAL;
				goto out;
			}
		}
		/* Other levels (IP_PKTINFO, IP_TTL...) are accepted and ignored. */
		off += CMSG_ALIGN8(c.cmsg_len);
	}
out:
	kfree(buf);
	if (err) {
		for (int i = 0; i < *nfds; i++)
			file_put(fds[i]);
		*nfds = 0;
	}
	return err;
}

static long sendmsg_one(int fd, struct linux_msghdr *umh, int flags)
{
	long err;
	struct file *f;
	struct socket *s = sock_lookup(fd, &f, &err);
	if (!s)
		return err;
	struct linux_msghdr mh;
	struct uio u = { 0 };
	struct file **fds = NULL;
	int nfds = 0;
	char addr[SOCKADDR_MAX];
	if (copy_from_user(&mh, umh, sizeof(mh))) {
		err = -EFAULT;
		goto out;
	}
	if (mh.msg_name && (err = addr_from_user((void *)mh.msg_name, mh.msg_namelen, addr)))
		goto out;
	if ((err = uio_from_user((void *)mh.msg_iov, mh.msg_iovlen, &u)))
		goto out;
	if (mh.msg_controllen) {
		fds = kmalloc(sizeof(struct file *) * SCM_MAX_FD);
		if (!fds) {
			err = -ENOMEM;
			goto out;
		}
		if ((err = cmsgs_from_user(&mh, fds, &nfds)))
			goto out;
		if (nfds && s->family != AF_UNIX) {
			err = -EINVAL;
			goto out;
		}
	}
	err = do_send(s, f, &u, mh.msg_name ? addr : NULL, mh.msg_name ? mh.msg_namelen : 0, fds, nfds, flags);
out:
	for (int i = 0; i < nfds; i++)
		file_put(fds[i]);
	kfree(fds);
	kfree(u.iov);
	file_put(f);
	return err;
}

long sys_sendmsg(int fd, struct linux_msghdr *umh, int flags) { return sendmsg_one(fd, umh, flags); }

/* Writes the received control messages; installs passed files. */
static long cmsgs_to_user(struct linux_msghdr *mh, struct file **fds, int nfds, struct kmsg *meta, int flags)
{
	uint64_t room = mh->msg_control ? mh->msg_controllen : 0;
	uint64_t used = 0;
	long err = 0;
	int i = 0;
	if (meta->got_creds) {
		uint64_t need = sizeof(struct linux_cmsghdr) + sizeof(struct linux_ucred);
		if (room - used >= need) {
			struct linux_cmsghdr c = { need, SOL_SOCKET, SCM_CREDENTIALS };
			if (copy_to_user((uint8_t *)mh->msg_control + used, &c, sizeof(c)) ||
			    copy_to_user((uint8_t *)mh->msg_control + used + sizeof(c), &meta->creds, sizeof(meta->creds)))
				err = -EFAULT;
			used += CMSG_ALIGN8(need);
		} else {
			mh->msg_flags |= MSG_CTRUNC;
		}
	}
	if (nfds && !err) {
		uint64_t hdr = sizeof(struct linux_cmsghdr);
		int fit = room > used + hdr ? (int)((room - used - hdr) / sizeof(int)) : 0;
		if (fit > nfds)
			fit = nfds;
		if (fit < nfds)
			mh->msg_flags |= MSG_CTRUNC;
		if (fit > 0) {
			int ufds[SCM_MAX_FD];
			for (i = 0; i < fit; i++) {
				int nfd = fdtable_install(fds[i], 0, (flags & MSG_CMSG_CLOEXEC) != 0);
				if (nfd < 0) {
					mh->msg_flags |= MSG_CTRUNC;
					break;
				}
				ufds[i] = nfd;
			}
			if (i > 0) {
				struct linux_cmsghdr c = { hdr + (uint64_t)i * sizeof(int), SOL_SOCKET, SCM_RIGHTS };
				if (copy_to_user((uint8_t *)mh->msg_control + used, &c, sizeof(c)) ||
				    copy_to_user((uint8_t *)mh->msg_control + used + hdr, ufds, (size_t)i * sizeof(int)))
					err = -EFAULT;
				used += CMSG_ALIGN8(c.cmsg_len);
				if (used > room)
					used = room;
			}
		}
	}
	for (; i < nfds; i++)
		file_put(fds[i]);
	mh->msg_controllen = used;
	return err;
}

static long recvmsg_one(int fd, struct linux_msghdr *umh, int flags)
{
	long err;
	struct file *f;
	struct socket *s = sock_lookup(fd, &f, &err);
	if (!s)
		return err;
	struct linux_msghdr mh;
	struct uio u = { 0 };
	struct file **fds = NULL;
	int nfds = 0;
	char addr[SOCKADDR_MAX];
	uint32_t alen = 0;
	struct kmsg meta = { 0 };
	if (copy_from_user(&mh, umh, sizeof(mh))) {
		err = -EFAULT;
		goto out;
	}
	if ((int)mh.msg_namelen < 0) {
		err = -EINVAL;
		goto out;
	}
	if ((err = uio_from_user((void *)mh.msg_iov, mh.msg_iovlen, &u)))
		goto out;
	fds = kmalloc(sizeof(struct file *) * SCM_MAX_FD);
	if (!fds) {
		err = -ENOMEM;
		goto out;
	}
	err = do_recv(s, f, &u, addr, &alen, fds, &nfds, &meta, flags);
	if (err < 0)
		goto out;
	mh.msg_flags = meta.flags;
	long e = cmsgs_to_user(&mh, fds, nfds, &meta, flags);
	nfds = 0;
	if (!e && mh.msg_name) {
		uint32_t n = alen < mh.msg_namelen ? alen : mh.msg_namelen;
		if (n && copy_to_user((void *)mh.msg_name, addr, n))
			e = -EFAULT;
	}
	mh.msg_namelen = mh.msg_name ? alen : 0;
	if (!e && (put_user(mh.msg_namelen, &umh->msg_namelen) || put_user(mh.msg_controllen, &umh->msg_controllen) ||
		   put_user(mh.msg_flags, &umh->msg_flags)))
		e = -EFAULT;
	if (e)
		err = e;
out:
	for (int i = 0; i < nfds; i++)
		file_put(fds[i]);
	kfree(fds);
	kfree(u.iov);
	file_put(f);
	return err;
}

long sys_recvmsg(int fd, struct linux_msghdr *umh, int flags) { return recvmsg_one(fd, umh, flags); }

long sys_sendmmsg(int fd, struct linux_mmsghdr *uvec, unsigned vlen, int flags)
{
	if (vlen > UIO_MAXIOV)
		vlen = UIO_MAXIOV;
	unsigned i;
	long err = 0;
	for (i = 0; i < vlen; i++) {
		err = sendmsg_one(fd, &uvec[i].msg_hdr, flags);
		if (err < 0)
			break;
		if (put_user((uint32_t)err, &uvec[i].msg_len)) {
			err = -EFAULT;
			break;
		}
	}
	return i ? (long)i : err;
}

long sys_recvmmsg(int fd, struct linux_mmsghdr *uvec, unsigned vlen, int flags, void *utimeout)
{
	if (vlen > UIO_MAXIOV)
		vlen = UIO_MAXIOV;
	unsigned i;
	long err = 0;
	for (i = 0; i < vlen; i++) {
		err = recvmsg_one(fd, &uvec[i].msg_hdr, flags & ~MSG_WAITFORONE);
		if (err < 0)
			break;
		if (put_user((uint32_t)err, &uvec[i].msg_len)) {
			err = -EFAULT;
			break;
		}
		if (flags & MSG_WAITFORONE)
			flags |= MSG_DONTWAIT;
	}
	if (i)
		return (long)i;
	return err;
}
