/* AF_NETLINK, NETLINK_ROUTE only, and only what getifaddrs(3) and
 * if_nameindex(3) ask: RTM_GETLINK and RTM_GETADDR dumps answered from the
 * interface table (netif.c) with RTM_NEWLINK/RTM_NEWADDR messages and a
 * final NLMSG_DONE; RTM_GETROUTE and other dumps answer an empty dump;
 * anything else an NLMSG_ERROR of EOPNOTSUPP. Replies queue on the socket
 * as datagrams from the kernel (nl_pid 0), as Linux's rtnetlink does. */
#include "net/socket.h"
#include "net/netif.h"
#include "net/pkt.h"
#include "mm/kmalloc.h"
#include "lib/string.h"
#include "lib/errno.h"

#define NETLINK_ROUTE 0
#define NLMSG_NOOP  1
#define NLMSG_ERROR 2
#define NLMSG_DONE  3
#define NLM_F_REQUEST 0x1
#define NLM_F_MULTI   0x2
#define NLM_F_ACK     0x4
#define NLM_F_ROOT    0x100
#define NLM_F_MATCH   0x200
#define NLM_F_DUMP    (NLM_F_ROOT | NLM_F_MATCH)
#define RTM_NEWLINK 16
#define RTM_GETLINK 18
#define RTM_NEWADDR 20
#define RTM_GETADDR 22
#define RTM_GETROUTE 26
#define RTM_GETNEIGH 30
#define RTM_GETRULE 34
#define RTM_GETNETCONF 82
#define IFLA_ADDRESS 1
#define IFLA_BROADCAST 2
#define IFLA_IFNAME 3
#define IFLA_MTU 4
#define IFLA_TXQLEN 13
#define IFLA_OPERSTATE 16
#define IFLA_LINKMODE 17
#define IFLA_STATS 7
#define IFA_ADDRESS 1
#define IFA_LOCAL 2
#define IFA_LABEL 3
#define IFA_BROADCAST 4
#define IFA_FLAGS 8
#define IFA_F_PERMANENT 0x80
#define RT_SCOPE_UNIVERSE 0
#define RT_SCOPE_HOST 254
#define IF_OPER_UNKNOWN 0
#define IF_OPER_UP 6
#define NL_RCVQ_MAX (1 << 20)

struct nlmsghdr { uint32_t len; uint16_t type, flags; uint32_t seq, pid; };
struct ifinfomsg { uint8_t family, pad; uint16_t type; int32_t index; uint32_t flags, change; };
struct ifaddrmsg { uint8_t family, prefixlen, flags, scope; uint32_t index; };
struct rtattr { uint16_t len, type; };
struct nlmsgerr { int32_t error; struct nlmsghdr msg; };
_Static_assert(sizeof(struct nlmsghdr) == 16, "nlmsghdr");
_Static_assert(sizeof(struct ifinfomsg) == 16, "ifinfomsg");
_Static_assert(sizeof(struct ifaddrmsg) == 8, "ifaddrmsg");
_Static_assert(sizeof(struct nlmsgerr) == 20, "nlmsgerr");
#define NLA_ALIGN(n) (((n) + 3u) & ~3u)

struct nl_sock {
	uint32_t portid;
	uint32_t groups;
	bool bound;
	struct pkt *rx_head, *rx_tail;
	uint32_t rx_bytes;
};

static const struct sock_ops netlink_ops;
static uint32_t next_portid = 1;   /* Linux gives the first socket the process's pid (1 here) */

/* A reply under construction: a growing buffer of netlink messages. */
struct nlbuf {
	uint8_t *b;
	uint32_t len, cap;
	bool fail;
};

