/* AF_INET sockets: SOCK_STREAM over tcp.c and SOCK_DGRAM over udp.c. This
 * is where blocking happens (the engines never sleep): each call takes
 * net_lock, asks the engine, and waits on the socket's queue when the answer
 * is "not yet". Also the SOL_IP/SOL_TCP options and address checks. */
#include "net/socket.h"
#include "net/tcp.h"
#include "net/udp.h"
#include "net/ipv4.h"
#include "net/netif.h"
#include "net/inet.h"
#include "net/pkt.h"
#include "mm/kmalloc.h"
#include "lib/string.h"
#include "lib/errno.h"
#include "compat/uaccess.h"
#include "core/log.h"

static const struct sock_ops tcp_ops, udp_ops;

void tcp_notify(struct tcp_pcb *pcb, uint32_t events)
{
	struct socket *s = pcb->user;
	if (s)
		waitq_wake_all(&s->wq, events);
}

void udp_notify(struct udp_pcb *u, uint32_t events)
{
	struct socket *s = u->user;
	if (s)
		waitq_wake_all(&s->wq, events);
}

int inet_create(struct socket *s)
{
	switch (s->type) {
	case SOCK_STREAM:
		if (s->protocol != 0 && s->protocol != IPPROTO_TCP)
			return -EPROTONOSUPPORT;
		s->protocol = IPPROTO_TCP;
		{
			struct tcp_pcb *pcb = tcp_pcb_new((uint32_t)s->rcvbuf * 2, (uint32_t)s->sndbuf * 2);
			if (!pcb)
				return -ENOMEM;
			pcb->user = s;
			s->proto = pcb;
		}
		s->ops = &tcp_ops;
		return 0;
	case SOCK_DGRAM:
		if (s->protocol != 0 && s->protocol != IPPROTO_UDP)
			return -EPROTONOSUPPORT;
		s->protocol = IPPROTO_UDP;
		{
			struct udp_pcb *u = udp_pcb_new();
			if (!u)
				return -ENOMEM;
			u->user = s;
			u->rcvbuf = (uint32_t)s->rcvbuf * 2;
			s->proto = u;
		}
		s->ops = &udp_ops;
		return 0;
	case SOCK_RAW:
		return -EPROTONOSUPPORT;
	default:
		return -ESOCKTNOSUPPORT;
	}
}

/* sockaddr_in in: family, port and address in host order. */
static int sin_in(const void *addr, uint32_t len, uint32_t *ip, uint16_t *port, bool allow_unspec)
{
	const struct linux_sockaddr_in *a = addr;
	if (len < sizeof(struct linux_sockaddr_in))
		return -EINVAL;
	if (a->sin_family != AF_INET && !(allow_unspec && a->sin_family == AF_UNSPEC))
		return -EAFNOSUPPORT;
	*ip = ntohl(a->sin_addr);
	*port = ntohs(a->sin_port);
	return 0;
}

static int sin_out(void *addr, uint32_t ip, uint16_t port)
{
	struct linux_sockaddr_in *a = addr;
	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_port = htons(port);
	a->sin_addr = htonl(ip);
	return sizeof(*a);
}

/* --- TCP --- */

static struct tcp_pcb *tpcb(struct socket *s) { return s->proto; }

static int tcp_sock_bind(struct socket *s, const void *addr, uint32_t len)
{
	uint32_t ip;
	uint16_t port;
	/* Linux accepts AF_UNSPEC with INADDR_ANY for compatibility (inet_bind). */
	int err = sin_in(addr, len, &ip, &port, true);
	if (err)
		return err;
	if (((const struct linux_sockaddr_in *)addr)->sin_family == AF_UNSPEC && ip != INADDR_ANY)
		return -EAFNOSUPPORT;
	uint64_t fl = net_lock();
	if (ip && !netif_is_local(ip))
		err = -EADDRNOTAVAIL;
	else
		err = tcp_bind(tpcb(s), ip, port);
	net_unlock(fl);
	return err;
}

static bool connect_done(void *arg)
{
	struct tcp_pcb *pcb = arg;
	return pcb->state != TCP_SYN_SENT && pcb->state != TCP_SYN_RECV;
}

