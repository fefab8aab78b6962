/* virtio-mmio (virtio 1.2 section 4.2), both the modern (version 2) and
 * the legacy (version 1) register layouts. On microvm with acpi=off QEMU
 * lists each device on the kernel command line as
 * virtio_mmio.device=<size>@<base>:<gsi>, like Firecracker does. */
#include "drivers/virtio.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/ioapic.h"
#include "arch/x86_64/trap.h"
#include "core/log.h"
#include "lib/cmdline.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

enum {
	MAGIC = 0x000, VERSION = 0x004, DEVICE_ID = 0x008, DEVICE_FEATURES = 0x010, DEVICE_FEATURES_SEL = 0x014,
	DRIVER_FEATURES = 0x020, DRIVER_FEATURES_SEL = 0x024, GUEST_PAGE_SIZE = 0x028, QUEUE_SEL = 0x030,
	QUEUE_NUM_MAX = 0x034, QUEUE_NUM = 0x038, QUEUE_ALIGN = 0x03c, QUEUE_PFN = 0x040, QUEUE_READY = 0x044,
	QUEUE_NOTIFY = 0x050, INTERRUPT_STATUS = 0x060, INTERRUPT_ACK = 0x064, STATUS = 0x070,
	QUEUE_DESC_LOW = 0x080, QUEUE_DESC_HIGH = 0x084, QUEUE_DRIVER_LOW = 0x090, QUEUE_DRIVER_HIGH = 0x094,
	QUEUE_DEVICE_LOW = 0x0a0, QUEUE_DEVICE_HIGH = 0x0a4, CONFIG = 0x100,
};

struct mmio { volatile uint8_t *base; uint32_t version; };

static uint32_t rd(struct virtio_dev *d, uint32_t off) { return *(volatile uint32_t *)(((struct mmio *)d->tpriv)->base + off); }
static void wr(struct virtio_dev *d, uint32_t off, uint32_t v) { *(volatile uint32_t *)(((struct mmio *)d->tpriv)->base + off) = v; }
static bool legacy(struct virtio_dev *d) { return ((struct mmio *)d->tpriv)->version == 1; }

static uint64_t get_features(struct virtio_dev *d)
{
	wr(d, DEVICE_FEATURES_SEL, 0);
	uint64_t f = rd(d, DEVICE_FEATURES);
	if (!legacy(d)) {
		wr(d, DEVICE_FEATURES_SEL, 1);
		f |= (uint64_t)rd(d, DEVICE_FEATURES) << 32;
	}
	return f;
}

static void set_features(struct virtio_dev *d, uint64_t f)
{
	wr(d, DRIVER_FEATURES_SEL, 0);
	wr(d, DRIVER_FEATURES, (uint32_t)f);
	if (!legacy(d)) {
		wr(d, DRIVER_FEATURES_SEL, 1);
		wr(d, DRIVER_FEATURES, (uint32_t)(f >> 32));
	}
}

static uint8_t get_status(struct virtio_dev *d)
{
	uint8_t s = rd(d, STATUS);
	/* Legacy devices have no FEATURES_OK handshake: report it as accepted. */
	return legacy(d) ? s | VIRTIO_STATUS_FEATURES_OK : s;
}

static void set_status(struct virtio_dev *d, uint8_t s) { wr(d, STATUS, s); }

static int queue_max(struct virtio_dev *d, uint16_t idx)
{
	wr(d, QUEUE_SEL, idx);
	return (int)rd(d, QUEUE_NUM_MAX);
}

static int queue_setup(struct virtio_dev *d, uint16_t idx, struct virtq *q)
{
	wr(d, QUEUE_SEL, idx);
	wr(d, QUEUE_NUM, q->size);
	if (legacy(d)) {
		wr(d, QUEUE_ALIGN, 4096);
		wr(d, QUEUE_PFN, (uint32_t)(q->desc_pa >> 12));
		return 0;
	}
	wr(d, QUEUE_DESC_LOW, (uint32_t)q->desc_pa);
	wr(d, QUEUE_DESC_HIGH, (uint32_t)(q->desc_pa >> 32));
	wr(d, QUEUE_DRIVER_LOW, (uint32_t)q->avail_pa);
	wr(d, QUEUE_DRIVER_HIGH, (uint32_t)(q->avail_pa >> 32));
	wr(d, QUEUE_DEVICE_LOW, (uint32_t)q->used_pa);
	wr(d, QUEUE_DEVICE_HIGH, (uint32_t)(q->used_pa >> 32));
	wr(d, QUEUE_READY, 1);
	return 0;
}

