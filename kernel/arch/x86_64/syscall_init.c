/* Programs the syscall MSRs: STAR's selector bases match gdt.h's layout,
 * FMASK clears IF, DF, TF and AC on entry. */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"

void syscall_entry(void);

void arch_syscall_init(void)
{
	wrmsr(MSR_STAR, ((uint64_t)(SEL_UCODE32 & ~3) << 48) | ((uint64_t)SEL_KCODE << 32));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	wrmsr(MSR_FMASK, (1 << 9) | (1 << 10) | (1 << 8) | (1 << 18));
}
