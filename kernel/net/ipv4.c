/* IPv4 input and output (RFC 791, RFC 1122 host requirements): header
 * checks, local delivery only (no forwarding), fragmentation when a route's
 * MTU is smaller than the packet, reassembly with a 30 s timeout and bounds
 * on what a peer can make us hold. */
#include "net/ipv4.h"
#include "net/netif.h"
#include "net/pkt.h"
#include "net/inet.h"
#include "net/l4csum.h"
#include "lib/string.h"
#include "lib/errno.h"

struct ip_stats ip_stats;
static uint16_t ip_id;

#define REASM_TIMEOUT_MS 30000
#define REASM_MAX 16          /* datagrams in reassembly at once */
#define REASM_MAX_FRAGS 64    /* fragments per datagram */

struct reasm {
	bool used;
	uint32_t src, dst;
	uint16_t id;
	uint8_t proto;
	uint32_t total;           /* payload length, known once the last fragment came; 0 = unknown */
	uint64_t deadline;
	int nfrags;
	struct pkt *frags;        /* each: data = payload, seq = byte offset */
	uint8_t hdr[60];          /* the first fragment's header */
	uint32_t hlen;
};
static struct reasm reasm[REASM_MAX];

uint32_t ipv4_source_for(uint32_t dst)
{
	uint32_t nh;
	struct netif *n = route_lookup(dst, &nh);
	if (!n)
		return 0;
	if (n == netif_lo)
		return (dst >> 24) == 127 ? INADDR_LOOPBACK : dst;
	return n->addr;
}

/* An IPv4 packet is at most 65535 bytes (tot_len is 16 bits), even on lo's 65536-byte MTU. */
uint32_t ipv4_mtu_for(uint32_t dst)
{
	uint32_t nh;
	struct netif *n = route_lookup(dst, &nh);
	if (!n)
		return 0;
	return n->mtu > 65535 ? 65535 : n->mtu;
}

uint32_t ipv4_tso_max_for(uint32_t dst)
{
	uint32_t nh;
	struct netif *n = route_lookup(dst, &nh);
	return n && (n->offload & NETIF_TSO) ? 65535 - IP_HLEN : 0;
}

static void build_header(uint8_t *h, uint32_t tot, uint16_t id, uint16_t frag, uint8_t ttl, uint8_t tos,
			 uint8_t proto, uint32_t src, uint32_t dst)
{
	h[0] = 0x45;
	h[1] = tos;
	wr16(h + 2, (uint16_t)tot);
	wr16(h + 4, id);
	wr16(h + 6, frag);
	h[8] = ttl;
	h[9] = proto;
	wr16(h + 10, 0);
	wr32(h + 12, src);
	wr32(h + 16, dst);
	wr16(h + 10, csum_fold(csum_add(0, h, IP_HLEN)));
}

