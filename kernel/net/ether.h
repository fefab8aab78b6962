/* Ethernet interfaces over drivers/netdev.h: framing, ARP (RFC 826) with a
 * cache that expires entries and queues packets while a neighbour is being
 * resolved, and the DHCP hook. One netif per NIC (eth0, eth1...). */
#ifndef NET_ETHER_H
#define NET_ETHER_H
#include <stdint.h>

struct netdev;
struct netif;

#define ETH_HLEN 14
#define ETH_P_IP 0x0800
#define ETH_P_ARP 0x0806

/* Creates the netif for every registered NIC and hooks its receive path. */
void ether_init(void);
/* Sends a whole Ethernet frame built by the caller (DHCP before the address is known). */
int ether_send_raw(struct netif *nif, const void *frame, uint32_t len);
/* A hook that sees every received frame first (DHCP); returns 1 when it consumed it. */
extern int (*ether_rx_hook)(struct netif *nif, const uint8_t *frame, uint32_t len);

struct arp_stats { uint64_t requests_sent, replies_sent, resolved, failed, queue_drops; };
extern struct arp_stats arp_stats;

#endif
