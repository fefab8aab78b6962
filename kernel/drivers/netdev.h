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

/* What the device is to finish in a transmitted TCP frame: the checksum
 * (the sum runs from csum_start to the end and goes at csum_start +
 * csum_offset; the field holds the pseudo-header sum), and with gso_size
 * the cutting of a segment of up to 64 KiB into gso_size-byte segments (TSO:
 * headers copied, sequence numbers, lengths and checksums fixed by it). */
struct netdev_tx_offload { uint16_t csum_start, csum_offset, gso_size; };

#define NETDEV_TX_CSUM 0x1   /* finishes TCP checksums */
#define NETDEV_RX_CSUM 0x2   /* may say a received frame's checksum needs no check */
#define NETDEV_TSO     0x4   /* cuts TCP segments (needs NETDEV_TX_CSUM) */

struct netdev {
	char name[16];               /* "eth0" */
	uint8_t mac[6];
	uint32_t mtu;
	uint32_t features;           /* NETDEV_* */
	bool link_up;
	/* Sends one Ethernet frame (copied before return): 0, or -ENOBUFS when
	 * the ring is full. o: NULL, or what the device is to finish. */
	int (*xmit)(struct netdev *d, const void *frame, size_t len, const struct netdev_tx_offload *o);
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
