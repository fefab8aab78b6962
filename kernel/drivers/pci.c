#include "drivers/pci.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/lapic.h"
#include "lib/errno.h"
#include "lib/spinlock.h"

static struct spinlock lock = SPINLOCK_INIT;

static void select_reg(struct pci_addr a, uint8_t off)
{
	outl(0xcf8, 0x80000000u | (uint32_t)a.bus << 16 | (uint32_t)a.dev << 11 | (uint32_t)a.fn << 8 | (off & 0xfc));
}

uint32_t pci_read32(struct pci_addr a, uint8_t off)
{
	uint64_t f = spin_lock_irqsave(&lock);
	select_reg(a, off);
	uint32_t v = inl(0xcfc);
	spin_unlock_irqrestore(&lock, f);
	return v;
}

uint16_t pci_read16(struct pci_addr a, uint8_t off) { return (uint16_t)(pci_read32(a, off) >> ((off & 2) * 8)); }
uint8_t pci_read8(struct pci_addr a, uint8_t off) { return (uint8_t)(pci_read32(a, off) >> ((off & 3) * 8)); }

void pci_write32(struct pci_addr a, uint8_t off, uint32_t v)
{
	uint64_t f = spin_lock_irqsave(&lock);
	select_reg(a, off);
	outl(0xcfc, v);
	spin_unlock_irqrestore(&lock, f);
}

void pci_write16(struct pci_addr a, uint8_t off, uint16_t v)
{
	uint64_t f = spin_lock_irqsave(&lock);
	select_reg(a, off);
	outw(0xcfc + (off & 2), v);
	spin_unlock_irqrestore(&lock, f);
}

static void scan_bus(uint8_t bus, int depth, void (*fn)(struct pci_addr, uint16_t, uint16_t))
{
	for (uint8_t dev = 0; dev < 32; dev++) {
		struct pci_addr a = { bus, dev, 0 };
		if (pci_read16(a, 0) == 0xffff)
			continue;
		int fns = (pci_read8(a, 0x0e) & 0x80) ? 8 : 1;
		for (uint8_t f = 0; f < fns; f++) {
			a.fn = f;
			uint32_t id = pci_read32(a, 0);
			if ((id & 0xffff) == 0xffff)
				continue;
			fn(a, id & 0xffff, id >> 16);
			/* A PCI-to-PCI bridge: scan what is behind it. */
			if ((pci_read8(a, 0x0e) & 0x7f) == 1 && depth < 8) {
				uint8_t secondary = pci_read8(a, 0x19);
				if (secondary > bus)
					scan_bus(secondary, depth + 1, fn);
			}
		}
	}
}

void pci_scan(void (*fn)(struct pci_addr a, uint16_t vendor, uint16_t device))
{
	scan_bus(0, 0, fn);
}

uint64_t pci_bar(struct pci_addr a, int n)
{
	uint32_t lo = pci_read32(a, 0x10 + 4 * n);
	if (lo & 1)
		return 0;   /* I/O space */
	uint64_t addr = lo & ~0xfULL;
	if (((lo >> 1) & 3) == 2 && n < 5)
		addr |= (uint64_t)pci_read32(a, 0x10 + 4 * (n + 1)) << 32;
	return addr;
}

uint8_t pci_find_cap(struct pci_addr a, uint8_t id, uint8_t start)
{
	if (!(pci_read16(a, 0x06) & 0x10))
		return 0;
	uint8_t p = start ? pci_read8(a, start + 1) : pci_read8(a, 0x34);
	for (int guard = 0; p && guard < 48; guard++) {
		if (pci_read8(a, p) == id)
			return p;
		p = pci_read8(a, p + 1);
	}
	return 0;
}

void pci_enable_bus_master(struct pci_addr a)
{
	pci_write16(a, 0x04, pci_read16(a, 0x04) | 0x6);   /* memory space, bus master */
}

int pci_enable_msix(struct pci_addr a, int vector)
{
	uint8_t cap = pci_find_cap(a, 0x11, 0);
	if (!cap)
		return -ENODEV;
	uint16_t ctrl = pci_read16(a, cap + 2);
	uint32_t table = pci_read32(a, cap + 4);
	uint64_t bar = pci_bar(a, table & 7);
	if (!bar)
		return -ENODEV;
	int entries = (ctrl & 0x7ff) + 1;
	volatile uint32_t *t = paging_map_mmio(bar + (table & ~7u), entries * 16);
	for (int i = 0; i < entries; i++) {
		t[i * 4 + 0] = 0xfee00000u | (lapic_id() << 12);
		t[i * 4 + 1] = 0;
		t[i * 4 + 2] = vector;
		t[i * 4 + 3] = 0;   /* unmasked */
	}
	pci_write16(a, cap + 2, (ctrl | 0x8000) & ~0x4000);   /* enable, no function mask */
	return 0;
}
