/* UDP: the port table, output (checksummed; DF unset so IPv4 fragments
 * large datagrams), and input: checks, demultiplexing (connected sockets
 * first, then the most specific bound address), ICMP port unreachable for
 * closed ports, and receive-queue limits. */
#include "net/udp.h"
#include "net/ipv4.h"
#include "net/netif.h"
#include "net/pkt.h"
#include "net/inet.h"
#include "net/l4csum.h"
#include "core/random.h"
#include "mm/kmalloc.h"
#include "lib/string.h"
#include "lib/errno.h"

#ifndef POLLIN
#define POLLIN 0x001
#define POLLERR 0x008
#define POLLRDNORM 0x040
#endif

struct udp_stats udp_stats;
static struct udp_pcb *udp_pcbs;

struct udp_pcb *udp_pcb_first(void) { return udp_pcbs; }

struct udp_pcb *udp_pcb_new(void)
{
	struct udp_pcb *u = kzalloc(sizeof(*u));
	if (u) {
		u->ttl = IP_DEFAULT_TTL;
		u->rcvbuf = 212992;
	}
	return u;
}

static bool port_conflict(struct udp_pcb *u, uint32_t addr, uint16_t port)
{
	for (struct udp_pcb *o = udp_pcbs; o; o = o->next) {
		if (o == u || o->lport != port)
			continue;
		if (addr && o->laddr && addr != o->laddr)
			continue;
		if ((u->reuseaddr && o->reuseaddr) || (u->reuseport && o->reuseport))
			continue;
		return true;
	}
	return false;
}

int udp_bind(struct udp_pcb *u, uint32_t addr, uint16_t port)
{
	if (u->lport)
		return -EINVAL;
	if (!port) {
		uint32_t range = 60999 - 32768 + 1, start = (uint32_t)(random_u64() % range);
		for (uint32_t i = 0; i < range && !port; i++) {
			uint16_t p = (uint16_t)(32768 + (start + i) % range);
			if (!port_conflict(u, addr, p))
				port = p;
		}
		if (!port)
			return -EAGAIN;   /* Linux: ephemeral ports exhausted on UDP */
	} else if (port_conflict(u, addr, port)) {
		return -EADDRINUSE;
	}
	u->laddr = addr;
	u->lport = port;
	u->next = udp_pcbs;
	udp_pcbs = u;
	return 0;
}

long udp_send(struct udp_pcb *u, const void *data, size_t len, uint32_t dst, uint16_t dport)
{
	if (len > 65535 - IP_HLEN - UDP_HLEN)
		return -EMSGSIZE;
	if (netif_is_broadcast(dst) && !u->broadcast)
		return -EACCES;
	if (!u->lport) {
		int err = udp_bind(u, 0, 0);
		if (err)
			return err;
	}
	uint32_t src = u->laddr && !((u->laddr >> 24) == 127 && (dst >> 24) != 127) ? u->laddr : ipv4_source_for(dst);
	if (!src && !netif_is_broadcast(dst)) {
		udp_stats.SndbufErrors++;
		return -ENETUNREACH;
	}
	struct pkt *p = pkt_alloc(UDP_HLEN + (uint32_t)len);
	if (!p)
		return -ENOBUFS;
	uint8_t *h = pkt_put(p, UDP_HLEN + (uint32_t)len);
	wr16(h, u->lport);
	wr16(h + 2, dport);
	wr16(h + 4, (uint16_t)(UDP_HLEN + len));
	wr16(h + 6, 0);
	memcpy(h + UDP_HLEN, data, len);
	l4csum_partial(p, h, 6, csum_pseudo(src, dst, IPPROTO_UDP, p->len));
	udp_stats.OutDatagrams++;
	int err = ipv4_output(p, src, dst, IPPROTO_UDP, u->ttl, u->tos, 0);
	return err ? err : (long)len;
}

