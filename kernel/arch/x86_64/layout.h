/* Virtual memory layout and control-register bits shared by the assembly
 * entry code and C. The app owns the lower half; the kernel the top. */
#ifndef ARCH_X86_64_LAYOUT_H
#define ARCH_X86_64_LAYOUT_H

#define KERNEL_VMA        0xffffffff80000000
#define DMAP_BASE         0xffff800000000000   /* all physical memory, PML4[256] */
#define PML4_DMAP_INDEX   256
#define BOOT_STACK_SIZE   16384
#define PAGE_SIZE         4096
#define PAGE_SHIFT        12

#define CR0_PE  (1 << 0)
#define CR0_MP  (1 << 1)
#define CR0_EM  (1 << 2)
#define CR0_TS  (1 << 3)
#define CR0_NE  (1 << 5)
#define CR0_WP  (1 << 16)
#define CR0_PG  (1 << 31)
#define CR4_PAE (1 << 5)
#define CR4_PGE (1 << 7)
#define CR4_OSFXSR (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)
#define CR4_FSGSBASE (1 << 16)
#define CR4_OSXSAVE (1 << 18)
#define CR4_SMEP (1 << 20)
#define CR4_SMAP (1 << 21)
#define EFER_SCE (1 << 0)
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)

#ifndef __ASSEMBLY__
#include <stdint.h>
static inline void *phys_to_virt(uint64_t pa) { return (void *)(pa + DMAP_BASE); }
static inline uint64_t virt_to_phys(const void *va)
{
	uint64_t v = (uint64_t)va;
	return v >= KERNEL_VMA ? v - KERNEL_VMA : v - DMAP_BASE;
}
#endif
#endif