static int tcp_sock_connect(struct socket *s, const void *addr, uint32_t len)
{
	struct tcp_pcb *pcb = tpcb(s);
	uint32_t ip;
	uint16_t port;
	if (len >= 2 && ((const struct linux_sockaddr_in *)addr)->sin_family == AF_UNSPEC) {
		/* Disconnect (connect(2) with AF_UNSPEC): Linux aborts the connection. */
		uint64_t fl = net_lock();
		if (pcb->state != TCP_CLOSE && pcb->state != TCP_LISTEN)
			tcp_abort(pcb);
		net_unlock(fl);
		return 0;
	}
	int err = sin_in(addr, len, &ip, &port, false);
	if (err)
		return err;
	if (ip == INADDR_ANY)
		ip = INADDR_LOOPBACK;   /* Linux connects 0.0.0.0 to the local host */
	bool nonblock = s->file && (s->file->flags & SOCK_NONBLOCK);
	uint64_t fl = net_lock();
	if (pcb->state == TCP_CLOSE && pcb->error && s->connecting) {
		/* A second connect after a failed nonblocking one reports the failure once (Linux). */
		err = -pcb->error;
		pcb->error = 0;
		s->connecting = false;
		net_unlock(fl);
		return err;
	}
	if (netif_is_broadcast(ip) || (ip >> 28) == 0xe)
		err = -ENETUNREACH;
	else
		err = tcp_connect(pcb, ip, port);
	bool pending = !err && pcb->state == TCP_SYN_SENT;
	net_unlock(fl);
	if (err == -EISCONN && s->connecting) {
		/* The first connect after a nonblocking one completed reports success (Linux SS_CONNECTING). */
		s->connecting = false;
		return 0;
	}
	if (err)
		return err;
	if (pending && nonblock) {
		s->connecting = true;
		return -EINPROGRESS;
	}
	err = socket_wait(s, connect_done, pcb, false, true);
	if (err == -EAGAIN)
		return -EINPROGRESS;   /* SO_SNDTIMEO expired: Linux says EINPROGRESS */
	if (err)
		return err;
	fl = net_lock();
	if (pcb->state == TCP_CLOSE) {
		err = pcb->error ? -pcb->error : -ECONNREFUSED;
		pcb->error = 0;
	}
	net_unlock(fl);
	return err;
}

static int tcp_sock_listen(struct socket *s, int backlog)
{
	uint64_t fl = net_lock();
	int err = tcp_listen(tpcb(s), backlog);
	if (!err)
		s->listening = true;
	net_unlock(fl);
	return err;
}

static bool accept_ready(void *arg)
{
	struct tcp_pcb *pcb = arg;
	return pcb->acq_head || pcb->state != TCP_LISTEN;
}

static int tcp_sock_accept(struct socket *s, struct socket **out, int flags)
{
	struct tcp_pcb *pcb = tpcb(s);
	for (;;) {
		uint64_t fl = net_lock();
		if (pcb->state != TCP_LISTEN) {
			net_unlock(fl);
			return -EINVAL;
		}
		if (pcb->acq_head) {
			struct socket *ns = socket_alloc(AF_INET, SOCK_STREAM, IPPROTO_TCP, &tcp_ops);
			if (!ns) {
				net_unlock(fl);
				return -ENOMEM;
			}
			struct tcp_pcb *c = tcp_accept(pcb);
			c->user = ns;
			ns->proto = c;
			ns->keepalive = s->keepalive;
			ns->reuseaddr = s->reuseaddr;
			ns->rcvbuf = s->rcvbuf;
			ns->sndbuf = s->sndbuf;
			ns->linger = s->linger;
			net_unlock(fl);
			*out = ns;
			return 0;
		}
		net_unlock(fl);
		int err = socket_wait(s, accept_ready, pcb, (flags & MSG_DONTWAIT) != 0, false);
		if (err)
			return err;
	}
}

static int tcp_sock_getname(struct socket *s, void *addr, bool peer)
{
	struct tcp_pcb *pcb = tpcb(s);
	uint64_t fl = net_lock();
	int n;
	if (peer) {
		bool connected = pcb->state != TCP_CLOSE && pcb->state != TCP_LISTEN && pcb->state != TCP_SYN_SENT;
		n = connected ? sin_out(addr, pcb->raddr, pcb->rport) : -ENOTCONN;
	} else {
		n = sin_out(addr, pcb->laddr, pcb->lport);
	}
	net_unlock(fl);
	return n;
}

struct tcp_wait { struct socket *s; struct tcp_pcb *pcb; };

static bool tcp_writable(void *arg)
{
	struct tcp_wait *w = arg;
	struct tcp_pcb *pcb = w->pcb;
	if (pcb->error || (w->s->shut & SEND_SHUTDOWN))
		return true;
	if (pcb->state != TCP_ESTABLISHED && pcb->state != TCP_CLOSE_WAIT &&
	    pcb->state != TCP_SYN_SENT && pcb->state != TCP_SYN_RECV)
		return true;
	if (pcb->state == TCP_SYN_SENT || pcb->state == TCP_SYN_RECV)
		return false;
	return tcp_send_space(pcb) > 0;
}

static long tcp_sock_sendmsg(struct socket *s, struct kmsg *m, int flags)
{
	struct tcp_pcb *pcb = tpcb(s);
	bool nonblock = (flags & MSG_DONTWAIT) != 0;
	size_t done = 0;
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	for (;;) {
		uint64_t fl = net_lock();
		long r;
		if (s->shut & SEND_SHUTDOWN)
			r = -EPIPE;
		else if (m->len == 0 && (pcb->state == TCP_ESTABLISHED || pcb->state == TCP_CLOSE_WAIT))
			r = 0;
		else
			r = tcp_send(pcb, (const uint8_t *)m->buf + done, m->len - done, (flags & MSG_MORE) != 0);
		net_unlock(fl);
		if (r >= 0) {
			done += (size_t)r;
			if (done >= m->len)
				return (long)done;
			continue;
		}
		if (r != -EAGAIN) {
			if (done)
				return (long)done;
			if (r == -EPIPE)
				socket_sigpipe(flags);
			return r;
		}
		struct tcp_wait w = { s, pcb };
		int err = socket_wait(s, tcp_writable, &w, nonblock, true);
		if (err)
			return done ? (long)done : err;
	}
}