static void *nb_put(struct nlbuf *nb, uint32_t n)
{
	n = NLA_ALIGN(n);
	if (nb->len + n > nb->cap) {
		uint32_t cap = nb->cap ? nb->cap * 2 : 1024;
		while (cap < nb->len + n)
			cap *= 2;
		uint8_t *nbuf = kmalloc(cap);
		if (!nbuf) {
			nb->fail = true;
			return NULL;
		}
		if (nb->b)
			memcpy(nbuf, nb->b, nb->len);
		kfree(nb->b);
		nb->b = nbuf;
		nb->cap = cap;
	}
	void *p = nb->b + nb->len;
	memset(p, 0, n);
	nb->len += n;
	return p;
}

static uint32_t nb_msg_begin(struct nlbuf *nb, uint16_t type, uint16_t flags, uint32_t seq, uint32_t pid)
{
	uint32_t at = nb->len;
	struct nlmsghdr *h = nb_put(nb, sizeof(*h));
	if (h)
		*h = (struct nlmsghdr){ sizeof(*h), type, flags, seq, pid };
	return at;
}

static void nb_msg_end(struct nlbuf *nb, uint32_t at)
{
	if (!nb->fail)
		((struct nlmsghdr *)(nb->b + at))->len = nb->len - at;
}

static void nb_attr(struct nlbuf *nb, uint16_t type, const void *data, uint16_t len)
{
	struct rtattr *a = nb_put(nb, sizeof(*a) + len);
	if (!a)
		return;
	a->len = (uint16_t)(sizeof(*a) + len);
	a->type = type;
	memcpy(a + 1, data, len);
}

static void nb_attr_u32(struct nlbuf *nb, uint16_t type, uint32_t v) { nb_attr(nb, type, &v, 4); }

static void fill_link(struct nlbuf *nb, struct netif *n, uint32_t seq, uint32_t pid)
{
	uint32_t at = nb_msg_begin(nb, RTM_NEWLINK, NLM_F_MULTI, seq, pid);
	struct ifinfomsg *ifi = nb_put(nb, sizeof(*ifi));
	if (ifi)
		*ifi = (struct ifinfomsg){ AF_UNSPEC, 0, n->type, n->index, n->flags, 0 };
	nb_attr(nb, IFLA_IFNAME, n->name, (uint16_t)(strlen(n->name) + 1));
	nb_attr_u32(nb, IFLA_TXQLEN, n->type == ARPHRD_LOOPBACK ? 1000 : 1000);
	uint8_t oper = (n->flags & IFF_LOOPBACK) ? IF_OPER_UNKNOWN : ((n->flags & IFF_RUNNING) ? IF_OPER_UP : 2);
	nb_attr(nb, IFLA_OPERSTATE, &oper, 1);
	nb_attr_u32(nb, IFLA_MTU, n->mtu);
	nb_attr(nb, IFLA_ADDRESS, n->hwaddr, 6);
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t zero[6] = { 0 };
	nb_attr(nb, IFLA_BROADCAST, n->type == ARPHRD_ETHER ? bcast : zero, 6);
	/* struct rtnl_link_stats: 23 u32 counters (getifaddrs puts them in ifa_data). */
	uint32_t st[23] = { 0 };
	st[0] = (uint32_t)n->stats.rx_packets;
	st[1] = (uint32_t)n->stats.tx_packets;
	st[2] = (uint32_t)n->stats.rx_bytes;
	st[3] = (uint32_t)n->stats.tx_bytes;
	st[4] = (uint32_t)n->stats.rx_errors;
	st[5] = (uint32_t)n->stats.tx_errors;
	st[6] = (uint32_t)n->stats.rx_dropped;
	st[7] = (uint32_t)n->stats.tx_dropped;
	nb_attr(nb, IFLA_STATS, st, sizeof(st));
	nb_msg_end(nb, at);
}