int ipv4_output(struct pkt *p, uint32_t src, uint32_t dst, uint8_t proto, uint8_t ttl, uint8_t tos, int df)
{
	uint32_t nh;
	ip_stats.OutRequests++;
	struct netif *n = route_lookup(dst, &nh);
	if (!n) {
		ip_stats.OutNoRoutes++;
		pkt_free(p);
		return -ENETUNREACH;
	}
	if (!src)
		src = ipv4_source_for(dst);
	if (p->len > 65535 - IP_HLEN) {
		ip_stats.OutDiscards++;
		pkt_free(p);
		return -EMSGSIZE;
	}
	uint16_t id = ip_id++;
	if (p->gso_size && p->len + IP_HLEN <= n->mtu)
		p->gso_size = 0;   /* small enough to go as it is */
	if (p->gso_size && !(n->offload & NETIF_TSO)) {
		/* TCP asked for TSO on a route whose interface cannot: never happens while routes stay put. */
		ip_stats.OutDiscards++;
		pkt_free(p);
		return -EMSGSIZE;
	}
	bool fits = p->gso_size || p->len + IP_HLEN <= n->mtu;   /* with gso_size the NIC cuts it */
	if (p->csum_start) {
		if (n->offload & NETIF_CSUM_TRUSTED) {
			p->csum_ok = true;
			p->csum_start = NULL;
		} else if (!(n->offload & NETIF_CSUM_TX_TCP) || proto != IPPROTO_TCP || !fits) {
			l4csum_finish(p, proto);
		}
	}
	if (fits) {
		uint8_t *h = pkt_push(p, IP_HLEN);
		build_header(h, p->len, id, df ? IP_DF : 0, ttl, tos, proto, src, dst);
		return n->output(n, p, nh);
	}
	if (df) {
		ip_stats.FragFails++;
		pkt_free(p);
		return -EMSGSIZE;
	}
	uint32_t per = ((n->mtu - IP_HLEN) / 8) * 8;
	int err = 0;
	for (uint32_t off = 0; off < p->len; off += per) {
		uint32_t len = p->len - off < per ? p->len - off : per;
		struct pkt *f = pkt_alloc(len);
		if (!f) {
			err = -ENOBUFS;
			break;
		}
		memcpy(pkt_put(f, len), p->data + off, len);
		uint16_t frag = (uint16_t)(off / 8) | (off + len < p->len ? IP_MF : 0);
		uint8_t *fh = pkt_push(f, IP_HLEN);
		build_header(fh, f->len, id, frag, ttl, tos, proto, src, dst);
		ip_stats.FragCreates++;
		err = n->output(n, f, nh);
		if (err)
			break;
	}
	if (err)
		ip_stats.FragFails++;
	else
		ip_stats.FragOKs++;
	pkt_free(p);
	return err;
}

static void reasm_free(struct reasm *r)
{
	struct pkt *f = r->frags;
	while (f) {
		struct pkt *n = f->next;
		pkt_free(f);
		f = n;
	}
	memset(r, 0, sizeof(*r));
}

/* Adds a fragment; returns the whole datagram (data at the IP header) when complete. */
static struct pkt *reassemble(struct pkt *p, const uint8_t *h, uint32_t hlen)
{
	uint32_t src = rd32(h + 12), dst = rd32(h + 16);
	uint16_t id = rd16(h + 4), frag = rd16(h + 6);
	uint8_t proto = h[9];
	uint32_t off = (uint32_t)(frag & 0x1fff) * 8;
	bool more = (frag & IP_MF) != 0;
	ip_stats.ReasmReqds++;
	pkt_pull(p, hlen);
	if (off + p->len > 65535 - hlen || (more && (p->len == 0 || (p->len & 7)))) {
		ip_stats.ReasmFails++;
		pkt_free(p);
		return NULL;
	}
	struct reasm *r = NULL, *free_slot = NULL;
	for (int i = 0; i < REASM_MAX; i++) {
		if (reasm[i].used && reasm[i].src == src && reasm[i].dst == dst && reasm[i].id == id &&
		    reasm[i].proto == proto)
			r = &reasm[i];
		else if (!reasm[i].used && !free_slot)
			free_slot = &reasm[i];
	}
	if (!r) {
		if (!free_slot) {
			ip_stats.ReasmFails++;
			pkt_free(p);
			return NULL;
		}
		r = free_slot;
		r->used = true;
		r->src = src;
		r->dst = dst;
		r->id = id;
		r->proto = proto;
		r->deadline = net_now_ms() + REASM_TIMEOUT_MS;
		net_timer_request(r->deadline);
	}
	if (r->nfrags >= REASM_MAX_FRAGS || (!more && r->total && r->total != off + p->len) ||
	    (r->total && off + p->len > r->total)) {
		ip_stats.ReasmFails++;
		pkt_free(p);
		reasm_free(r);
		return NULL;
	}
	if (!more)
		r->total = off + p->len;
	if (off == 0) {
		memcpy(r->hdr, h, hlen);
		r->hlen = hlen;
	}
	p->seq = off;
	/* Sorted by offset. */
	struct pkt **pp = &r->frags;
	while (*pp && (*pp)->seq <= off)
		pp = &(*pp)->next;
	p->next = *pp;
	*pp = p;
	r->nfrags++;
	if (!r->total || !r->hlen)
		return NULL;
	uint32_t covered = 0;
	for (struct pkt *f = r->frags; f; f = f->next) {
		if (f->seq > covered)
			return NULL;
		if (f->seq + f->len > covered)
			covered = f->seq + f->len;
	}
	if (covered < r->total)
		return NULL;
	struct pkt *whole = pkt_alloc(r->hlen + r->total);
	if (!whole) {
		ip_stats.ReasmFails++;
		reasm_free(r);
		return NULL;
	}
	uint8_t *d = pkt_put(whole, r->hlen + r->total);
	memcpy(d, r->hdr, r->hlen);
	for (struct pkt *f = r->frags; f; f = f->next)
		memcpy(d + r->hlen + f->seq, f->data, f->len);
	wr16(d + 2, (uint16_t)(r->hlen + r->total));
	wr16(d + 6, 0);
	ip_stats.ReasmOKs++;
	reasm_free(r);
	return whole;
}

