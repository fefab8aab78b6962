/* Just enough ACPI to find the IOAPICs and ISA overrides in the MADT (q35,
 * pc). The RSDP comes from PVH start_info or the BIOS area search. */
#include "arch/x86_64/ioapic.h"
#include "arch/x86_64/layout.h"
#include "lib/string.h"

struct sdt_header {
	char sig[4];
	uint32_t length;
	uint8_t revision, checksum;
	char oem[6], oem_table[8];
	uint32_t oem_rev, creator, creator_rev;
} __attribute__((packed));
_Static_assert(sizeof(struct sdt_header) == 36, "ACPI SDT header");

static uint8_t sum(const void *p, uint64_t n)
{
	const uint8_t *b = p;
	uint8_t s = 0;
	for (uint64_t i = 0; i < n; i++)
		s += b[i];
	return s;
}

static uint64_t find_rsdp(void)
{
	uint16_t ebda_seg = *(const uint16_t *)phys_to_virt(0x40e);
	uint64_t ranges[2][2] = { { (uint64_t)ebda_seg << 4, 1024 }, { 0xe0000, 0x20000 } };
	for (int r = 0; r < 2; r++) {
		if (ranges[r][0] == 0)
			continue;
		for (uint64_t a = ranges[r][0]; a + 20 <= ranges[r][0] + ranges[r][1]; a += 16) {
			const uint8_t *p = phys_to_virt(a);
			if (!memcmp(p, "RSD PTR ", 8) && sum(p, 20) == 0)
				return a;
		}
	}
	return 0;
}

static void parse_madt(const struct sdt_header *h)
{
	for (int i = 0; i < 16; i++) {
		platform_irq.isa_gsi[i] = i;
		platform_irq.isa_flags[i] = 0;
	}
	const uint8_t *e = (const uint8_t *)h + 44, *end = (const uint8_t *)h + h->length;
	while (e + 2 <= end && e[1] >= 2 && e + e[1] <= end) {
		if (e[0] == 1 && platform_irq.ioapic_count < MAX_IOAPICS) {
			struct ioapic_info *io = &platform_irq.ioapic[platform_irq.ioapic_count++];
			io->id = e[2];
			io->addr = *(const uint32_t *)(e + 4);
			io->gsi_base = *(const uint32_t *)(e + 8);
		} else if (e[0] == 2 && e[2] == 0 && e[3] < 16) {
			platform_irq.isa_gsi[e[3]] = *(const uint32_t *)(e + 4);
			platform_irq.isa_flags[e[3]] = *(const uint16_t *)(e + 8);
		}
		e += e[1];
	}
}

int acpi_scan(uint64_t rsdp_phys)
{
	if (!rsdp_phys)
		rsdp_phys = find_rsdp();
	if (!rsdp_phys)
		return -1;
	const uint8_t *rsdp = phys_to_virt(rsdp_phys);
	uint64_t root;
	int wide = 0;
	if (rsdp[15] >= 2 && *(const uint64_t *)(rsdp + 24)) {
		root = *(const uint64_t *)(rsdp + 24);
		wide = 1;
	} else {
		root = *(const uint32_t *)(rsdp + 16);
	}
	if (!root || root >= (1ULL << 32))
		return -1;
	const struct sdt_header *rt = phys_to_virt(root);
	if (sum(rt, rt->length))
		return -1;
	int n = (rt->length - 36) / (wide ? 8 : 4);
	for (int i = 0; i < n; i++) {
		const uint8_t *ent = (const uint8_t *)rt + 36 + i * (wide ? 8 : 4);
		uint64_t pa = wide ? *(const uint64_t *)ent : *(const uint32_t *)ent;
		if (!pa || pa >= (1ULL << 32))
			continue;
		const struct sdt_header *h = phys_to_virt(pa);
		if (!memcmp(h->sig, "APIC", 4) && !sum(h, h->length)) {
			parse_madt(h);
			if (platform_irq.ioapic_count) {
				platform_irq.source = "acpi";
				return 0;
			}
		}
	}
	return -1;
}
