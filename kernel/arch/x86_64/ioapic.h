/* I/O APICs, found through the MP table (microvm with acpi=off) or the ACPI
 * MADT (q35, pc). Device interrupts (serial, virtio) are routed here. */
#ifndef ARCH_X86_64_IOAPIC_H
#define ARCH_X86_64_IOAPIC_H
#include <stdint.h>

#define MAX_IOAPICS 4

struct ioapic_info { uint64_t addr; uint32_t gsi_base; uint32_t id; };

/* Filled by mptable_scan() / acpi_scan(). */
struct platform_irq_info {
	struct ioapic_info ioapic[MAX_IOAPICS];
	int ioapic_count;
	uint32_t isa_gsi[16];       /* ISA IRQ -> GSI after interrupt source overrides */
	uint16_t isa_flags[16];     /* MPS INTI flags of the override (polarity, trigger) */
	const char *source;         /* "mptable", "acpi" or "default" */
};
extern struct platform_irq_info platform_irq;

int mptable_scan(void);    /* 0 when found */
int acpi_scan(uint64_t rsdp_phys);   /* 0 when found; rsdp_phys 0 = search the BIOS area */

/* Masks every pin; returns the total number of pins. */
int ioapic_init(void);
/* Routes ISA IRQ irq (honouring overrides) to vector on this CPU, unmasked. */
int ioapic_route_isa(int irq, int vector);
/* Routes a GSI to vector: level-triggered or edge, active low or high. */
int ioapic_route_gsi(uint32_t gsi, int vector, int level, int active_low);

#endif