static void fill_addr(struct nlbuf *nb, struct netif *n, uint32_t seq, uint32_t pid)
{
	uint32_t at = nb_msg_begin(nb, RTM_NEWADDR, NLM_F_MULTI, seq, pid);
	struct ifaddrmsg *ifa = nb_put(nb, sizeof(*ifa));
	if (ifa)
		*ifa = (struct ifaddrmsg){ AF_INET, n->prefixlen, IFA_F_PERMANENT,
					   (n->flags & IFF_LOOPBACK) ? RT_SCOPE_HOST : RT_SCOPE_UNIVERSE, (uint32_t)n->index };
	uint32_t a = __builtin_bswap32(n->addr);
	nb_attr(nb, IFA_ADDRESS, &a, 4);
	nb_attr(nb, IFA_LOCAL, &a, 4);
	if (!(n->flags & IFF_LOOPBACK) && n->prefixlen < 31) {
		uint32_t b = __builtin_bswap32(n->addr | ~netif_mask(n));
		nb_attr(nb, IFA_BROADCAST, &b, 4);
	}
	nb_attr(nb, IFA_LABEL, n->name, (uint16_t)(strlen(n->name) + 1));
	nb_attr_u32(nb, IFA_FLAGS, IFA_F_PERMANENT);
	nb_msg_end(nb, at);
}

/* Queues nb's messages as one datagram. Caller holds net_lock. */
static void queue_reply(struct socket *s, struct nlbuf *nb)
{
	struct nl_sock *nl = s->proto;
	if (nb->fail || !nb->len || nl->rx_bytes + nb->len > NL_RCVQ_MAX) {
		/* Linux sets ENOBUFS on the socket when a reply cannot be queued. */
		s->error = ENOBUFS;
		return;
	}
	struct pkt *p = pkt_alloc(nb->len);
	if (!p) {
		s->error = ENOBUFS;
		return;
	}
	memcpy(pkt_put(p, nb->len), nb->b, nb->len);
	if (nl->rx_tail)
		nl->rx_tail->next = p;
	else
		nl->rx_head = p;
	nl->rx_tail = p;
	nl->rx_bytes += p->len;
	waitq_wake_all(&s->wq, POLLIN | POLLRDNORM);
}

static void reply_error(struct socket *s, const struct nlmsghdr *req, int err)
{
	struct nl_sock *nl = s->proto;
	struct nlbuf nb = { 0 };
	uint32_t at = nb_msg_begin(&nb, NLMSG_ERROR, err ? 0 : 0x100 /* NLM_F_CAPPED */, req->seq, nl->portid);
	struct nlmsgerr *e = nb_put(&nb, sizeof(*e));
	if (e) {
		e->error = err;
		e->msg = *req;
	}
	nb_msg_end(&nb, at);
	queue_reply(s, &nb);
	kfree(nb.b);
}

/* Handles one request. Caller holds net_lock. */
static void handle(struct socket *s, const struct nlmsghdr *h, const uint8_t *payload, uint32_t plen)
{
	struct nl_sock *nl = s->proto;
	if (!(h->flags & NLM_F_REQUEST) || h->type < 16)
		return;   /* Linux ignores non-requests and control messages */
	bool dump = (h->flags & NLM_F_DUMP) == NLM_F_DUMP;
	uint8_t family = plen >= 1 ? payload[0] : AF_UNSPEC;
	struct nlbuf nb = { 0 };
	switch (h->type) {
	case RTM_GETLINK:
		if (!dump) {
			reply_error(s, h, -EOPNOTSUPP);
			return;
		}
		for (struct netif *n = netif_list; n; n = n->next)
			fill_link(&nb, n, h->seq, nl->portid);
		break;
	case RTM_GETADDR:
		if (!dump) {
			reply_error(s, h, -EOPNOTSUPP);
			return;
		}
		if (family == AF_UNSPEC || family == AF_INET)
			for (struct netif *n = netif_list; n; n = n->next)
				if (n->addr)
					fill_addr(&nb, n, h->seq, nl->portid);
		break;
	case RTM_GETROUTE: case RTM_GETNEIGH: case RTM_GETRULE: case RTM_GETNETCONF:
		if (!dump) {
			reply_error(s, h, -EOPNOTSUPP);
			return;
		}
		break;
	default:
		reply_error(s, h, -EOPNOTSUPP);
		return;
	}
	if (nb.len)
		queue_reply(s, &nb);
	kfree(nb.b);
	struct nlbuf done = { 0 };
	uint32_t at = nb_msg_begin(&done, NLMSG_DONE, NLM_F_MULTI, h->seq, nl->portid);
	int32_t *zero = nb_put(&done, 4);
	if (zero)
		*zero = 0;
	nb_msg_end(&done, at);
	queue_reply(s, &done);
	kfree(done.b);
}

