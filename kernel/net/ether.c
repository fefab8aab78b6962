#include "net/ether.h"
#include "net/netif.h"
#include "net/ipv4.h"
#include "net/inet.h"
#include "net/pkt.h"
#include "net/socket.h"
#include "drivers/netdev.h"
#include "sched/timer.h"
#include "core/time.h"
#include "core/log.h"
#include "mm/kmalloc.h"
#include "lib/errno.h"
#include "lib/string.h"

#define ARP_SIZE 64
#define ARP_QUEUE 4
#define ARP_TTL_MS 60000
#define ARP_RETRY_MS 1000
#define ARP_RETRIES 3

enum { ARP_FREE, ARP_INCOMPLETE, ARP_REACHABLE };

struct arp_entry {
	uint32_t ip;
	uint8_t mac[6];
	uint8_t state, tries;
	uint64_t expires_ms;
	struct netif *nif;
	struct pkt *queue[ARP_QUEUE];
	int nqueue;
};

static struct arp_entry arp[ARP_SIZE];
static struct ktimer arp_timer;
struct arp_stats arp_stats;
int (*ether_rx_hook)(struct netif *nif, const uint8_t *frame, uint32_t len);

static const uint8_t broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static struct netdev *dev_of(struct netif *nif) { return nif->priv; }

static int xmit_frame(struct netif *nif, const uint8_t *dst, uint16_t type, struct pkt *p)
{
	if (p->data - p->buf < ETH_HLEN) {
		pkt_free(p);
		return -ENOBUFS;
	}
	uint8_t *h = pkt_push(p, ETH_HLEN);
	memcpy(h, dst, 6);
	memcpy(h + 6, nif->hwaddr, 6);
	wr16(h + 12, type);
	struct netdev *d = dev_of(nif);
	struct netdev_tx_offload o;
	if (p->csum_start) {
		o.csum_start = (uint16_t)(p->csum_start - p->data);
		o.csum_offset = p->csum_offset;
		o.gso_size = p->gso_size;
	}
	int r = d->xmit(d, p->data, p->len, p->csum_start ? &o : NULL);
	if (r == 0) {
		nif->stats.tx_packets++;
		nif->stats.tx_bytes += p->len;
	} else {
		nif->stats.tx_dropped++;
	}
	pkt_free(p);
	return r;
}

int ether_send_raw(struct netif *nif, const void *frame, uint32_t len)
{
	struct netdev *d = dev_of(nif);
	return d->xmit(d, frame, len, NULL);
}

static void arp_send(struct netif *nif, uint16_t op, const uint8_t *tha, uint32_t tip, const uint8_t *dst)
{
	struct pkt *p = pkt_alloc(28);
	if (!p)
		return;
	uint8_t *a = pkt_put(p, 28);
	wr16(a, 1);              /* Ethernet */
	wr16(a + 2, ETH_P_IP);
	a[4] = 6;
	a[5] = 4;
	wr16(a + 6, op);
	memcpy(a + 8, nif->hwaddr, 6);
	wr32(a + 14, nif->addr);
	memcpy(a + 18, tha, 6);
	wr32(a + 24, tip);
	if (op == 1)
		arp_stats.requests_sent++;
	else
		arp_stats.replies_sent++;
	xmit_frame(nif, dst, ETH_P_ARP, p);
}

static struct arp_entry *arp_find(uint32_t ip)
{
	for (int i = 0; i < ARP_SIZE; i++)
		if (arp[i].state != ARP_FREE && arp[i].ip == ip)
			return &arp[i];
	return 0;
}

static void arp_flush(struct arp_entry *e)
{
	for (int i = 0; i < e->nqueue; i++)
		xmit_frame(e->nif, e->mac, ETH_P_IP, e->queue[i]);
	e->nqueue = 0;
}

static void arp_drop(struct arp_entry *e)
{
	for (int i = 0; i < e->nqueue; i++)
		pkt_free(e->queue[i]);
	e->nqueue = 0;
	e->state = ARP_FREE;
}