static void notify(struct virtio_dev *d, uint16_t idx) { wr(d, QUEUE_NOTIFY, idx); }

static uint32_t ack_irq(struct virtio_dev *d)
{
	uint32_t s = rd(d, INTERRUPT_STATUS);
	wr(d, INTERRUPT_ACK, s);
	return s;
}

static void read_config(struct virtio_dev *d, uint32_t off, void *buf, uint32_t len)
{
	volatile uint8_t *p = ((struct mmio *)d->tpriv)->base + CONFIG + off;
	for (uint32_t i = 0; i < len; i++)
		((uint8_t *)buf)[i] = p[i];
}

static const struct virtio_transport mmio_transport = {
	get_features, set_features, get_status, set_status, queue_max, queue_setup, notify, ack_irq, read_config,
};

static struct virtio_dev *by_vector[256];

static void mmio_irq(struct trap_frame *f)
{
	struct virtio_dev *d = by_vector[f->vector];
	if (d && (ack_irq(d) & 3) && d->irq)
		d->irq(d);
}

/* Parses "<size>@<base>:<gsi>" (size may carry K/M suffixes). */
static int parse(const char *v, uint64_t *base, uint64_t *size, uint32_t *gsi)
{
	const char *at = strchr(v, '@'), *colon = strrchr(v, ':');
	unsigned long long n;
	if (!at || !colon || colon < at)
		return -EINVAL;
	size_t sl = at - v;
	uint64_t mult = 1;
	if (sl && (v[sl - 1] == 'K' || v[sl - 1] == 'k'))
		mult = 1024, sl--;
	else if (sl && (v[sl - 1] == 'M' || v[sl - 1] == 'm'))
		mult = 1 << 20, sl--;
	if (parse_u64(v, sl, &n))
		return -EINVAL;
	*size = n * mult;
	if (parse_u64(at + 1, colon - at - 1, &n))
		return -EINVAL;
	*base = n;
	if (parse_u64(colon + 1, strlen(colon + 1), &n) || n > 255)
		return -EINVAL;
	*gsi = (uint32_t)n;
	return 0;
}

void virtio_mmio_probe_all(void)
{
	const struct cmdline *cl = &kernel_cmdline;
	for (int i = 0; i < cl->count; i++) {
		if (strcmp(cl->key[i], "virtio_mmio.device") || !cl->val[i])
			continue;
		uint64_t base, size;
		uint32_t gsi;
		if (parse(cl->val[i], &base, &size, &gsi) || size < 0x100) {
			krecord("virtio error=\"bad virtio_mmio.device=%s\"", cl->val[i]);
			continue;
		}
		struct mmio *m = kzalloc(sizeof(*m));
		struct virtio_dev *d = kzalloc(sizeof(*d));
		if (!m || !d) {
			kfree(m);
			kfree(d);
			return;
		}
		m->base = paging_map_mmio(base, size);
		d->t = &mmio_transport;
		d->tpriv = m;
		if (rd(d, MAGIC) != 0x74726976 || (rd(d, VERSION) != 1 && rd(d, VERSION) != 2) || rd(d, DEVICE_ID) == 0) {
			kfree(m);
			kfree(d);
			continue;
		}
		m->version = rd(d, VERSION);
		d->device_id = rd(d, DEVICE_ID);
		if (m->version == 1)
			wr(d, GUEST_PAGE_SIZE, 4096);
		ksnprintf(d->name, sizeof(d->name), "mmio@%lx%s", base, m->version == 1 ? "/legacy" : "");
		int vec = irq_alloc_vector();
		if (vec < 0) {
			kfree(m);
			kfree(d);
			return;
		}
		d->irq_vector = vec;
		by_vector[vec] = d;
		irq_register(vec, mmio_irq);
		/* QEMU's virtio-mmio interrupt is a level, active-high line. */
		ioapic_route_gsi(gsi, vec, 1, 0);
		virtio_add_device(d);
	}
}