int netlink_create(struct socket *s)
{
	if (s->type != SOCK_RAW && s->type != SOCK_DGRAM)
		return -ESOCKTNOSUPPORT;
	if (s->protocol != NETLINK_ROUTE)
		return -EPROTONOSUPPORT;
	struct nl_sock *nl = kzalloc(sizeof(*nl));
	if (!nl)
		return -ENOMEM;
	s->proto = nl;
	s->ops = &netlink_ops;
	return 0;
}

static void autobind(struct nl_sock *nl)
{
	if (!nl->bound) {
		nl->portid = next_portid == 1 ? 1 : (uint32_t)-(int32_t)next_portid;
		next_portid++;
		nl->bound = true;
	}
}

static int nl_bind(struct socket *s, const void *addr, uint32_t len)
{
	const struct linux_sockaddr_nl *a = addr;
	if (len < sizeof(*a) || a->nl_family != AF_NETLINK)
		return -EINVAL;
	struct nl_sock *nl = s->proto;
	uint64_t fl = net_lock();
	int err = 0;
	if (nl->bound && a->nl_pid && a->nl_pid != nl->portid)
		err = -EINVAL;
	else if (!nl->bound && a->nl_pid) {
		nl->portid = a->nl_pid;
		nl->bound = true;
	} else
		autobind(nl);
	if (!err)
		nl->groups = a->nl_groups;
	net_unlock(fl);
	return err;
}

static int nl_connect(struct socket *s, const void *addr, uint32_t len)
{
	const struct linux_sockaddr_nl *a = addr;
	if (len < sizeof(a->nl_family))
		return -EINVAL;
	if (a->nl_family == AF_UNSPEC)
		return 0;
	if (len < sizeof(*a) || a->nl_family != AF_NETLINK)
		return -EINVAL;
	uint64_t fl = net_lock();
	autobind(s->proto);
	net_unlock(fl);
	return 0;
}

static int nl_getname(struct socket *s, void *addr, bool peer)
{
	struct nl_sock *nl = s->proto;
	struct linux_sockaddr_nl *a = addr;
	memset(a, 0, sizeof(*a));
	a->nl_family = AF_NETLINK;
	if (!peer) {
		a->nl_pid = nl->portid;
		a->nl_groups = nl->groups;
	}
	return sizeof(*a);
}

static long nl_sendmsg(struct socket *s, struct kmsg *m, int flags)
{
	struct nl_sock *nl = s->proto;
	if (m->addr && m->addrlen) {
		const struct linux_sockaddr_nl *a = m->addr;
		if (m->addrlen < sizeof(*a) || a->nl_family != AF_NETLINK)
			return -EINVAL;
		if (a->nl_pid != 0)
			return -ECONNREFUSED;   /* only the kernel answers here */
	}
	uint64_t fl = net_lock();
	autobind(nl);
	const uint8_t *b = m->buf;
	size_t off = 0;
	while (m->len - off >= sizeof(struct nlmsghdr)) {
		struct nlmsghdr h;
		memcpy(&h, b + off, sizeof(h));
		if (h.len < sizeof(h) || h.len > m->len - off)
			break;   /* Linux stops parsing silently at a bad length */
		handle(s, &h, b + off + sizeof(h), h.len - (uint32_t)sizeof(h));
		off += NLA_ALIGN(h.len);
	}
	net_unlock(fl);
	return (long)m->len;
}

static bool nl_readable(void *arg)
{
	struct socket *s = arg;
	return ((struct nl_sock *)s->proto)->rx_head || (s->shut & RCV_SHUTDOWN);
}

