/* virtio-net (virtio 1.2 section 5.1): receive buffers of 2 KiB (one frame
 * each at MTU 1500; merged buffers are gathered when the device uses
 * them), transmit by copy into a ring of buffers, interrupts that wake one
 * kernel thread which hands frames to the stack. Checksum offload both ways
 * when the device offers it (QEMU does on TAP with vnet headers, not on
 * user networking): the device finishes our TCP checksums, and says which
 * received frames need no check (validated, or partial from the host).
 * With GUEST_TSO4 the host hands us TCP segments of up to 64 KiB across
 * merged buffers: one pass through the stack instead of 45 (upload 100 MB
 * over TAP went from 74 to 128 MB/s under TCG); with HOST_TSO4 we hand it
 * ours, copied into a chain of transmit buffers, and it cuts them (download
 * 84 to 109-138 MB/s). */
#include "drivers/virtio_net.h"
#include "drivers/virtio.h"
#include "drivers/netdev.h"
#include "arch/x86_64/layout.h"
#include "sched/thread.h"
#include "sched/wait.h"
#include "core/log.h"
#include "mm/kmalloc.h"
#include "mm/page.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "lib/printf.h"

#define VIRTIO_NET_F_CSUM 0
#define VIRTIO_NET_F_GUEST_CSUM 1
#define VIRTIO_NET_F_GUEST_TSO4 7
#define VIRTIO_NET_HDR_F_NEEDS_CSUM 1
#define VIRTIO_NET_HDR_F_DATA_VALID 2
#define VIRTIO_NET_F_MAC 5
#define VIRTIO_NET_F_MRG_RXBUF 15
#define VIRTIO_NET_F_STATUS 16
#define VIRTIO_NET_F_HOST_TSO4 11
#define VIRTIO_NET_HDR_GSO_TCPV4 1
#define RX_BUF 2048
#define RX_COUNT 256
#define TX_BUF 2048
#define TX_COUNT 256
#define MAX_FRAME 1514
#define MAX_TSO_FRAME (14 + 65535)
#define MAX_CHAIN ((12 + MAX_TSO_FRAME + TX_BUF - 1) / TX_BUF)

struct vnet {
	struct virtio_dev *vdev;
	struct netdev nd;
	struct virtq *rxq, *txq;
	uint32_t hdr_len;             /* 12 (modern or MRG_RXBUF) or 10 (legacy) */
	uint8_t *rx_mem, *tx_mem;
	uint8_t *tx_free[TX_COUNT];   /* stack of free tx buffers */
	uint8_t *tx_next[TX_COUNT];   /* by buffer index: the next buffer of its frame's chain */
	int tx_nfree;
	struct spinlock tx_lock;
	struct waitq rx_wq;
	volatile bool rx_pending;
	uint8_t *frame;               /* gather buffer for merged rx */
	struct thread *rx_thread;
	bool kick_deferred;           /* the receive thread queued frames and owes the device a kick */
};

static void post_rx(struct vnet *n, uint8_t *buf)
{
	uint64_t pa = virt_to_phys(buf);
	uint32_t len = RX_BUF;
	virtq_add(n->rxq, &pa, &len, 0, 1, buf);
}

static int tx_index(const struct vnet *n, const uint8_t *buf) { return (int)((buf - n->tx_mem) / TX_BUF); }

/* Returns the buffers of every frame the device is done with (a TSO frame spans a chain). */
static void reclaim_tx(struct vnet *n)
{
	uint8_t *buf;
	while ((buf = virtq_get_used(n->txq, 0)))
		while (buf) {
			uint8_t *next = n->tx_next[tx_index(n, buf)];
			n->tx_free[n->tx_nfree++] = buf;
			buf = next;
		}
}

/* struct virtio_net_hdr (le16 fields): flags, gso_type, hdr_len, gso_size, csum_start, csum_offset. */
static void fill_hdr(uint8_t *h, const uint8_t *frame, const struct netdev_tx_offload *o)
{
	if (!o)
		return;
	h[0] = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	memcpy(h + 6, &o->csum_start, 2);
	memcpy(h + 8, &o->csum_offset, 2);
	if (o->gso_size) {
		h[1] = VIRTIO_NET_HDR_GSO_TCPV4;
		uint16_t hlen = (uint16_t)(o->csum_start + (frame[o->csum_start + 12] >> 4) * 4);
		memcpy(h + 2, &hlen, 2);
		memcpy(h + 4, &o->gso_size, 2);
	}
}

/* Copies the header and frame into as many 2 KiB buffers as they need (one, unless it is a
 * TSO frame of up to 64 KiB) and queues them as one chain. */
