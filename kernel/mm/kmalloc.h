/* The kernel heap. Small sizes (<= 1024 bytes) come from per-size-class
 * slabs of one page; larger ones take whole pages. Every allocation's page
 * starts with a header, so kfree needs no size. Host-testable over page.h. */
#ifndef MM_KMALLOC_H
#define MM_KMALLOC_H
#include <stddef.h>
#include <stdint.h>

/* Returns 16-byte aligned memory, or NULL. Contents are not zeroed. */
void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *p);
/* Bytes the allocation behind p can hold (>= what was asked). */
size_t kmalloc_usable_size(const void *p);

struct kmalloc_stats { uint64_t pages, live_objects, large_allocs; };
void kmalloc_get_stats(struct kmalloc_stats *s);

#endif
