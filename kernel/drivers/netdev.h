/* Network devices as the TCP/IP stack sees them: transmit a frame, receive
 * frames through a handler the stack installs. Drivers call the handler
 * from a kernel thread (never from the interrupt), so the stack may take
 * mutexes and wake sleepers. */
#ifndef DRIVERS_NETDEV_H
#define DRIVERS_NETDEV_H
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

struct netdev_stats {
	uint64_t rx_packets, rx_bytes, rx_dropped, rx_errors;
	uint64_t tx_packets, tx_bytes, tx_dropped, tx_errors;
};

struct netdev {
	char name[16];               /* "eth0" */
	uint8_t mac[6];
	uint32_t mtu;
	bool link_up;
	/* Sends one Ethernet frame (copied before return): 0, or -ENOBUFS when the ring is full. */
	int (*xmit)(struct netdev *d, const void *frame, size_t len);
	/* Installed by the stack; called for each received frame in thread context. */
	void (*rx_handler)(struct netdev *d, const void *frame, size_t len);
	void *stack_priv;            /* the stack's per-interface state */
	void *priv;                  /* the driver's */
	struct netdev_stats stats;
	struct netdev *next;
};

void netdev_register(struct netdev *d);
struct netdev *netdev_first(void);
struct netdev *netdev_by_name(const char *name);

#endif
