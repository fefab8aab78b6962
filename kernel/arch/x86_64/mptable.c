/* Intel MultiProcessor Specification 1.4 tables: microvm with acpi=off
 * describes its IOAPIC this way (floating pointer at 0x9fc00). */
#include "arch/x86_64/ioapic.h"
#include "arch/x86_64/layout.h"
#include "lib/string.h"

static uint8_t sum(const uint8_t *p, uint64_t n)
{
	uint8_t s = 0;
	for (uint64_t i = 0; i < n; i++)
		s += p[i];
	return s;
}

static const uint8_t *find_floating(uint64_t start, uint64_t len)
{
	for (uint64_t a = start; a + 16 <= start + len; a += 16) {
		const uint8_t *p = phys_to_virt(a);
		if (!memcmp(p, "_MP_", 4) && p[8] == 1 && sum(p, 16) == 0)
			return p;
	}
	return 0;
}

static void default_isa_map(void)
{
	for (int i = 0; i < 16; i++) {
		platform_irq.isa_gsi[i] = i;
		platform_irq.isa_flags[i] = 0;
	}
}

int mptable_scan(void)
{
	const uint8_t *fp = find_floating(0x9fc00, 0x400);
	if (!fp)
		fp = find_floating(0xf0000, 0x10000);
	if (!fp)
		return -1;
	uint32_t cfg_pa = *(const uint32_t *)(fp + 4);
	if (!cfg_pa)
		return -1;
	const uint8_t *cfg = phys_to_virt(cfg_pa);
	if (memcmp(cfg, "PCMP", 4))
		return -1;
	uint16_t len = *(const uint16_t *)(cfg + 4);
	uint16_t count = *(const uint16_t *)(cfg + 34);
	if (sum(cfg, len) != 0)
		return -1;
	default_isa_map();
	int isa_bus = -1;
	const uint8_t *e = cfg + 44, *end = cfg + len;
	/* qboot on microvm leaves entry_count at 0: walk by length, honour a count when given. */
	for (int i = 0; (count == 0 || i < count) && e < end; i++) {
		switch (e[0]) {
		case 0: e += 20; break;   /* processor */
		case 1:                   /* bus */
			if (!memcmp(e + 2, "ISA", 3))
				isa_bus = e[1];
			e += 8;
			break;
		case 2:                   /* I/O APIC */
			if ((e[3] & 1) && platform_irq.ioapic_count < MAX_IOAPICS) {
				struct ioapic_info *io = &platform_irq.ioapic[platform_irq.ioapic_count++];
				io->id = e[1];
				io->addr = *(const uint32_t *)(e + 4);
				io->gsi_base = 0;   /* MPS has no GSI base; one IOAPIC on microvm */
			}
			e += 8;
			break;
		case 3:                   /* I/O interrupt assignment */
			if (e[4] == isa_bus && e[5] < 16 && e[1] == 0) {
				platform_irq.isa_gsi[e[5]] = e[7];
				platform_irq.isa_flags[e[5]] = *(const uint16_t *)(e + 2);
			}
			e += 8;
			break;
		default: e += 8; break;
		}
	}
	if (!platform_irq.ioapic_count)
		return -1;
	platform_irq.source = "mptable";
	return 0;
}