static struct arp_entry *arp_slot(uint32_t ip)
{
	struct arp_entry *e = arp_find(ip), *oldest = &arp[0];
	if (e)
		return e;
	for (int i = 0; i < ARP_SIZE; i++) {
		if (arp[i].state == ARP_FREE)
			return &arp[i];
		if (arp[i].expires_ms < oldest->expires_ms)
			oldest = &arp[i];
	}
	arp_drop(oldest);
	return oldest;
}

/* Learns ip -> mac (from any ARP packet addressed to us or a reply). Caller holds net_lock. */
static void arp_learn(struct netif *nif, uint32_t ip, const uint8_t *mac, bool create)
{
	struct arp_entry *e = arp_find(ip);
	if (!e && !create)
		return;
	if (!e)
		e = arp_slot(ip);
	bool was_incomplete = e->state == ARP_INCOMPLETE;
	e->ip = ip;
	e->nif = nif;
	memcpy(e->mac, mac, 6);
	e->state = ARP_REACHABLE;
	e->expires_ms = net_now_ms() + ARP_TTL_MS;
	if (was_incomplete)
		arp_stats.resolved++;
	arp_flush(e);
}

/* Retries and expiry, once a second while anything is incomplete or cached. */
static void arp_tick(struct ktimer *t)
{
	uint64_t f = net_lock();
	uint64_t now = net_now_ms();
	bool any = false;
	for (int i = 0; i < ARP_SIZE; i++) {
		struct arp_entry *e = &arp[i];
		if (e->state == ARP_INCOMPLETE && now >= e->expires_ms) {
			if (++e->tries > ARP_RETRIES) {
				arp_stats.failed++;
				for (int k = 0; k < e->nqueue; k++)
					icmp_send_unreach(e->queue[k]->data, e->queue[k]->len, 1);   /* host unreachable */
				arp_drop(e);
				continue;
			}
			e->expires_ms = now + ARP_RETRY_MS;
			arp_send(e->nif, 1, (const uint8_t *)"\0\0\0\0\0\0", e->ip, broadcast);
		} else if (e->state == ARP_REACHABLE && now >= e->expires_ms) {
			e->state = ARP_FREE;
		}
		any |= e->state != ARP_FREE;
	}
	net_unlock(f);
	if (any)
		ktimer_arm(t, time_monotonic_ns() + ARP_RETRY_MS * 1000000ULL);
}

static bool is_broadcast_for(struct netif *nif, uint32_t ip)
{
	return ip == INADDR_BROADCAST || (nif->prefixlen && ip == (nif->addr | ~netif_mask(nif)));
}

/* netif->output for Ethernet: resolve the next hop, then frame and send. Caller holds net_lock. */
static int ether_output(struct netif *nif, struct pkt *p, uint32_t nexthop)
{
	uint8_t mac[6];
	if (is_broadcast_for(nif, nexthop))
		return xmit_frame(nif, broadcast, ETH_P_IP, p);
	if ((nexthop >> 28) == 0xe) {   /* multicast: 01:00:5e + low 23 bits */
		mac[0] = 0x01, mac[1] = 0x00, mac[2] = 0x5e;
		mac[3] = (nexthop >> 16) & 0x7f, mac[4] = nexthop >> 8, mac[5] = nexthop;
		return xmit_frame(nif, mac, ETH_P_IP, p);
	}
	struct arp_entry *e = arp_find(nexthop);
	if (e && e->state == ARP_REACHABLE)
		return xmit_frame(nif, e->mac, ETH_P_IP, p);
	if (!e) {
		e = arp_slot(nexthop);
		e->ip = nexthop;
		e->nif = nif;
		e->state = ARP_INCOMPLETE;
		e->tries = 0;
		e->nqueue = 0;
		e->expires_ms = net_now_ms() + ARP_RETRY_MS;
		arp_send(nif, 1, (const uint8_t *)"\0\0\0\0\0\0", nexthop, broadcast);
		if (!arp_timer.armed)
			ktimer_arm(&arp_timer, time_monotonic_ns() + ARP_RETRY_MS * 1000000ULL);
	}
	if (e->nqueue == ARP_QUEUE) {
		arp_stats.queue_drops++;
		pkt_free(e->queue[0]);
		memmove(e->queue, e->queue + 1, (ARP_QUEUE - 1) * sizeof(e->queue[0]));
		e->nqueue--;
	}
	e->queue[e->nqueue++] = p;
	return 0;
}

