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

/* A transmitted frame's TCP checksum the device is to finish: the sum runs
 * from byte start to the end and goes at start + offset (the field holds the
 * pseudo-header sum). Only with NETDEV_TX_CSUM. */
struct netdev_tx_csum { uint16_t start, offset; };

#define NETDEV_TX_CSUM 0x1   /* finishes TCP checksums (struct netdev_tx_csum) */
#define NETDEV_RX_CSUM 0x2   /* may say a received frame's checksum needs no check */

struct netdev {
	char name[16];               /* "eth0" */
	uint8_t mac[6];
	uint32_t mtu;
	uint32_t features;           /* NETDEV_* */
	bool link_up;
	/* Sends one Ethernet frame (copied before return): 0, or -ENOBUFS when
	 * the ring is full. csum: NULL, or the checksum for the device to finish. */
	int (*xmit)(struct netdev *d, const void *frame, size_t len, const struct netdev_tx_csum *csum);
	/* Installed by the stack; called for each received frame in thread
	 * context. csum_ok: the device checked the TCP/UDP checksum, or the frame
	 * came from the host with it left partial, so the stack skips the check. */
	void (*rx_handler)(struct netdev *d, const void *frame, size_t len, bool csum_ok);
	void *stack_priv;            /* the stack's per-interface state */
	void *priv;                  /* the driver's */
	struct netdev_stats stats;
	struct netdev *next;
};

void netdev_register(struct netdev *d);
struct netdev *netdev_first(void);
struct netdev *netdev_by_name(const char *name);

#endif
