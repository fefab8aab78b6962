/* The interface table, route lookup, and lo: a loopback interface whose
 * output queues the packet and whose queue is drained when the outermost
 * holder of net_lock lets go (net.c), so a send never recurses into the
 * receiving socket's protocol code. */
#include "net/netif.h"
#include "net/pkt.h"
#include "net/inet.h"
#include "net/ipv4.h"
#include "lib/string.h"
#include "lib/errno.h"

struct netif *netif_list;
struct netif *netif_lo;
uint32_t route_gateway;
struct netif *route_gateway_if;

static struct netif lo_if;
static struct pkt *lo_head, *lo_tail;
static uint32_t lo_queued;
#define LO_QUEUE_MAX 4096

void netif_register(struct netif *nif)
{
	int max = 0;
	struct netif **pp = &netif_list;
	for (; *pp; pp = &(*pp)->next)
		if ((*pp)->index > max)
			max = (*pp)->index;
	if (!nif->index)
		nif->index = max + 1;
	nif->next = NULL;
	*pp = nif;
}

struct netif *netif_by_index(int index)
{
	for (struct netif *n = netif_list; n; n = n->next)
		if (n->index == index)
			return n;
	return NULL;
}

struct netif *route_lookup(uint32_t dst, uint32_t *nexthop)
{
	if ((dst >> 24) == 127 || netif_is_local(dst)) {
		*nexthop = dst;
		return netif_lo;
	}
	struct netif *best = NULL;
	int best_len = -1;
	for (struct netif *n = netif_list; n; n = n->next) {
		if (!(n->flags & IFF_UP) || !n->addr || n == netif_lo)
			continue;
		uint32_t m = netif_mask(n);
		if ((dst & m) == (n->addr & m) && n->prefixlen > best_len) {
			best = n;
			best_len = n->prefixlen;
		}
	}
	if (dst == INADDR_BROADCAST) {
		for (struct netif *n = netif_list; n; n = n->next)
			if (n != netif_lo && (n->flags & IFF_UP)) {
				*nexthop = dst;
				return n;
			}
		return NULL;
	}
	if (best) {
		*nexthop = dst;
		return best;
	}
	if (route_gateway && route_gateway_if && (route_gateway_if->flags & IFF_UP)) {
		*nexthop = route_gateway;
		return route_gateway_if;
	}
	return NULL;
}

bool netif_is_local(uint32_t addr)
{
	if ((addr >> 24) == 127)
		return true;
	for (struct netif *n = netif_list; n; n = n->next)
		if (n->addr && n->addr == addr)
			return true;
	return false;
}

bool netif_is_broadcast(uint32_t addr)
{
	if (addr == INADDR_BROADCAST)
		return true;
	for (struct netif *n = netif_list; n; n = n->next)
		if (n->addr && n->prefixlen < 31 && n != netif_lo && addr == (n->addr | ~netif_mask(n)))
			return true;
	return false;
}

static int lo_output(struct netif *nif, struct pkt *p, uint32_t nexthop)
{
	if (lo_queued >= LO_QUEUE_MAX) {
		nif->stats.tx_dropped++;
		pkt_free(p);
		return -ENOBUFS;
	}
	nif->stats.tx_packets++;
	nif->stats.tx_bytes += p->len;
	p->next = NULL;
	p->ifindex = nif->index;
	if (lo_tail)
		lo_tail->next = p;
	else
		lo_head = p;
	lo_tail = p;
	lo_queued++;
	return 0;
}

void loopback_drain(void)
{
	while (lo_head) {
		struct pkt *p = lo_head;
		lo_head = p->next;
		if (!lo_head)
			lo_tail = NULL;
		lo_queued--;
		p->next = NULL;
		lo_if.stats.rx_packets++;
		lo_if.stats.rx_bytes += p->len;
		ipv4_input(&lo_if, p);
	}
}

void loopback_init(void)
{
	memset(&lo_if, 0, sizeof(lo_if));
	strlcpy(lo_if.name, "lo", sizeof(lo_if.name));
	lo_if.index = 1;
	lo_if.flags = IFF_UP | IFF_LOOPBACK | IFF_RUNNING | IFF_LOWER_UP;
	lo_if.type = ARPHRD_LOOPBACK;
	lo_if.mtu = 65536;
	lo_if.offload = NETIF_CSUM_TRUSTED;
	lo_if.addr = INADDR_LOOPBACK;
	lo_if.prefixlen = 8;
	lo_if.output = lo_output;
	netif_lo = &lo_if;
	netif_register(&lo_if);
}
