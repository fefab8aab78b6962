#include "mm/page.h"
#include "mm/pmm.h"
#include "core/panic.h"
#include "arch/x86_64/layout.h"
#include "lib/string.h"

void *page_alloc_uninit(uint64_t n)
{
	uint64_t pa = pmm_alloc_pages(n, 1);
	return pa ? phys_to_virt(pa) : 0;
}

void *page_alloc(uint64_t n)
{
	void *p = page_alloc_uninit(n);
	if (p)
		memset(p, 0, n * PAGE_SIZE);
	return p;
}

void page_free(void *p, uint64_t n)
{
	pmm_free_pages(virt_to_phys(p), n);
}

void pmm_double_free(uint64_t pa)
{
	panic("pmm: freeing page %#lx that is not allocated", pa);
}
