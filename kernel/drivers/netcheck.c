/* unipack.netcheck: proves a NIC's transmit and receive paths without the
 * TCP/IP stack by asking the user-mode network's gateway (10.0.2.2) for its
 * MAC with one ARP request from 10.0.2.15, as QEMU's slirp answers. Prints
 * `unipack: netcheck dev= result=ok|no-device|no-reply mac=...`. */
#include "drivers/netdev.h"
#include "core/log.h"
#include "core/time.h"
#include "arch/x86_64/clock.h"
#include "arch/x86_64/cpu.h"
#include "lib/string.h"

static volatile int got_reply;
static uint8_t reply_mac[6];

static void on_frame(struct netdev *d, const void *frame, size_t len, bool csum_ok)
{
	const uint8_t *f = frame;
	/* Ethertype ARP, opcode 2 (reply), sender 10.0.2.2. */
	if (len >= 42 && f[12] == 0x08 && f[13] == 0x06 && f[20] == 0 && f[21] == 2 && f[28] == 10 && f[29] == 0 &&
	    f[30] == 2 && f[31] == 2) {
		memcpy(reply_mac, f + 22, 6);
		got_reply = 1;
	}
}

int netcheck_run(void)
{
	struct netdev *d = netdev_first();
	if (!d) {
		krecord("netcheck result=no-device");
		return 1;
	}
	void (*saved)(struct netdev *, const void *, size_t, bool) = d->rx_handler;
	d->rx_handler = on_frame;
	uint8_t f[42];
	memset(f, 0xff, 6);
	memcpy(f + 6, d->mac, 6);
	f[12] = 0x08, f[13] = 0x06;                  /* ARP */
	f[14] = 0, f[15] = 1, f[16] = 0x08, f[17] = 0;  /* Ethernet, IPv4 */
	f[18] = 6, f[19] = 4, f[20] = 0, f[21] = 1;     /* request */
	memcpy(f + 22, d->mac, 6);
	f[28] = 10, f[29] = 0, f[30] = 2, f[31] = 15;
	memset(f + 32, 0, 6);
	f[38] = 10, f[39] = 0, f[40] = 2, f[41] = 2;
	uint64_t deadline = time_monotonic_ns() + 2000000000ULL;
	for (int tries = 0; tries < 4 && !got_reply; tries++) {
		d->xmit(d, f, sizeof(f), NULL);
		uint64_t until = time_monotonic_ns() + 300000000ULL;
		while (!got_reply && time_monotonic_ns() < until && time_monotonic_ns() < deadline) {
			uint64_t fl = irq_save();
			cpu_idle_wait();
			irq_restore(fl);
			extern void schedule(void);
			schedule();   /* let the receive thread run */
		}
	}
	d->rx_handler = saved;
	if (!got_reply) {
		krecord("netcheck dev=%s result=no-reply tx=%lu rx=%lu", d->name, d->stats.tx_packets, d->stats.rx_packets);
		return 1;
	}
	krecord("netcheck dev=%s result=ok gateway_mac=%02x:%02x:%02x:%02x:%02x:%02x", d->name, reply_mac[0],
		reply_mac[1], reply_mac[2], reply_mac[3], reply_mac[4], reply_mac[5]);
	return 0;
}