static bool tcp_readable(void *arg)
{
	struct tcp_wait *w = arg;
	struct tcp_pcb *pcb = w->pcb;
	return pcb->rlen || pcb->fin_rcvd || pcb->error || pcb->state == TCP_CLOSE || pcb->state == TCP_LISTEN ||
	       (w->s->shut & RCV_SHUTDOWN);
}

static long tcp_sock_recvmsg(struct socket *s, struct kmsg *m, int flags)
{
	struct tcp_pcb *pcb = tpcb(s);
	bool nonblock = (flags & MSG_DONTWAIT) != 0;
	bool peek = (flags & MSG_PEEK) != 0;
	size_t done = 0;
	m->addrlen = 0;
	if (flags & MSG_OOB)
		return -EINVAL;   /* no urgent data is ever pending */
	if (m->len == 0)
		return 0;
	for (;;) {
		uint64_t fl = net_lock();
		long r = tcp_recv(pcb, (uint8_t *)m->buf + done, m->len - done, peek);
		net_unlock(fl);
		if (r > 0) {
			done += (size_t)r;
			if (done >= m->len || peek || !(flags & MSG_WAITALL))
				return (long)done;
			continue;
		}
		if (r == 0)
			return (long)done;
		if (r != -EAGAIN)
			return done ? (long)done : r;
		if (s->shut & RCV_SHUTDOWN)
			return (long)done;
		struct tcp_wait w = { s, pcb };
		int err = socket_wait(s, tcp_readable, &w, nonblock, false);
		if (err)
			return done ? (long)done : err;
	}
}

static int shut_mode(int how)
{
	return how == SHUT_RD ? RCV_SHUTDOWN : how == SHUT_WR ? SEND_SHUTDOWN : RCV_SHUTDOWN | SEND_SHUTDOWN;
}

static int tcp_sock_shutdown(struct socket *s, int how)
{
	struct tcp_pcb *pcb = tpcb(s);
	uint64_t fl = net_lock();
	int err = 0;
	if (pcb->state == TCP_CLOSE)
		err = -ENOTCONN;
	s->shut |= shut_mode(how);
	if (!err)
		tcp_shutdown(pcb, how);
	net_unlock(fl);
	waitq_wake_all(&s->wq, POLLIN | POLLOUT | POLLHUP | POLLRDHUP);
	return err;
}

static int ival(const void *val, uint32_t len, int *v)
{
	if (len < sizeof(int)) {
		if (len == 0)
			return -EINVAL;
		/* Linux takes a single byte for a few IP options; treat it as an int's low byte. */
		*v = *(const uint8_t *)val;
		return 0;
	}
	memcpy(v, val, sizeof(int));
	return 0;
}

static const char *ip_option_name(int name)
{
	switch (name) {
	case IP_ADD_MEMBERSHIP: return "IP_ADD_MEMBERSHIP";
	case IP_DROP_MEMBERSHIP: return "IP_DROP_MEMBERSHIP";
	case IP_ADD_SOURCE_MEMBERSHIP: return "IP_ADD_SOURCE_MEMBERSHIP";
	case IP_DROP_SOURCE_MEMBERSHIP: return "IP_DROP_SOURCE_MEMBERSHIP";
	case IP_BLOCK_SOURCE: return "IP_BLOCK_SOURCE";
	case IP_UNBLOCK_SOURCE: return "IP_UNBLOCK_SOURCE";
	case IP_HDRINCL: return "IP_HDRINCL";
	case IP_OPTIONS: return "IP_OPTIONS";
	case IP_MULTICAST_TTL: return "IP_MULTICAST_TTL";
	case IP_MULTICAST_LOOP: return "IP_MULTICAST_LOOP";
	case IP_MULTICAST_IF: return "IP_MULTICAST_IF";
	case IP_MULTICAST_ALL: return "IP_MULTICAST_ALL";
	case IP_RECVERR: return "IP_RECVERR";
	case IP_PKTINFO: return "IP_PKTINFO";
	case IP_RECVTTL: return "IP_RECVTTL";
	case IP_RECVTOS: return "IP_RECVTOS";
	case IP_RECVOPTS: return "IP_RECVOPTS";
	default: return "?";
	}
}

/* One `sockopt` record per option the first time an app sets one we refuse or ignore, so
 * `unipack run` can say which features the app asked for and did not get. */
static void ip_option_note(int name, const char *what)
{
	static uint64_t noted;   /* bit per option number (all < 64) */
	if (name < 0 || name >= 64 || (noted >> name & 1))
		return;
	noted |= 1ull << name;
	krecord("sockopt level=ip name=%s result=%s", ip_option_name(name), what);
}

