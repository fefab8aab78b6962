/* kernel/mm/kmalloc.c over pages from the C library: alignment, sizes,
 * no overlap under a random alloc/free mix, pages returned when freed. */
#include "check.h"
#include "mm/kmalloc.h"
#include "mm/page.h"
#include <stdlib.h>
#include <string.h>

static long pages_out;

static void *pages(uint64_t n, int fill)
{
	void *p = aligned_alloc(4096, n * 4096);
	if (p) {
		memset(p, fill, n * 4096);
		pages_out += n;
	}
	return p;
}

void *page_alloc(uint64_t n) { return pages(n, 0); }
/* Not zeroed, and filled with garbage so a test sees it if kmalloc relied on zeroes. */
void *page_alloc_uninit(uint64_t n) { return pages(n, 0xa5); }

void page_free(void *p, uint64_t n)
{
	pages_out -= n;
	free(p);
}

#define N 4000

int main(void)
{
	static void *ptr[N];
	static size_t size[N];
	srand(7);
	int bad_align = 0, bad_usable = 0, corrupt = 0;
	for (int round = 0; round < 20; round++) {
		for (int i = 0; i < N; i++) {
			if (ptr[i] && rand() % 2) {
				for (size_t k = 0; k < size[i]; k++)
					if (((unsigned char *)ptr[i])[k] != (unsigned char)(i + size[i]))
						corrupt++;
				kfree(ptr[i]);
				ptr[i] = NULL;
			} else if (!ptr[i]) {
				size[i] = rand() % 3 == 0 ? rand() % 20000 : rand() % 2100;
				ptr[i] = kmalloc(size[i]);
				if ((uintptr_t)ptr[i] % 16)
					bad_align++;
				if (kmalloc_usable_size(ptr[i]) < size[i])
					bad_usable++;
				memset(ptr[i], (unsigned char)(i + size[i]), size[i]);
			}
		}
	}
	CHECK_EQ_INT("aligned", bad_align, 0);
	CHECK_EQ_INT("usable-size", bad_usable, 0);
	CHECK_EQ_INT("no-overlap", corrupt, 0);
	for (int i = 0; i < N; i++)
		kfree(ptr[i]);
	struct kmalloc_stats s;
	kmalloc_get_stats(&s);
	CHECK_EQ_INT("no-live-objects", s.live_objects, 0);
	CHECK_EQ_INT("no-large", s.large_allocs, 0);
	CHECK("pages-returned", pages_out <= 8, "%ld pages still out (at most one empty slab per class)", pages_out);
	CHECK("huge-fails", kmalloc(1ULL << 50) == NULL, "allocated 2^50 bytes");
	void *z = kzalloc(3000);
	int zero = 1;
	for (int i = 0; i < 3000; i++)
		zero &= ((unsigned char *)z)[i] == 0;
	CHECK("kzalloc-zeroes", zero, "not zero");
	kfree(z);
	kfree(NULL);
	return check_done();
}
