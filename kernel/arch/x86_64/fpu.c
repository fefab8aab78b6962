#include "arch/x86_64/fpu.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/layout.h"
#include "core/panic.h"
#include "mm/kmalloc.h"
#include "lib/string.h"

uint32_t fpu_state_size;
uint64_t fpu_xcr0;
const void *fpu_init_state;

static inline void xsetbv(uint32_t reg, uint64_t v)
{
	__asm__ volatile("xsetbv" ::"c"(reg), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

void fpu_save(void *area)
{
	__asm__ volatile("xsave64 (%0)" ::"r"(area), "a"((uint32_t)fpu_xcr0), "d"((uint32_t)(fpu_xcr0 >> 32))
			 : "memory");
}

void fpu_restore(const void *area)
{
	__asm__ volatile("xrstor64 (%0)" ::"r"(area), "a"((uint32_t)fpu_xcr0), "d"((uint32_t)(fpu_xcr0 >> 32))
			 : "memory");
}

void fpu_init(void)
{
	uint32_t a, b, c, d;
	cpuid(1, 0, &a, &b, &c, &d);
	if (!(c & (1u << 26)))
		panic("the CPU has no XSAVE (needed for AVX state)");
	write_cr4(read_cr4() | CR4_OSXSAVE | CR4_OSFXSR | CR4_OSXMMEXCPT);
	cpuid(0xd, 0, &a, &b, &c, &d);
	/* User state components only: x87, SSE, AVX, and the AVX-512 trio if present. */
	uint64_t supported = ((uint64_t)d << 32) | a;
	fpu_xcr0 = supported & (0x7 | 0xe0);
	xsetbv(0, fpu_xcr0);
	cpuid(0xd, 0, &a, &b, &c, &d);
	fpu_state_size = b;
	/* A reset state: FNINIT plus the default MXCSR, saved once. */
	void *init = kmalloc(fpu_state_size + 64);
	if (!init)
		panic("no memory for the FPU template");
	init = (void *)(((uintptr_t)init + 63) & ~(uintptr_t)63);
	memset(init, 0, fpu_state_size);
	uint32_t mxcsr = 0x1f80;
	__asm__ volatile("fninit; ldmxcsr %0" ::"m"(mxcsr));
	fpu_save(init);
	fpu_init_state = init;
}
