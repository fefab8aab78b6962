/* x86-64 four-level page tables. The kernel half (PML4 256..511) is shared
 * by every address space; mm/ builds user mappings on top of these calls. */
#ifndef ARCH_X86_64_PAGING_H
#define ARCH_X86_64_PAGING_H
#include <stdint.h>
#include <stdbool.h>

#define PTE_P    (1ULL << 0)
#define PTE_W    (1ULL << 1)
#define PTE_U    (1ULL << 2)
#define PTE_PWT  (1ULL << 3)
#define PTE_PCD  (1ULL << 4)
#define PTE_A    (1ULL << 5)
#define PTE_D    (1ULL << 6)
#define PTE_PS   (1ULL << 7)
#define PTE_G    (1ULL << 8)
#define PTE_NX   (1ULL << 63)
#define PTE_FOREIGN (1ULL << 9)   /* software: the page belongs to a file, not to this mapping */
#define PTE_ADDR 0x000ffffffffff000ULL

/* Builds the kernel's final page tables (direct map of all RAM, the kernel
 * image with per-section permissions, no identity map) and switches to them. */
void paging_init(void);
uint64_t paging_kernel_root(void);   /* physical address of the kernel PML4 */

/* Returns the 4 KiB PTE for va in the tree at root (physical), creating
 * missing tables when create is set; NULL when absent or out of memory. A
 * 2 MiB mapping in the way also gives NULL. */
uint64_t *paging_pte(uint64_t root, uint64_t va, bool create);
/* Maps one 4 KiB page. Returns 0 or -ENOMEM. */
int paging_map(uint64_t root, uint64_t va, uint64_t pa, uint64_t flags);
/* Maps [pa, pa+len) of device memory uncached in the direct map; returns its virtual address. */
void *paging_map_mmio(uint64_t pa, uint64_t len);
static inline void paging_flush(uint64_t va) { __asm__ volatile("invlpg (%0)" ::"r"(va) : "memory"); }

/* Calls fn for every present 4 KiB PTE in [start, end), skipping absent
 * upper levels wholesale (V8 and wasm reserve gigabytes they never touch). */
void paging_walk_range(uint64_t root, uint64_t start, uint64_t end,
		       void (*fn)(uint64_t va, uint64_t *pte, void *ctx), void *ctx);

extern bool cpu_has_smap, cpu_has_smep, cpu_has_nx, cpu_has_1g_pages;

#endif