static int vnet_xmit(struct netdev *nd, const void *frame, size_t len, const struct netdev_tx_offload *o)
{
	struct vnet *n = nd->priv;
	if (len > (o && o->gso_size ? MAX_TSO_FRAME : MAX_FRAME + 4)) {
		nd->stats.tx_errors++;
		return -EMSGSIZE;
	}
	size_t total = n->hdr_len + len;
	int need = (int)((total + TX_BUF - 1) / TX_BUF);
	uint64_t f = spin_lock_irqsave(&n->tx_lock);
	if (n->tx_nfree < need)
		reclaim_tx(n);
	if (n->tx_nfree < need) {
		spin_unlock_irqrestore(&n->tx_lock, f);
		nd->stats.tx_dropped++;
		return -ENOBUFS;
	}
	uint64_t pa[MAX_CHAIN];
	uint32_t l[MAX_CHAIN];
	uint8_t *bufs[MAX_CHAIN];
	const uint8_t *src = frame;
	size_t left = len;
	for (int i = 0; i < need; i++) {
		uint8_t *b = bufs[i] = n->tx_free[--n->tx_nfree];
		size_t room = TX_BUF, at = 0;
		if (i == 0) {
			memset(b, 0, n->hdr_len);
			fill_hdr(b, frame, o);
			at = n->hdr_len;
		}
		size_t c = room - at < left ? room - at : left;
		memcpy(b + at, src, c);
		src += c;
		left -= c;
		pa[i] = virt_to_phys(b);
		l[i] = (uint32_t)(at + c);
		n->tx_next[tx_index(n, b)] = NULL;
		if (i)
			n->tx_next[tx_index(n, bufs[i - 1])] = b;
	}
	if (virtq_add(n->txq, pa, l, need, need, bufs[0])) {
		for (int i = need - 1; i >= 0; i--)
			n->tx_free[n->tx_nfree++] = bufs[i];
		spin_unlock_irqrestore(&n->tx_lock, f);
		nd->stats.tx_dropped++;
		return -ENOBUFS;
	}
	/* Frames the receive thread sends while it works through a batch (ACKs, segments an
	 * incoming ACK let out) share one kick at the end of the batch; it always pays it before
	 * it sleeps, so no frame waits for a kick that never comes. Any other context kicks now,
	 * and so does the receive thread once a quarter of the buffers is left (unkicked frames
	 * are never given back). */
	if (current() == n->rx_thread && n->tx_nfree >= TX_COUNT / 4) {
		n->kick_deferred = true;
	} else {
		n->kick_deferred = false;
		virtq_kick(n->txq);
	}
	nd->stats.tx_packets++;
	nd->stats.tx_bytes += len;
	spin_unlock_irqrestore(&n->tx_lock, f);
	return 0;
}

static void vnet_irq(struct virtio_dev *d)
{
	struct vnet *n = d->driver;
	n->rx_pending = true;
	waitq_wake_all(&n->rx_wq, 0);
}

static bool rx_ready(void *arg) { return ((struct vnet *)arg)->rx_pending; }

/* The receive thread: drains the used ring, gathers merged buffers,
 * hands frames to the stack, reposts buffers. */
static void rx_thread(void *arg)
{
	struct vnet *n = arg;
	for (;;) {
		waitq_wait(&n->rx_wq, rx_ready, n, 0, false);
		n->rx_pending = false;
		uint64_t f = spin_lock_irqsave(&n->tx_lock);
		reclaim_tx(n);
		spin_unlock_irqrestore(&n->tx_lock, f);
		uint32_t len;
		uint8_t *buf;
		int kicked = 0;
		while ((buf = virtq_get_used(n->rxq, &len))) {
			uint16_t nbufs = 1;
			if (n->hdr_len == 12)
				memcpy(&nbufs, buf + 10, 2);
			size_t total = 0;
			bool ok = len >= n->hdr_len && nbufs >= 1;
			bool csum_ok = (n->nd.features & NETDEV_RX_CSUM) &&
				       (buf[0] & (VIRTIO_NET_HDR_F_NEEDS_CSUM | VIRTIO_NET_HDR_F_DATA_VALID));
			if (ok) {
				total = len - n->hdr_len;
				memcpy(n->frame, buf + n->hdr_len, total);
			}
			post_rx(n, buf);
			kicked++;
			for (uint16_t i = 1; i < nbufs; i++) {
				uint32_t l2;
				uint8_t *b2 = virtq_get_used(n->rxq, &l2);
				if (!b2) {
					ok = false;
					break;
				}
				if (ok && total + l2 <= 65536 + 64)
					memcpy(n->frame + total, b2, l2), total += l2;
				else
					ok = false;
				post_rx(n, b2);
			}
			if (!ok || total < 14) {
				n->nd.stats.rx_errors++;
				continue;
			}
			n->nd.stats.rx_packets++;
			n->nd.stats.rx_bytes += total;
			if (n->nd.rx_handler)
				n->nd.rx_handler(&n->nd, n->frame, total, csum_ok);
			else
				n->nd.stats.rx_dropped++;
		}
		if (kicked)
			virtq_kick(n->rxq);
		f = spin_lock_irqsave(&n->tx_lock);
		if (n->kick_deferred) {
			n->kick_deferred = false;
			virtq_kick(n->txq);
		}
		spin_unlock_irqrestore(&n->tx_lock, f);
	}
}