static void arp_input(struct netif *nif, const uint8_t *a, uint32_t len)
{
	if (len < 28 || rd16(a) != 1 || rd16(a + 2) != ETH_P_IP || a[4] != 6 || a[5] != 4)
		return;
	uint16_t op = rd16(a + 6);
	uint32_t sip = rd32(a + 14), tip = rd32(a + 24);
	bool for_us = nif->addr && tip == nif->addr;
	if (sip)
		arp_learn(nif, sip, a + 8, for_us);
	if (op == 1 && for_us)
		arp_send(nif, 2, a + 8, sip, a + 8);
}

static void ether_rx(struct netdev *d, const void *frame, size_t len, bool csum_ok)
{
	struct netif *nif = d->stack_priv;
	const uint8_t *f = frame;
	if (len < ETH_HLEN || len > 65535 + ETH_HLEN) {
		nif->stats.rx_errors++;
		return;
	}
	nif->stats.rx_packets++;
	nif->stats.rx_bytes += len;
	if (ether_rx_hook && ether_rx_hook(nif, f, (uint32_t)len))
		return;
	/* Ours, broadcast or multicast; anything else the NIC let through is not for us. */
	if (memcmp(f, nif->hwaddr, 6) && memcmp(f, broadcast, 6) && !(f[0] & 1)) {
		nif->stats.rx_dropped++;
		return;
	}
	uint16_t type = rd16(f + 12);
	if (type == ETH_P_ARP) {
		uint64_t fl = net_lock();
		arp_input(nif, f + ETH_HLEN, (uint32_t)len - ETH_HLEN);
		net_unlock(fl);
		return;
	}
	if (type != ETH_P_IP) {
		nif->stats.rx_dropped++;
		return;
	}
	struct pkt *p = pkt_alloc((uint32_t)len);
	if (!p) {
		nif->stats.rx_dropped++;
		return;
	}
	memcpy(pkt_put(p, (uint32_t)len - ETH_HLEN), f + ETH_HLEN, len - ETH_HLEN);
	p->ifindex = nif->index;
	p->csum_ok = csum_ok;
	uint64_t fl = net_lock();
	ipv4_input(nif, p);
	net_unlock(fl);
}

void ether_init(void)
{
	arp_timer.fn = arp_tick;
	for (struct netdev *d = netdev_first(); d; d = d->next) {
		struct netif *nif = kzalloc(sizeof(*nif));
		if (!nif)
			return;
		strlcpy(nif->name, d->name, sizeof(nif->name));
		nif->flags = IFF_UP | IFF_BROADCAST | IFF_MULTICAST | (d->link_up ? IFF_RUNNING | IFF_LOWER_UP : 0);
		nif->type = ARPHRD_ETHER;
		nif->mtu = d->mtu;
		nif->offload = ((d->features & NETDEV_TX_CSUM) ? NETIF_CSUM_TX_TCP : 0) |
			       ((d->features & NETDEV_TSO) ? NETIF_TSO : 0);
		memcpy(nif->hwaddr, d->mac, 6);
		nif->output = ether_output;
		nif->priv = d;
		d->stack_priv = nif;
		uint64_t fl = net_lock();
		netif_register(nif);
		net_unlock(fl);
		d->rx_handler = ether_rx;
	}
}
