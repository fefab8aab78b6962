#include "arch/x86_64/ioapic.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/lapic.h"
#include "lib/errno.h"

struct platform_irq_info platform_irq;

struct ioapic_state { volatile uint32_t *regs; uint32_t gsi_base, pins; };
static struct ioapic_state chips[MAX_IOAPICS];
static int nchips;

static uint32_t io_read(struct ioapic_state *c, uint32_t reg)
{
	c->regs[0] = reg;
	return c->regs[4];
}

static void io_write(struct ioapic_state *c, uint32_t reg, uint32_t v)
{
	c->regs[0] = reg;
	c->regs[4] = v;
}

int ioapic_init(void)
{
	if (platform_irq.ioapic_count == 0) {
		/* Every PC-compatible machine QEMU offers puts the first one here. */
		platform_irq.ioapic[0] = (struct ioapic_info){ 0xfec00000, 0, 0 };
		platform_irq.ioapic_count = 1;
		platform_irq.source = "default";
	}
	int total = 0;
	for (int i = 0; i < platform_irq.ioapic_count; i++) {
		struct ioapic_state *c = &chips[nchips++];
		c->regs = paging_map_mmio(platform_irq.ioapic[i].addr, 4096);
		c->gsi_base = platform_irq.ioapic[i].gsi_base;
		c->pins = ((io_read(c, 1) >> 16) & 0xff) + 1;
		for (uint32_t p = 0; p < c->pins; p++) {
			io_write(c, 0x10 + 2 * p, 1u << 16);   /* masked */
			io_write(c, 0x11 + 2 * p, 0);
		}
		total += c->pins;
	}
	return total;
}

int ioapic_route_gsi(uint32_t gsi, int vector, int level, int active_low)
{
	for (int i = 0; i < nchips; i++) {
		struct ioapic_state *c = &chips[i];
		if (gsi < c->gsi_base || gsi >= c->gsi_base + c->pins)
			continue;
		uint32_t pin = gsi - c->gsi_base;
		uint32_t lo = vector | (active_low ? (1u << 13) : 0) | (level ? (1u << 15) : 0);
		io_write(c, 0x11 + 2 * pin, lapic_id() << 24);
		io_write(c, 0x10 + 2 * pin, lo);
		return 0;
	}
	return -ENODEV;
}

int ioapic_route_isa(int irq, int vector)
{
	if (irq < 0 || irq >= 16)
		return -EINVAL;
	uint16_t fl = platform_irq.isa_flags[irq];
	/* MPS INTI flags: polarity bits 0-1 (3 = active low), trigger bits 2-3 (3 = level). */
	return ioapic_route_gsi(platform_irq.isa_gsi[irq], vector, ((fl >> 2) & 3) == 3, (fl & 3) == 3);
}
