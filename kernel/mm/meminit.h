#ifndef MM_MEMINIT_H
#define MM_MEMINIT_H
/* Sets up the page allocator from boot_info and switches to the kernel page tables. */
void mem_init(void);
#endif