uint64_t ipv4_timers(uint64_t now)
{
	uint64_t next = 0;
	for (int i = 0; i < REASM_MAX; i++) {
		if (!reasm[i].used)
			continue;
		if (reasm[i].deadline <= now) {
			ip_stats.ReasmTimeout++;
			ip_stats.ReasmFails++;
			reasm_free(&reasm[i]);
		} else if (!next || reasm[i].deadline < next) {
			next = reasm[i].deadline;
		}
	}
	return next;
}

void ipv4_input(struct netif *nif, struct pkt *p)
{
	ip_stats.InReceives++;
	p->ifindex = nif->index;
	if (p->len < IP_HLEN)
		goto hdr_error;
	const uint8_t *h = p->data;
	uint32_t hlen = (uint32_t)(h[0] & 0xf) * 4;
	uint32_t tot = rd16(h + 2);
	if ((h[0] >> 4) != 4 || hlen < IP_HLEN || hlen > p->len || tot < hlen || tot > p->len)
		goto hdr_error;
	if (csum_fold(csum_add(0, h, hlen)) != 0)
		goto hdr_error;
	p->len = tot;   /* drop link-layer padding */
	uint32_t src = rd32(h + 12), dst = rd32(h + 16);
	if (!netif_is_local(dst) && !netif_is_broadcast(dst) && (dst >> 28) != 0xe) {
		ip_stats.InAddrErrors++;
		pkt_free(p);
		return;
	}
	if ((src >> 28) == 0xe || src == INADDR_BROADCAST) {
		ip_stats.InAddrErrors++;
		pkt_free(p);
		return;
	}
	if (rd16(h + 6) & (IP_MF | 0x1fff)) {
		p = reassemble(p, h, hlen);
		if (!p)
			return;
		h = p->data;
	}
	uint8_t proto = h[9];
	p->nh = p->data;
	p->saddr = src;
	p->daddr = dst;
	switch (proto) {
	case IPPROTO_TCP:
		ip_stats.InDelivers++;
		pkt_pull(p, hlen);
		tcp_input(p, src, dst);
		return;
	case IPPROTO_UDP:
		ip_stats.InDelivers++;
		pkt_pull(p, hlen);
		udp_input(p, src, dst, nif);
		return;
	case IPPROTO_ICMP:
		ip_stats.InDelivers++;
		pkt_pull(p, hlen);
		icmp_input(p, src, dst, nif);
		return;
	default:
		ip_stats.InUnknownProtos++;
		if (!netif_is_broadcast(dst))
			icmp_send_unreach(p->data, p->len, 2 /* protocol unreachable */);
		pkt_free(p);
		return;
	}
hdr_error:
	ip_stats.InHdrErrors++;
	pkt_free(p);
}