static long nl_recvmsg(struct socket *s, struct kmsg *m, int flags)
{
	struct nl_sock *nl = s->proto;
	for (;;) {
		uint64_t fl = net_lock();
		if (s->error) {
			int e = s->error;
			s->error = 0;
			net_unlock(fl);
			return -e;
		}
		struct pkt *p = nl->rx_head;
		if (p) {
			uint32_t n = p->len < m->len ? p->len : (uint32_t)m->len;
			memcpy(m->buf, p->data, n);
			uint32_t full = p->len;
			if (full > m->len)
				m->flags |= MSG_TRUNC;
			if (!(flags & MSG_PEEK)) {
				nl->rx_head = p->next;
				if (!nl->rx_head)
					nl->rx_tail = NULL;
				nl->rx_bytes -= p->len;
				pkt_free(p);
			}
			net_unlock(fl);
			if (m->addr) {
				struct linux_sockaddr_nl *a = m->addr;
				memset(a, 0, sizeof(*a));
				a->nl_family = AF_NETLINK;
				m->addrlen = sizeof(*a);
			}
			return (flags & MSG_TRUNC) ? (long)full : (long)n;
		}
		net_unlock(fl);
		if (s->shut & RCV_SHUTDOWN)
			return 0;
		int err = socket_wait(s, nl_readable, s, (flags & MSG_DONTWAIT) != 0, false);
		if (err)
			return err;
	}
}

static uint32_t nl_poll(struct socket *s)
{
	struct nl_sock *nl = s->proto;
	return (nl->rx_head ? POLLIN | POLLRDNORM : 0) | POLLOUT | POLLWRNORM | (s->error ? POLLERR : 0);
}

static long nl_nread(struct socket *s)
{
	struct nl_sock *nl = s->proto;
	return nl->rx_head ? nl->rx_head->len : 0;
}

static int nl_shutdown(struct socket *s, int how)
{
	s->shut |= how == SHUT_RD ? RCV_SHUTDOWN : how == SHUT_WR ? SEND_SHUTDOWN : RCV_SHUTDOWN | SEND_SHUTDOWN;
	waitq_wake_all(&s->wq, POLLIN | POLLOUT);
	return 0;
}

static int nl_setsockopt(struct socket *s, int level, int name, const void *val, uint32_t len)
{
	/* NETLINK_ADD_MEMBERSHIP, NETLINK_EXT_ACK, NETLINK_GET_STRICT_CHK...: accepted. */
	return level == SOL_NETLINK ? 0 : -ENOPROTOOPT;
}

static int nl_getsockopt(struct socket *s, int level, int name, void *val, uint32_t *len)
{
	if (level != SOL_NETLINK)
		return -ENOPROTOOPT;
	int v = 0;
	memcpy(val, &v, sizeof(v));
	*len = sizeof(v);
	return 0;
}

static void nl_release(struct socket *s)
{
	struct nl_sock *nl = s->proto;
	uint64_t fl = net_lock();
	struct pkt *p = nl->rx_head;
	nl->rx_head = nl->rx_tail = NULL;
	net_unlock(fl);
	while (p) {
		struct pkt *n = p->next;
		pkt_free(p);
		p = n;
	}
	kfree(nl);
}

static int nl_listen(struct socket *s, int backlog) { return -EOPNOTSUPP; }
static int nl_accept(struct socket *s, struct socket **out, int flags) { return -EOPNOTSUPP; }

static const struct sock_ops netlink_ops = {
	.bind = nl_bind, .connect = nl_connect, .listen = nl_listen, .accept = nl_accept,
	.getname = nl_getname, .sendmsg = nl_sendmsg, .recvmsg = nl_recvmsg, .shutdown = nl_shutdown,
	.setsockopt = nl_setsockopt, .getsockopt = nl_getsockopt, .poll = nl_poll, .nread = nl_nread,
	.release = nl_release,
};
