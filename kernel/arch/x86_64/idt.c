/* The IDT: every vector points at its isr.S stub. Double fault and NMI run
 * on their own IST stacks so a blown kernel stack still gets reported. */
#include "arch/x86_64/trap.h"
#include "arch/x86_64/gdt.h"

struct idt_gate {
	uint16_t off0, sel;
	uint8_t ist, type;
	uint16_t off1;
	uint32_t off2, zero;
} __attribute__((packed));
_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate layout");

extern char isr_stubs[];
static struct idt_gate idt[256];

void idt_init(void)
{
	for (int v = 0; v < 256; v++) {
		uint64_t a = (uint64_t)(isr_stubs + 16 * v);
		idt[v] = (struct idt_gate){
			.off0 = a & 0xffff, .sel = SEL_KCODE, .ist = 0,
			.type = 0x8e,     /* present, DPL 0, interrupt gate (IF cleared on entry) */
			.off1 = (a >> 16) & 0xffff, .off2 = a >> 32,
		};
	}
	idt[8].ist = IST_DOUBLE_FAULT;
	idt[2].ist = IST_NMI;
	struct { uint16_t limit; uint64_t base; } __attribute__((packed)) ptr = { sizeof(idt) - 1, (uint64_t)idt };
	__asm__ volatile("lidt %0" ::"m"(ptr));
}
