/* Transport-independent virtio: negotiation, split virtqueues, driver binding. */
#include "drivers/virtio.h"
#include "drivers/virtio_net.h"
#include "drivers/virtio_rng.h"
#include "arch/x86_64/layout.h"
#include "core/log.h"
#include "mm/kmalloc.h"
#include "mm/page.h"
#include "lib/errno.h"
#include "lib/string.h"

int virtio_negotiate(struct virtio_dev *d, uint64_t wanted, const struct virtio_feature_dep *deps, int ndeps)
{
	const struct virtio_transport *t = d->t;
	t->set_status(d, 0);
	t->set_status(d, VIRTIO_STATUS_ACK);
	t->set_status(d, VIRTIO_STATUS_ACK | VIRTIO_STATUS_DRIVER);
	uint64_t offered = t->get_features(d);
	d->features = offered & (wanted | (1ULL << VIRTIO_F_VERSION_1));
	/* Dropping one feature may orphan another: repeat until nothing changes. */
	for (bool changed = true; changed;) {
		changed = false;
		for (int i = 0; i < ndeps; i++)
			if ((d->features >> deps[i].feature & 1) && !(d->features >> deps[i].needs & 1)) {
				d->features &= ~(1ULL << deps[i].feature);
				changed = true;
			}
	}
	t->set_features(d, d->features);
	t->set_status(d, VIRTIO_STATUS_ACK | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
	if (!(t->get_status(d) & VIRTIO_STATUS_FEATURES_OK)) {
		t->set_status(d, VIRTIO_STATUS_FAILED);
		return -EIO;
	}
	return 0;
}

void virtio_driver_ok(struct virtio_dev *d)
{
	d->t->set_status(d, VIRTIO_STATUS_ACK | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK |
				    VIRTIO_STATUS_DRIVER_OK);
}

struct virtq *virtq_create(struct virtio_dev *d, uint16_t idx, uint16_t max_size)
{
	int max = d->t->queue_max(d, idx);
	if (max <= 0)
		return 0;
	uint16_t size = max < max_size ? max : max_size;
	/* Legacy transports need the three rings in one page-aligned block with
	 * the used ring on its own page boundary; that layout suits modern ones too. */
	uint64_t desc_bytes = 16ULL * size, avail_bytes = 6 + 2ULL * size;
	uint64_t used_off = (desc_bytes + avail_bytes + 4095) & ~4095ULL;
	uint64_t used_bytes = 6 + 8ULL * size;
	uint64_t pages = (used_off + used_bytes + 4095) / 4096;
	uint8_t *mem = page_alloc(pages);
	struct virtq *q = kzalloc(sizeof(*q));
	void **cookies = kzalloc(size * sizeof(void *));
	if (!mem || !q || !cookies) {
		if (mem)
			page_free(mem, pages);
		kfree(q);
		kfree(cookies);
		return 0;
	}
	q->size = size;
	q->index = idx;
	q->desc = (struct virtq_desc *)mem;
	q->avail = (volatile uint16_t *)(mem + desc_bytes);
	q->used = mem + used_off;
	q->desc_pa = virt_to_phys(mem);
	q->avail_pa = q->desc_pa + desc_bytes;
	q->used_pa = q->desc_pa + used_off;
	q->cookie = cookies;
	q->lock = (struct spinlock)SPINLOCK_INIT;
	q->dev = d;
	for (uint16_t i = 0; i < size; i++)
		q->desc[i].next = i + 1 < size ? i + 1 : 0;
	q->free_head = 0;
	q->num_free = size;
	if (d->t->queue_setup(d, idx, q) < 0) {
		page_free(mem, pages);
		kfree(q);
		kfree(cookies);
		return 0;
	}
	return q;
}

int virtq_add(struct virtq *q, const uint64_t *pa, const uint32_t *len, int out, int n, void *cookie)
{
	uint64_t f = spin_lock_irqsave(&q->lock);
	if (n <= 0 || q->num_free < n) {
		spin_unlock_irqrestore(&q->lock, f);
		return -ENOSPC;
	}
	uint16_t head = q->free_head, i = head, last = head;
	for (int k = 0; k < n; k++) {
		struct virtq_desc *d = &q->desc[i];
		d->addr = pa[k];
		d->len = len[k];
		d->flags = (k >= out ? VIRTQ_DESC_F_WRITE : 0) | (k + 1 < n ? VIRTQ_DESC_F_NEXT : 0);
		last = i;
		i = d->next;
	}
	q->free_head = q->desc[last].next;
	q->num_free -= n;
	q->cookie[head] = cookie;
	uint16_t aidx = q->avail[1];
	q->avail[2 + (aidx % q->size)] = head;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	q->avail[1] = aidx + 1;
	spin_unlock_irqrestore(&q->lock, f);
	return 0;
}

void virtq_no_interrupts(struct virtq *q)
{
	q->avail[0] |= 1;   /* VIRTQ_AVAIL_F_NO_INTERRUPT */
}

void virtq_kick(struct virtq *q)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	/* used->flags bit 0: the device asks not to be notified. */
	if (!(*(volatile uint16_t *)q->used & 1))
		q->dev->t->notify(q->dev, q->index);
}

void *virtq_get_used(struct virtq *q, uint32_t *len)
{
	uint64_t f = spin_lock_irqsave(&q->lock);
	volatile uint16_t *uidx = (volatile uint16_t *)(q->used + 2);
	if (q->last_used == *uidx) {
		spin_unlock_irqrestore(&q->lock, f);
		return 0;
	}
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	volatile uint32_t *elem = (volatile uint32_t *)(q->used + 4 + 8 * (q->last_used % q->size));
	uint32_t id = elem[0];
	if (len)
		*len = elem[1];
	q->last_used++;
	void *cookie = 0;
	if (id < q->size) {
		cookie = q->cookie[id];
		/* Return the chain to the free list. */
		uint16_t i = id, n = 1;
		while (q->desc[i].flags & VIRTQ_DESC_F_NEXT && n < q->size) {
			i = q->desc[i].next;
			n++;
		}
		q->desc[i].next = q->free_head;
		q->free_head = id;
		q->num_free += n;
	}
	spin_unlock_irqrestore(&q->lock, f);
	return cookie;
}

void virtio_add_device(struct virtio_dev *d)
{
	int r = -ENODEV;
	switch (d->device_id) {
	case VIRTIO_ID_NET: r = virtio_net_probe(d); break;
	case VIRTIO_ID_RNG: r = virtio_rng_probe(d); break;
	default: break;
	}
	krecord("virtio device=%s id=%u features=%#lx driver=%s", d->name, d->device_id, d->features,
		r == 0 ? "ok" : r == -ENODEV ? "none" : "failed");
}

void virtio_mmio_probe_all(void);
void virtio_pci_probe_all(void);

void virtio_init(void)
{
	virtio_mmio_probe_all();
	virtio_pci_probe_all();
}
