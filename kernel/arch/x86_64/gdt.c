#include "arch/x86_64/gdt.h"
#include "lib/string.h"

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "TSS layout");

static struct tss tss;
static uint64_t gdt[8];
static uint8_t df_stack[8192] __attribute__((aligned(16)));
static uint8_t nmi_stack[8192] __attribute__((aligned(16)));

void gdt_init(void)
{
	gdt[0] = 0;
	gdt[1] = 0x00af9a000000ffffULL;   /* kernel code, 64-bit */
	gdt[2] = 0x00cf92000000ffffULL;   /* kernel data */
	gdt[3] = 0x00cffa000000ffffULL;   /* user code, 32-bit (unused; keeps STAR's layout) */
	gdt[4] = 0x00cff2000000ffffULL;   /* user data */
	gdt[5] = 0x00affa000000ffffULL;   /* user code, 64-bit */
	memset(&tss, 0, sizeof(tss));
	tss.ist[IST_DOUBLE_FAULT - 1] = (uint64_t)(df_stack + sizeof(df_stack));
	tss.ist[IST_NMI - 1] = (uint64_t)(nmi_stack + sizeof(nmi_stack));
	tss.iomap_base = sizeof(tss);     /* no I/O bitmap: ring 3 gets no ports */
	uint64_t base = (uint64_t)&tss, limit = sizeof(tss) - 1;
	gdt[6] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ULL << 40) |
		 (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	gdt[7] = base >> 32;

	struct { uint16_t limit; uint64_t base; } __attribute__((packed)) ptr = { sizeof(gdt) - 1, (uint64_t)gdt };
	__asm__ volatile(
		"lgdt %0\n"
		"pushq %1\n"
		"leaq 1f(%%rip), %%rax\n"
		"pushq %%rax\n"
		"lretq\n"
		"1: mov %2, %%eax\n"
		"mov %%eax, %%ds\n"
		"mov %%eax, %%es\n"
		"mov %%eax, %%ss\n"
		"ltr %w3\n"
		:: "m"(ptr), "i"(SEL_KCODE), "i"(SEL_KDATA), "r"(SEL_TSS) : "rax", "memory");
}

void tss_set_kernel_stack(uint64_t rsp0)
{
	tss.rsp[0] = rsp0;
}
