/* Modern virtio-pci (virtio 1.2 section 4.1): the common, notify, ISR and
 * device configuration structures found through vendor capabilities, and
 * one MSI-X vector per device. q35 and pc machines. */
#include "drivers/virtio.h"
#include "drivers/pci.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/trap.h"
#include "core/log.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "mm/kmalloc.h"

struct vpci {
	struct pci_addr addr;
	volatile uint8_t *common, *notify, *isr, *device;
	uint32_t notify_mult;
};

#define C(d) (((struct vpci *)(d)->tpriv)->common)
#define R32(p, o) (*(volatile uint32_t *)((p) + (o)))
#define R16(p, o) (*(volatile uint16_t *)((p) + (o)))
#define R8(p, o) (*(volatile uint8_t *)((p) + (o)))
#define R64W(p, o, v) do { R32(p, o) = (uint32_t)(v); R32(p, (o) + 4) = (uint32_t)((uint64_t)(v) >> 32); } while (0)

static uint64_t get_features(struct virtio_dev *d)
{
	R32(C(d), 0x00) = 0;
	uint64_t f = R32(C(d), 0x04);
	R32(C(d), 0x00) = 1;
	return f | (uint64_t)R32(C(d), 0x04) << 32;
}

static void set_features(struct virtio_dev *d, uint64_t f)
{
	R32(C(d), 0x08) = 0;
	R32(C(d), 0x0c) = (uint32_t)f;
	R32(C(d), 0x08) = 1;
	R32(C(d), 0x0c) = (uint32_t)(f >> 32);
}

static uint8_t get_status(struct virtio_dev *d) { return R8(C(d), 0x14); }
static void set_status(struct virtio_dev *d, uint8_t s) { R8(C(d), 0x14) = s; }

static int queue_max(struct virtio_dev *d, uint16_t idx)
{
	if (idx >= R16(C(d), 0x12))
		return -ENOENT;
	R16(C(d), 0x16) = idx;
	return R16(C(d), 0x18);
}

static int queue_setup(struct virtio_dev *d, uint16_t idx, struct virtq *q)
{
	R16(C(d), 0x16) = idx;
	R16(C(d), 0x18) = q->size;
	R16(C(d), 0x1a) = 0;   /* MSI-X entry 0 */
	R64W(C(d), 0x20, q->desc_pa);
	R64W(C(d), 0x28, q->avail_pa);
	R64W(C(d), 0x30, q->used_pa);
	R16(C(d), 0x1c) = 1;
	return 0;
}

static void notify(struct virtio_dev *d, uint16_t idx)
{
	struct vpci *v = d->tpriv;
	R16(C(d), 0x16) = idx;
	uint16_t off = R16(C(d), 0x1e);
	R16(v->notify, off * v->notify_mult) = idx;
}

static uint32_t ack_irq(struct virtio_dev *d)
{
	return R8(((struct vpci *)d->tpriv)->isr, 0);
}

static void read_config(struct virtio_dev *d, uint32_t off, void *buf, uint32_t len)
{
	volatile uint8_t *p = ((struct vpci *)d->tpriv)->device;
	for (uint32_t i = 0; i < len && p; i++)
		((uint8_t *)buf)[i] = p[off + i];
}

static const struct virtio_transport pci_transport = {
	get_features, set_features, get_status, set_status, queue_max, queue_setup, notify, ack_irq, read_config,
};

static struct virtio_dev *by_vector[256];

static void msix_irq(struct trap_frame *f)
{
	struct virtio_dev *d = by_vector[f->vector];
	if (d && d->irq)
		d->irq(d);
}

static void probe(struct pci_addr a, uint16_t vendor, uint16_t device)
{
	if (vendor != 0x1af4 || device < 0x1000 || device > 0x107f)
		return;
	/* Transitional ids 0x1000-0x103f map to device types through the subsystem id. */
	uint32_t id = device >= 0x1040 ? device - 0x1040u : pci_read16(a, 0x2e);
	struct vpci *v = kzalloc(sizeof(*v));
	struct virtio_dev *d = kzalloc(sizeof(*d));
	if (!v || !d)
		goto fail;
	v->addr = a;
	for (uint8_t cap = pci_find_cap(a, 0x09, 0); cap; cap = pci_find_cap(a, 0x09, cap)) {
		uint8_t type = pci_read8(a, cap + 3), bar = pci_read8(a, cap + 4);
		uint32_t off = pci_read32(a, cap + 8), len = pci_read32(a, cap + 12);
		uint64_t base = bar < 6 ? pci_bar(a, bar) : 0;
		if (!base || !len)
			continue;
		volatile uint8_t *p = paging_map_mmio(base + off, len);
		if (type == 1 && !v->common)
			v->common = p;
		else if (type == 2 && !v->notify) {
			v->notify = p;
			v->notify_mult = pci_read32(a, cap + 16);
		} else if (type == 3 && !v->isr)
			v->isr = p;
		else if (type == 4 && !v->device)
			v->device = p;
	}
	if (!v->common || !v->notify)
		goto fail;   /* a legacy-only device: not supported */
	pci_enable_bus_master(a);
	d->t = &pci_transport;
	d->tpriv = v;
	d->device_id = id;
	ksnprintf(d->name, sizeof(d->name), "pci@%02x:%02x.%x", a.bus, a.dev, a.fn);
	int vec = irq_alloc_vector();
	if (vec < 0 || pci_enable_msix(a, vec))
		goto fail;
	d->irq_vector = vec;
	by_vector[vec] = d;
	irq_register(vec, msix_irq);
	R16(v->common, 0x10) = 0;   /* config changes on MSI-X entry 0 too */
	virtio_add_device(d);
	return;
fail:
	kfree(v);
	kfree(d);
}

void virtio_pci_probe_all(void)
{
	/* No PCI host bridge (microvm): every read gives all ones. */
	struct pci_addr host = { 0, 0, 0 };
	if (pci_read16(host, 0) == 0xffff)
		return;
	pci_scan(probe);
}
