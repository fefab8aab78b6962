/* The DHCP client (RFC 2131) that configures an Ethernet interface at boot
 * when no static address is given, and renews its lease. */
#ifndef NET_DHCP_H
#define NET_DHCP_H
#include <stdint.h>

struct netif;

struct dhcp_lease {
	uint32_t addr, mask, gateway, server;
	uint32_t dns[3];
	int ndns;
	uint32_t lease_s;
};

/* Runs DISCOVER/OFFER/REQUEST/ACK on nif (waiting at most timeout_ms),
 * applies the lease and starts renewal. 0, -ETIMEDOUT or -ENOMEM. */
int dhcp_configure(struct netif *nif, uint32_t timeout_ms, struct dhcp_lease *out);

#endif
