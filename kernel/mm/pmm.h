/* Physical page allocator: one bit per page frame up to the highest RAM
 * address (1 = in use). Single pages come from a rotating cursor; runs of
 * pages from a first-fit scan. Locked for SMP. The bitmap logic touches no
 * hardware and is unit-tested on the host. */
#ifndef MM_PMM_H
#define MM_PMM_H
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

struct phys_range { uint64_t start, end; };   /* [start, end) */

struct pmm_stats {
	uint64_t ram_bytes;       /* sum of the RAM ranges, each rounded inward to pages */
	uint64_t free_bytes;
	uint64_t reserved_bytes;  /* RAM in use: at boot, the kernel, boot data and the bitmap */
};

/* Bytes of bitmap needed to track frames below max_addr. */
size_t pmm_bitmap_bytes(uint64_t max_addr);
/* First page-aligned address of size bytes inside some RAM range and outside
 * every reserved range, at or above min_addr; 0 when none. */
uint64_t pmm_find_region(const struct phys_range *ram, int nram, const struct phys_range *resv, int nresv,
			 uint64_t size, uint64_t min_addr);
/* Sets up the allocator: RAM ranges are free except the reserved ones. bitmap
 * must hold pmm_bitmap_bytes(max RAM end); its own frames must be listed in resv. */
void pmm_init(void *bitmap, const struct phys_range *ram, int nram, const struct phys_range *resv, int nresv);

/* Returns the physical address of a free page, or 0 when memory is exhausted. */
uint64_t pmm_alloc_page(void);
/* n physically contiguous pages aligned to align_pages (a power of two); 0 when none. */
uint64_t pmm_alloc_pages(uint64_t n, uint64_t align_pages);
void pmm_free_page(uint64_t pa);
void pmm_free_pages(uint64_t pa, uint64_t n);
bool pmm_page_is_free(uint64_t pa);
void pmm_get_stats(struct pmm_stats *s);
/* Called on freeing a frame that is not allocated: a kernel bug (panics). */
void pmm_double_free(uint64_t pa);

#endif
