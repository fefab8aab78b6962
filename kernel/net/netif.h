/* Network interfaces and routes: the table the IPv4 layer routes through,
 * netlink reports and /proc/net reads. lo (index 1, 127.0.0.1/8) always
 * exists; eth0 joins when a NIC driver registers (drivers/netdev.h). One
 * IPv4 address per interface; routes are the connected prefixes plus one
 * default gateway. Caller holds net_lock for every call here. */
#ifndef NET_NETIF_H
#define NET_NETIF_H
#include <stdint.h>
#include <stdbool.h>

struct pkt;

#define IFF_UP          0x1
#define IFF_BROADCAST   0x2
#define IFF_LOOPBACK    0x8
#define IFF_RUNNING     0x40
#define IFF_MULTICAST   0x1000
#define IFF_LOWER_UP    0x10000

/* netif->offload: who takes care of TCP/UDP checksums (net/l4csum.h). */
#define NETIF_CSUM_TRUSTED 0x1   /* nobody: lo's packets never leave memory */
#define NETIF_CSUM_TX_TCP  0x2   /* the device finishes partial TCP checksums */
#define NETIF_TSO          0x4   /* and cuts TCP segments larger than the MTU (pkt->gso_size) */

#define ARPHRD_ETHER    1
#define ARPHRD_LOOPBACK 772

struct netif_stats {
	uint64_t rx_packets, rx_bytes, rx_errors, rx_dropped;
	uint64_t tx_packets, tx_bytes, tx_errors, tx_dropped;
};

struct netif {
	char name[16];
	int index;
	uint32_t flags;             /* IFF_* */
	uint16_t type;              /* ARPHRD_* */
	uint32_t mtu;
	uint32_t offload;           /* NETIF_CSUM_* */
	uint8_t hwaddr[6];
	uint32_t addr;              /* IPv4, host order; 0 = none yet */
	uint8_t prefixlen;
	/* Sends an IPv4 packet (p->data at the IP header) towards nexthop;
	 * consumes p. Returns 0 or -E*. */
	int (*output)(struct netif *nif, struct pkt *p, uint32_t nexthop);
	void *priv;
	struct netif_stats stats;
	struct netif *next;
};

extern struct netif *netif_list;
extern struct netif *netif_lo;
extern uint32_t route_gateway;       /* default route via, host order; 0 = none */
extern struct netif *route_gateway_if;

void netif_register(struct netif *nif);
struct netif *netif_by_index(int index);
/* The interface and next hop for dst; NULL when unreachable. */
struct netif *route_lookup(uint32_t dst, uint32_t *nexthop);
/* True when addr is one of our addresses (or in 127/8). */
bool netif_is_local(uint32_t addr);
/* True when addr is a broadcast address of some interface (or 255.255.255.255). */
bool netif_is_broadcast(uint32_t addr);
static inline uint32_t netif_mask(const struct netif *nif)
{
	return nif->prefixlen ? 0xffffffffu << (32 - nif->prefixlen) : 0;
}

/* Creates lo. */
void loopback_init(void);
/* Processes packets queued on lo (called with net_lock held, by net_unlock's
 * drain; never recursively). */
void loopback_drain(void);

#endif