static int ip_setsockopt(struct socket *s, uint8_t *ttl, uint8_t *tos, int name, const void *val, uint32_t len)
{
	int v;
	switch (name) {
	case IP_TTL:
		if (ival(val, len, &v))
			return -EINVAL;
		if (v == -1)
			v = IP_DEFAULT_TTL;
		if (v < 1 || v > 255)
			return -EINVAL;
		*ttl = (uint8_t)v;
		return 0;
	case IP_TOS:
		if (ival(val, len, &v))
			return -EINVAL;
		*tos = (uint8_t)(v & 0xfc);
		return 0;
	case IP_MTU_DISCOVER: case IP_FREEBIND: case IP_BIND_ADDRESS_NO_PORT:
		/* Hints whose absence an app cannot observe here (one MTU, no address checks to relax). */
		return len ? 0 : -EINVAL;
	case IP_ADD_MEMBERSHIP: case IP_DROP_MEMBERSHIP: case IP_ADD_SOURCE_MEMBERSHIP:
	case IP_DROP_SOURCE_MEMBERSHIP: case IP_BLOCK_SOURCE: case IP_UNBLOCK_SOURCE: case IP_HDRINCL:
		/* No multicast receive and no raw sockets: refused, so the app knows (Linux refuses
		 * IP_HDRINCL off raw sockets the same way). */
		ip_option_note(name, "refused");
		return -ENOPROTOOPT;
	case IP_OPTIONS:
		if (len == 0)
			return 0;   /* clearing them */
		ip_option_note(name, "refused");
		return -ENOPROTOOPT;
	case IP_RECVERR:
		/* glibc's resolver sets it on every DNS socket to hear ICMP errors sooner; without an
		 * error queue it just waits for its timeout. Not worth a note on every app. */
		return len ? 0 : -EINVAL;
	case IP_MULTICAST_TTL: case IP_MULTICAST_LOOP: case IP_MULTICAST_IF: case IP_MULTICAST_ALL:
	case IP_PKTINFO: case IP_RECVTTL: case IP_RECVTOS: case IP_RECVOPTS:
		/* Accepted without effect: no multicast sending, no error queue, no ancillary data on
		 * receive. Turning them on is reported once (an `ignored` record, in the run summary). */
		if (ival(val, len, &v))
			return -EINVAL;
		if (v)
			ip_option_note(name, "ignored");
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

static int ip_getsockopt(uint8_t ttl, uint8_t tos, uint32_t mtu, int name, void *val, uint32_t *len)
{
	int v;
	switch (name) {
	case IP_TTL: v = ttl; break;
	case IP_TOS: v = tos; break;
	case IP_MULTICAST_TTL: v = 1; break;
	case IP_MULTICAST_LOOP: v = 1; break;
	case IP_MTU:
		if (!mtu)
			return -ENOTCONN;
		v = (int)mtu;
		break;
	case IP_RECVERR: case IP_PKTINFO: case IP_FREEBIND: case IP_RECVTTL: case IP_RECVTOS: case IP_HDRINCL:
		v = 0;
		break;
	case IP_MTU_DISCOVER: v = 1; break;   /* IP_PMTUDISC_WANT */
	default:
		return -ENOPROTOOPT;
	}
	memcpy(val, &v, sizeof(v));
	*len = sizeof(v);
	return 0;
}

static int tcp_sock_setsockopt(struct socket *s, int level, int name, const void *val, uint32_t len)
{
	struct tcp_pcb *pcb = tpcb(s);
	int v = 0;
	int err = 0;
	uint64_t fl = net_lock();
	if (level == SOL_IP) {
		err = ip_setsockopt(s, &pcb->ttl, &pcb->tos, name, val, len);
		goto out;
	}
	if (level != SOL_TCP) {
		err = -ENOPROTOOPT;
		goto out;
	}
	if (name == TCP_CONGESTION) {
		/* Only NewReno is implemented; accept the names Linux ships. */
		char cc[16] = { 0 };
		memcpy(cc, val, len < 15 ? len : 15);
		if (strcmp(cc, "reno") && strcmp(cc, "cubic"))
			err = -ENOENT;
		goto out;
	}
	if (len < sizeof(int)) {
		err = -EINVAL;
		goto out;
	}
	memcpy(&v, val, sizeof(int));
	switch (name) {
	case TCP_NODELAY:
		pcb->nodelay = v != 0;
		if (pcb->nodelay)
			tcp_output(pcb);
		break;
	case TCP_CORK:
		pcb->cork = v != 0;
		if (!pcb->cork)
			tcp_output(pcb);
		break;
	case TCP_KEEPIDLE: case TCP_KEEPINTVL:
		if (v < 1 || v > 32767) {
			err = -EINVAL;
			break;
		}
		if (name == TCP_KEEPIDLE)
			pcb->keepidle_ms = (uint32_t)v * 1000;
		else
			pcb->keepintvl_ms = (uint32_t)v * 1000;
		tcp_keepalive_changed(pcb);
		break;
	case TCP_KEEPCNT:
		if (v < 1 || v > 127) {
			err = -EINVAL;
			break;
		}
		pcb->keepcnt = (uint32_t)v;
		break;
	case TCP_MAXSEG:
		if (v && (v < 88 || v > 65535)) {
			err = -EINVAL;
			break;
		}
		pcb->user_mss = (uint32_t)v;
		break;
	case TCP_SYNCNT: case TCP_LINGER2: case TCP_DEFER_ACCEPT: case TCP_WINDOW_CLAMP: case TCP_QUICKACK:
	case TCP_USER_TIMEOUT: case TCP_FASTOPEN: case TCP_FASTOPEN_CONNECT:
		break;
	default:
		err = -ENOPROTOOPT;
	}
out:
	net_unlock(fl);
	return err;
}

/* The start of struct tcp_info (linux/tcp.h) that tools read most. */
struct tcp_info_k {
	uint8_t state, ca_state, retransmits, probes, backoff, options, wscale, flags;
	uint32_t rto, ato, snd_mss, rcv_mss;
	uint32_t unacked, sacked, lost, retrans, fackets;
	uint32_t last_data_sent, last_ack_sent, last_data_recv, last_ack_recv;
	uint32_t pmtu, rcv_ssthresh, rtt, rttvar, snd_ssthresh, snd_cwnd, advmss, reordering;
	uint32_t rcv_rtt, rcv_space, total_retrans;
};
_Static_assert(sizeof(struct tcp_info_k) == 104, "tcp_info prefix");

static int tcp_sock_getsockopt(struct socket *s, int level, int name, void *val, uint32_t *len)
{
	struct tcp_pcb *pcb = tpcb(s);
	int v;
	int err = 0;
	uint64_t fl = net_lock();
	if (level == SOL_SOCKET && name == SO_ERROR) {
		v = pcb->error;
		pcb->error = 0;
		memcpy(val, &v, sizeof(v));
		*len = sizeof(v);
		goto out;
	}
	if (level == SOL_IP) {
		uint32_t mtu = pcb->state == TCP_CLOSE || pcb->state == TCP_LISTEN ? 0 : ipv4_mtu_for(pcb->raddr);
		err = ip_getsockopt(pcb->ttl, pcb->tos, mtu, name, val, len);
		goto out;
	}
	if (level != SOL_TCP) {
		err = -EOPNOTSUPP;   /* ip_getsockopt's answer for a foreign level */
		goto out;
	}
	switch (name) {
	case TCP_NODELAY: v = pcb->nodelay; break;
	case TCP_CORK: v = pcb->cork; break;
	case TCP_KEEPIDLE: v = (int)(pcb->keepidle_ms / 1000); break;
	case TCP_KEEPINTVL: v = (int)(pcb->keepintvl_ms / 1000); break;
	case TCP_KEEPCNT: v = (int)pcb->keepcnt; break;
	case TCP_MAXSEG:
		v = pcb->state == TCP_CLOSE || pcb->state == TCP_LISTEN ? (pcb->user_mss ? (int)pcb->user_mss : TCP_DEFAULT_MSS)
									  : (int)pcb->mss;
		break;
	case TCP_SYNCNT: v = TCP_SYN_RETRIES; break;
	case TCP_LINGER2: v = TCP_FIN_TIMEOUT / 1000; break;
	case TCP_DEFER_ACCEPT: case TCP_QUICKACK: case TCP_USER_TIMEOUT: case TCP_FASTOPEN: v = 0; break;
	case TCP_WINDOW_CLAMP: v = (int)(pcb->rcap ? pcb->rcap : pcb->rcvbuf_size); break;
	case TCP_CONGESTION:
		memcpy(val, "reno\0\0\0\0\0\0\0\0\0\0\0", 16);
		*len = 16;
		goto out;
	case TCP_INFO: {
		struct tcp_info_k ti;
		memset(&ti, 0, sizeof(ti));
		ti.state = (uint8_t)pcb->state;
		ti.ca_state = pcb->in_recovery ? 3 : 0;
		ti.retransmits = (uint8_t)pcb->retries;
		ti.options = (uint8_t)((pcb->ts_ok ? 1 : 0) | (pcb->ws_ok ? 4 : 0));
		ti.wscale = (uint8_t)(pcb->snd_wscale | (pcb->rcv_wscale << 4));
		ti.rto = pcb->rto * 1000;
		ti.ato = TCP_DELACK_MS * 1000;
		ti.snd_mss = pcb->mss;
		ti.rcv_mss = pcb->rcv_mss;
		ti.unacked = pcb->snd_max - pcb->snd_una;
		ti.pmtu = ipv4_mtu_for(pcb->raddr);
		ti.rtt = pcb->srtt_us;
		ti.rttvar = pcb->rttvar_us;
		ti.snd_ssthresh = pcb->ssthresh;
		ti.snd_cwnd = pcb->mss ? pcb->cwnd / pcb->mss : 0;
		ti.advmss = pcb->rcv_mss;
		ti.reordering = 3;
		uint32_t n = *len < sizeof(ti) ? *len : (uint32_t)sizeof(ti);
		memcpy(val, &ti, sizeof(ti));
		*len = n;
		goto out;
	}
	default:
		err = -ENOPROTOOPT;
		goto out;
	}
	memcpy(val, &v, sizeof(v));
	*len = sizeof(v);
out:
	net_unlock(fl);
	return err;
}

static void tcp_sock_sockopt_changed(struct socket *s, int name)
{
	struct tcp_pcb *pcb = tpcb(s);
	uint64_t fl = net_lock();
	switch (name) {
	case SO_KEEPALIVE:
		pcb->keepalive = s->keepalive;
		tcp_keepalive_changed(pcb);
		break;
	case SO_REUSEADDR: pcb->reuseaddr = s->reuseaddr; break;
	case SO_REUSEPORT: pcb->reuseport = s->reuseport; break;
	case SO_RCVBUF: case SO_SNDBUF: case SO_RCVBUFFORCE: case SO_SNDBUFFORCE:
		tcp_set_bufsizes(pcb, (uint32_t)s->rcvbuf * 2, (uint32_t)s->sndbuf * 2);
		break;
	}
	net_unlock(fl);
}

static uint32_t tcp_sock_poll(struct socket *s)
{
	uint32_t ev = tcp_poll(tpcb(s));
	if (s->shut & RCV_SHUTDOWN)
		ev |= POLLIN | POLLRDNORM | POLLRDHUP;
	if (s->shut == (RCV_SHUTDOWN | SEND_SHUTDOWN))
		ev |= POLLHUP;
	return ev;
}

static long tcp_sock_nread(struct socket *s)
{
	struct tcp_pcb *pcb = tpcb(s);
	if (pcb->state == TCP_LISTEN)
		return -EINVAL;
	return tcp_readable_bytes(pcb);
}

#define SIOCOUTQ 0x5411
#define SIOCOUTQNSD 0x894b
#define SIOCGIFNAME 0x8910
#define SIOCGIFCONF 0x8912
#define SIOCGIFFLAGS 0x8913
#define SIOCGIFADDR 0x8915
#define SIOCGIFBRDADDR 0x8919
#define SIOCGIFNETMASK 0x891b
#define SIOCGIFMTU 0x8921
#define SIOCGIFHWADDR 0x8927
#define SIOCGIFINDEX 0x8933

struct ifreq_k { char name[16]; union { struct linux_sockaddr_in sin; struct linux_sockaddr sa; int16_t flags; int32_t ival; uint8_t pad[24]; } u; };
_Static_assert(sizeof(struct ifreq_k) == 40, "struct ifreq");
struct ifconf_k { int32_t len; uint32_t pad; uint64_t buf; };

/* The interface ioctls of netdevice(7) that old code and if_nametoindex(3)
 * still use; any socket answers them (Linux sock_ioctl -> dev_ioctl). */
long netdev_ioctl(unsigned long req, uint64_t arg)
{
	if (req == SIOCGIFCONF) {
		struct ifconf_k ic;
		if (copy_from_user(&ic, (void *)arg, sizeof(ic)))
			return -EFAULT;
		struct ifreq_k r[8];
		int n = 0;
		uint64_t fl = net_lock();
		for (struct netif *nif = netif_list; nif && n < 8; nif = nif->next) {
			if (!nif->addr || !(nif->flags & IFF_UP))
				continue;
			memset(&r[n], 0, sizeof(r[n]));
			strlcpy(r[n].name, nif->name, sizeof(r[n].name));
			sin_out(&r[n].u.sin, nif->addr, 0);
			n++;
		}
		net_unlock(fl);
		int32_t bytes = n * (int32_t)sizeof(struct ifreq_k);
		if (ic.buf) {
			int32_t fit = ic.len < 0 ? 0 : ic.len / (int32_t)sizeof(struct ifreq_k);
			if (fit < n)
				n = fit;
			bytes = n * (int32_t)sizeof(struct ifreq_k);
			if (bytes && copy_to_user((void *)ic.buf, r, (size_t)bytes))
				return -EFAULT;
		}
		ic.len = bytes;
		return copy_to_user((void *)arg, &ic, sizeof(ic)) ? -EFAULT : 0;
	}
	if (req < SIOCGIFNAME || req > SIOCGIFINDEX)
		return -ENOTTY;
	struct ifreq_k r;
	if (copy_from_user(&r, (void *)arg, sizeof(r)))
		return -EFAULT;
	r.name[15] = 0;
	long err = 0;
	uint64_t fl = net_lock();
	struct netif *nif = NULL;
	if (req == SIOCGIFNAME)
		nif = netif_by_index(r.u.ival);
	else
		for (struct netif *n = netif_list; n; n = n->next)
			if (!strcmp(n->name, r.name))
				nif = n;
	if (!nif) {
		err = -ENODEV;
		goto out;
	}
	switch (req) {
	case SIOCGIFNAME: strlcpy(r.name, nif->name, sizeof(r.name)); break;
	case SIOCGIFFLAGS: r.u.flags = (int16_t)nif->flags; break;
	case SIOCGIFADDR:
		if (!nif->addr) {
			err = -EADDRNOTAVAIL;
			break;
		}
		sin_out(&r.u.sin, nif->addr, 0);
		break;
	case SIOCGIFBRDADDR: sin_out(&r.u.sin, nif == netif_lo ? 0 : nif->addr | ~netif_mask(nif), 0); break;
	case SIOCGIFNETMASK: sin_out(&r.u.sin, netif_mask(nif), 0); break;
	case SIOCGIFMTU: r.u.ival = (int32_t)nif->mtu; break;
	case SIOCGIFINDEX: r.u.ival = nif->index; break;
	case SIOCGIFHWADDR:
		memset(&r.u.sa, 0, sizeof(r.u.sa));
		r.u.sa.sa_family = nif->type;
		memcpy(r.u.sa.sa_data, nif->hwaddr, 6);
		break;
	default:
		err = -ENOTTY;
	}
out:
	net_unlock(fl);
	if (!err && copy_to_user((void *)arg, &r, sizeof(r)))
		err = -EFAULT;
	return err;
}

static long tcp_sock_ioctl(struct socket *s, unsigned long req, uint64_t arg);

static void tcp_sock_release(struct socket *s)
{
	struct tcp_pcb *pcb = tpcb(s);
	uint64_t fl = net_lock();
	pcb->linger0 = s->linger.l_onoff && s->linger.l_linger == 0;
	tcp_close(pcb);
	net_unlock(fl);
}

static const struct sock_ops tcp_ops = {
	.bind = tcp_sock_bind, .connect = tcp_sock_connect, .listen = tcp_sock_listen, .accept = tcp_sock_accept,
	.getname = tcp_sock_getname, .sendmsg = tcp_sock_sendmsg, .recvmsg = tcp_sock_recvmsg,
	.shutdown = tcp_sock_shutdown, .setsockopt = tcp_sock_setsockopt, .getsockopt = tcp_sock_getsockopt,
	.sockopt_changed = tcp_sock_sockopt_changed, .poll = tcp_sock_poll, .nread = tcp_sock_nread,
	.ioctl = tcp_sock_ioctl, .release = tcp_sock_release,
};

/* --- UDP --- */

static struct udp_pcb *upcb(struct socket *s) { return s->proto; }

static int udp_sock_bind(struct socket *s, const void *addr, uint32_t len)
{
	uint32_t ip;
	uint16_t port;
	int err = sin_in(addr, len, &ip, &port, true);
	if (err)
		return err;
	uint64_t fl = net_lock();
	if (ip && !netif_is_local(ip) && !netif_is_broadcast(ip) && (ip >> 28) != 0xe)
		err = -EADDRNOTAVAIL;
	else
		err = udp_bind(upcb(s), ip, port);
	net_unlock(fl);
	return err;
}

static int udp_sock_connect(struct socket *s, const void *addr, uint32_t len)
{
	struct udp_pcb *u = upcb(s);
	if (len >= 2 && ((const struct linux_sockaddr_in *)addr)->sin_family == AF_UNSPEC) {
		uint64_t fl = net_lock();
		u->connected = false;
		u->raddr = 0;
		u->rport = 0;
		net_unlock(fl);
		return 0;
	}
	uint32_t ip;
	uint16_t port;
	int err = sin_in(addr, len, &ip, &port, false);
	if (err)
		return err;
	if (ip == INADDR_ANY)
		ip = INADDR_LOOPBACK;
	uint64_t fl = net_lock();
	uint32_t src = ipv4_source_for(ip);
	if (!src && !netif_is_broadcast(ip))
		err = -ENETUNREACH;
	else if (netif_is_broadcast(ip) && !u->broadcast)
		err = -EACCES;
	else {
		if (!u->lport)
			err = udp_bind(u, 0, 0);
		if (!err) {
			if (!u->laddr)
				u->laddr = src;
			u->raddr = ip;
			u->rport = port;
			u->connected = true;
			u->error = 0;
		}
	}
	net_unlock(fl);
	return err;
}

static int udp_sock_getname(struct socket *s, void *addr, bool peer)
{
	struct udp_pcb *u = upcb(s);
	uint64_t fl = net_lock();
	int n = peer ? (u->connected ? sin_out(addr, u->raddr, u->rport) : -ENOTCONN) : sin_out(addr, u->laddr, u->lport);
	net_unlock(fl);
	return n;
}

static long udp_sock_sendmsg(struct socket *s, struct kmsg *m, int flags)
{
	struct udp_pcb *u = upcb(s);
	uint32_t ip;
	uint16_t port;
	uint64_t fl;
	long r;
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (m->addr && m->addrlen) {
		int err = sin_in(m->addr, m->addrlen, &ip, &port, false);
		if (err)
			return err;
		if (port == 0)
			return -EINVAL;
		if (ip == INADDR_ANY)
			ip = INADDR_LOOPBACK;
		fl = net_lock();
	} else {
		fl = net_lock();
		if (!u->connected) {
			net_unlock(fl);
			return -EDESTADDRREQ;
		}
		if (u->error) {
			r = -u->error;
			u->error = 0;
			net_unlock(fl);
			return r;
		}
		ip = u->raddr;
		port = u->rport;
	}
	if (s->shut & SEND_SHUTDOWN)
		r = -EPIPE;
	else
		r = udp_send(u, m->buf, m->len, ip, port);
	net_unlock(fl);
	if (r == -EPIPE)
		socket_sigpipe(flags);
	return r;
}

static bool udp_readable(void *arg)
{
	struct socket *s = arg;
	struct udp_pcb *u = s->proto;
	return u->rx_head || u->error || (s->shut & RCV_SHUTDOWN);
}

static long udp_sock_recvmsg(struct socket *s, struct kmsg *m, int flags)
{
	struct udp_pcb *u = upcb(s);
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	for (;;) {
		uint64_t fl = net_lock();
		struct pkt *p = u->rx_head;
		if (p) {
			uint32_t n = p->len < m->len ? p->len : (uint32_t)m->len;
			memcpy(m->buf, p->data, n);
			uint32_t full = p->len;
			if (full > m->len)
				m->flags |= MSG_TRUNC;
			if (m->addr)
				m->addrlen = (uint32_t)sin_out(m->addr, p->saddr, p->sport);
			if (!(flags & MSG_PEEK)) {
				u->rx_head = p->next;
				if (!u->rx_head)
					u->rx_tail = NULL;
				u->rx_bytes -= p->len;
				pkt_free(p);
			}
			net_unlock(fl);
			return (flags & MSG_TRUNC) ? (long)full : (long)n;
		}
		if (u->error) {
			int e = u->error;
			u->error = 0;
			net_unlock(fl);
			return -e;
		}
		net_unlock(fl);
		if (s->shut & RCV_SHUTDOWN)
			return 0;
		int err = socket_wait(s, udp_readable, s, (flags & MSG_DONTWAIT) != 0, false);
		if (err)
			return err;
	}
}

static int udp_sock_shutdown(struct socket *s, int how)
{
	struct udp_pcb *u = upcb(s);
	uint64_t fl = net_lock();
	/* inet_shutdown: an unconnected socket says ENOTCONN but is shut down anyway. */
	int err = u->connected ? 0 : -ENOTCONN;
	s->shut |= shut_mode(how);
	net_unlock(fl);
	waitq_wake_all(&s->wq, POLLIN | POLLOUT | POLLHUP);
	return err;
}

static int udp_sock_setsockopt(struct socket *s, int level, int name, const void *val, uint32_t len)
{
	struct udp_pcb *u = upcb(s);
	if (level == SOL_UDP)
		return 0;   /* UDP_CORK, UDP_SEGMENT...: accepted */
	if (level != SOL_IP)
		return -ENOPROTOOPT;
	uint64_t fl = net_lock();
	int err = ip_setsockopt(s, &u->ttl, &u->tos, name, val, len);
	net_unlock(fl);
	return err;
}

static int udp_sock_getsockopt(struct socket *s, int level, int name, void *val, uint32_t *len)
{
	struct udp_pcb *u = upcb(s);
	if (level == SOL_SOCKET && name == SO_ERROR) {
		uint64_t fl = net_lock();
		int v = u->error;
		u->error = 0;
		net_unlock(fl);
		memcpy(val, &v, sizeof(v));
		*len = sizeof(v);
		return 0;
	}
	if (level != SOL_IP)
		return -EOPNOTSUPP;
	uint64_t fl = net_lock();
	int err = ip_getsockopt(u->ttl, u->tos, u->connected ? ipv4_mtu_for(u->raddr) : 0, name, val, len);
	net_unlock(fl);
	return err;
}

static void udp_sock_sockopt_changed(struct socket *s, int name)
{
	struct udp_pcb *u = upcb(s);
	uint64_t fl = net_lock();
	u->reuseaddr = s->reuseaddr;
	u->reuseport = s->reuseport;
	u->broadcast = s->broadcast;
	u->rcvbuf = (uint32_t)s->rcvbuf * 2;
	net_unlock(fl);
}

static uint32_t udp_sock_poll(struct socket *s)
{
	struct udp_pcb *u = upcb(s);
	uint32_t ev = POLLOUT | POLLWRNORM;
	if (u->rx_head)
		ev |= POLLIN | POLLRDNORM;
	if (u->error)
		ev |= POLLERR;
	if (s->shut & RCV_SHUTDOWN)
		ev |= POLLIN | POLLRDNORM | POLLRDHUP;
	if (s->shut == (RCV_SHUTDOWN | SEND_SHUTDOWN))
		ev |= POLLHUP;
	return ev;
}

static long udp_sock_nread(struct socket *s)
{
	struct udp_pcb *u = upcb(s);
	return u->rx_head ? u->rx_head->len : 0;   /* Linux: the next datagram's payload size */
}

static void udp_sock_release(struct socket *s)
{
	uint64_t fl = net_lock();
	udp_close(upcb(s));
	net_unlock(fl);
}

static int no_listen(struct socket *s, int backlog) { return -EOPNOTSUPP; }
static int no_accept(struct socket *s, struct socket **out, int flags) { return -EOPNOTSUPP; }

static long tcp_sock_ioctl(struct socket *s, unsigned long req, uint64_t arg)
{
	if (req == SIOCOUTQ || req == SIOCOUTQNSD) {
		struct tcp_pcb *pcb = tpcb(s);
		if (pcb->state == TCP_LISTEN)
			return -EINVAL;
		int v = (int)(req == SIOCOUTQ ? pcb->slen : pcb->slen - (pcb->snd_nxt - pcb->snd_buf_seq));
		return copy_to_user((void *)arg, &v, sizeof(v)) ? -EFAULT : 0;
	}
	return -ENOTTY;
}

static long udp_sock_ioctl(struct socket *s, unsigned long req, uint64_t arg)
{
	return -ENOTTY;
}

static const struct sock_ops udp_ops = {
	.bind = udp_sock_bind, .connect = udp_sock_connect, .listen = no_listen, .accept = no_accept,
	.getname = udp_sock_getname, .sendmsg = udp_sock_sendmsg, .recvmsg = udp_sock_recvmsg,
	.shutdown = udp_sock_shutdown, .setsockopt = udp_sock_setsockopt, .getsockopt = udp_sock_getsockopt,
	.sockopt_changed = udp_sock_sockopt_changed, .poll = udp_sock_poll, .nread = udp_sock_nread,
	.ioctl = udp_sock_ioctl, .release = udp_sock_release,
};
