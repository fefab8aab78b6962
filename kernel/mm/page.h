/* Whole pages seen through the direct map: what kmalloc and the page-table
 * code allocate from. Implemented over the pmm in the kernel and over the C
 * library in host unit tests. */
#ifndef MM_PAGE_H
#define MM_PAGE_H
#include <stdint.h>

/* n contiguous zeroed pages, or NULL. */
void *page_alloc(uint64_t n);
/* The same, not zeroed (kmalloc: its callers never assumed zeroed memory, and zeroing a page
 * per network packet was 2.6 % of a busy server's CPU). */
void *page_alloc_uninit(uint64_t n);
void page_free(void *p, uint64_t n);

#endif