int virtio_net_probe(struct virtio_dev *d)
{
	uint64_t want = (1ULL << VIRTIO_NET_F_MAC) | (1ULL << VIRTIO_NET_F_STATUS) | (1ULL << VIRTIO_NET_F_MRG_RXBUF) |
			(1ULL << VIRTIO_NET_F_CSUM) | (1ULL << VIRTIO_NET_F_GUEST_CSUM) | (1ULL << VIRTIO_NET_F_GUEST_TSO4) |
			(1ULL << VIRTIO_NET_F_HOST_TSO4);
	static const struct virtio_feature_dep deps[] = {
		{ VIRTIO_NET_F_GUEST_TSO4, VIRTIO_NET_F_GUEST_CSUM },   /* virtio 1.2, 5.1.3.1 */
		{ VIRTIO_NET_F_GUEST_TSO4, VIRTIO_NET_F_MRG_RXBUF },    /* 64 KiB segments in 2 KiB buffers */
		{ VIRTIO_NET_F_HOST_TSO4, VIRTIO_NET_F_CSUM },          /* virtio 1.2, 5.1.3.1 */
	};
	if (virtio_negotiate(d, want, deps, sizeof(deps) / sizeof(deps[0])))
		return -EIO;
	struct vnet *n = kzalloc(sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->vdev = d;
	d->driver = n;
	bool modern = d->features & (1ULL << VIRTIO_F_VERSION_1);
	n->hdr_len = (modern || (d->features & (1ULL << VIRTIO_NET_F_MRG_RXBUF))) ? 12 : 10;
	n->rxq = virtq_create(d, 0, RX_COUNT);
	n->txq = virtq_create(d, 1, TX_COUNT);
	n->rx_mem = page_alloc(RX_COUNT * RX_BUF / 4096);
	n->tx_mem = page_alloc(TX_COUNT * TX_BUF / 4096);
	n->frame = kmalloc(65536 + 128);
	if (!n->rxq || !n->txq || !n->rx_mem || !n->tx_mem || !n->frame)
		return -ENOMEM;
	n->tx_lock = (struct spinlock)SPINLOCK_INIT;
	/* Sent buffers come back when the next frame needs them or the receive thread runs: an
	 * interrupt per transmitted frame would cost a wake-up and a switch each. */
	virtq_no_interrupts(n->txq);
	waitq_init(&n->rx_wq);
	for (int i = 0; i < n->txq->size && i < TX_COUNT; i++)
		n->tx_free[n->tx_nfree++] = n->tx_mem + i * TX_BUF;
	for (int i = 0; i < n->rxq->size && i < RX_COUNT; i++)
		post_rx(n, n->rx_mem + i * RX_BUF);
	if (d->features & (1ULL << VIRTIO_NET_F_MAC))
		d->t->read_config(d, 0, n->nd.mac, 6);
	else
		memcpy(n->nd.mac, "\x52\x54\x00\x12\x34\x56", 6);
	n->nd.mtu = 1500;
	if (d->features & (1ULL << VIRTIO_NET_F_CSUM))
		n->nd.features |= NETDEV_TX_CSUM;
	if (d->features & (1ULL << VIRTIO_NET_F_GUEST_CSUM))
		n->nd.features |= NETDEV_RX_CSUM;
	/* A TSO frame takes up to MAX_CHAIN buffers: with fewer than two frames' worth the ring
	 * could never take one, and TCP would resend it forever. */
	if ((d->features & (1ULL << VIRTIO_NET_F_HOST_TSO4)) && n->tx_nfree >= 2 * MAX_CHAIN)
		n->nd.features |= NETDEV_TSO;
	n->nd.link_up = true;
	n->nd.xmit = vnet_xmit;
	n->nd.priv = n;
	d->irq = vnet_irq;
	virtio_driver_ok(d);
	virtq_kick(n->rxq);
	netdev_register(&n->nd);
	n->rx_thread = thread_create_kernel("net-rx", rx_thread, n);
	if (!n->rx_thread)
		return -ENOMEM;
	char offload[48];
	ksnprintf(offload, sizeof(offload), "%s%s%s%s", (n->nd.features & NETDEV_TX_CSUM) ? ",tx-csum" : "",
		  (n->nd.features & NETDEV_RX_CSUM) ? ",rx-csum" : "", (n->nd.features & NETDEV_TSO) ? ",tx-tso" : "",
		  (d->features & (1ULL << VIRTIO_NET_F_GUEST_TSO4)) ? ",rx-tso" : "");
	krecord("netdev name=%s mac=%02x:%02x:%02x:%02x:%02x:%02x mtu=%u hdr=%u offload=%s", n->nd.name, n->nd.mac[0],
		n->nd.mac[1], n->nd.mac[2], n->nd.mac[3], n->nd.mac[4], n->nd.mac[5], n->nd.mtu, n->hdr_len,
		offload[0] ? offload + 1 : "none");
	return 0;
}