void udp_close(struct udp_pcb *u)
{
	for (struct udp_pcb **pp = &udp_pcbs; *pp; pp = &(*pp)->next)
		if (*pp == u) {
			*pp = u->next;
			break;
		}
	struct pkt *p = u->rx_head;
	while (p) {
		struct pkt *n = p->next;
		pkt_free(p);
		p = n;
	}
	kfree(u);
}

static int match_score(struct udp_pcb *u, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport)
{
	if (u->lport != dport)
		return -1;
	int score = 0;
	if (u->laddr) {
		if (u->laddr != dst)
			return -1;
		score += 2;
	}
	if (u->connected) {
		if (u->raddr != src || u->rport != sport)
			return -1;
		score += 4;
	}
	return score;
}

static void deliver(struct udp_pcb *u, struct pkt *p)
{
	if (u->rx_bytes + p->len > u->rcvbuf) {
		udp_stats.RcvbufErrors++;
		udp_stats.InErrors++;
		pkt_free(p);
		return;
	}
	p->next = NULL;
	if (u->rx_tail)
		u->rx_tail->next = p;
	else
		u->rx_head = p;
	u->rx_tail = p;
	u->rx_bytes += p->len;
	udp_stats.InDatagrams++;
	udp_notify(u, POLLIN | POLLRDNORM);
}

void udp_input(struct pkt *p, uint32_t src, uint32_t dst, struct netif *nif)
{
	if (p->len < UDP_HLEN)
		goto bad;
	uint8_t *h = p->data;
	uint32_t ulen = rd16(h + 4);
	if (ulen < UDP_HLEN || ulen > p->len)
		goto bad;
	p->len = ulen;
	if (rd16(h + 6) && !p->csum_ok && csum_fold(csum_add(csum_pseudo(src, dst, IPPROTO_UDP, ulen), h, ulen)) != 0) {
		udp_stats.InCsumErrors++;
		goto bad;
	}
	uint16_t sport = rd16(h), dport = rd16(h + 2);
	p->saddr = src;
	p->sport = sport;
	p->daddr = dst;
	p->dport = dport;
	bool bcast = netif_is_broadcast(dst) || (dst >> 28) == 0xe;
	if (bcast) {
		/* Every socket bound to the port gets a copy. */
		bool any = false;
		for (struct udp_pcb *u = udp_pcbs; u; u = u->next) {
			if (match_score(u, src, sport, dst, dport) < 0 && !(u->lport == dport && !u->connected))
				continue;
			struct pkt *c = pkt_alloc(ulen - UDP_HLEN);
			if (!c)
				continue;
			memcpy(pkt_put(c, ulen - UDP_HLEN), h + UDP_HLEN, ulen - UDP_HLEN);
			c->saddr = src;
			c->sport = sport;
			c->daddr = dst;
			c->dport = dport;
			deliver(u, c);
			any = true;
		}
		if (!any)
			udp_stats.NoPorts++;
		pkt_free(p);
		return;
	}
	struct udp_pcb *best = NULL;
	int best_score = -1;
	for (struct udp_pcb *u = udp_pcbs; u; u = u->next) {
		int sc = match_score(u, src, sport, dst, dport);
		if (sc > best_score) {
			best = u;
			best_score = sc;
		}
	}
	if (!best) {
		udp_stats.NoPorts++;
		if (p->nh)
			icmp_send_unreach(p->nh, (uint32_t)(p->data - p->nh) + p->len, 3 /* port unreachable */);
		pkt_free(p);
		return;
	}
	pkt_pull(p, UDP_HLEN);
	deliver(best, p);
	return;
bad:
	udp_stats.InErrors++;
	pkt_free(p);
}

void udp_icmp_error(uint32_t dst, uint16_t sport, uint16_t dport, int err)
{
	/* Linux reports ICMP errors only to connected sockets (udp(7), IP_RECVERR off). */
	for (struct udp_pcb *u = udp_pcbs; u; u = u->next)
		if (u->lport == sport && u->connected && u->raddr == dst && u->rport == dport) {
			u->error = err;
			udp_notify(u, POLLERR);
			return;
		}
}
