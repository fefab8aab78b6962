/* kernel/mm/pmm.c on fake memory maps: accounting, exhaustion, holes and
 * reserved ranges never handed out, contiguous aligned runs, double free. */
#include "check.h"
#include "mm/pmm.h"
#include <stdlib.h>
#include <string.h>

static int double_frees;
void pmm_double_free(uint64_t pa) { double_frees++; }

#define MB (1024ULL * 1024)

int main(void)
{
	struct phys_range ram[] = { { 0, 0x9fc00 }, { MB, 16 * MB } };
	struct phys_range resv[] = { { 0, MB }, { MB, 2 * MB }, { 5 * MB + 100, 5 * MB + 200 } };
	size_t bytes = pmm_bitmap_bytes(16 * MB);
	CHECK_EQ_INT("bitmap-bytes", bytes, 4096 / 8);
	void *bitmap = malloc(bytes);
	pmm_init(bitmap, ram, 2, resv, 3);
	struct pmm_stats s;
	pmm_get_stats(&s);
	uint64_t ram_pages = 0x9f + (15 * MB) / 4096;
	CHECK_EQ_INT("ram", s.ram_bytes, ram_pages * 4096);
	uint64_t resv_pages = 0x9f + 256 + 1;
	CHECK_EQ_INT("reserved", s.reserved_bytes, resv_pages * 4096);
	CHECK_EQ_INT("free+reserved=ram", s.free_bytes + s.reserved_bytes, s.ram_bytes);

	/* Exhaust memory one page at a time. */
	uint64_t n = s.free_bytes / 4096, got = 0;
	uint64_t *pages = calloc(n + 1, 8);
	int bad = 0;
	for (;;) {
		uint64_t pa = pmm_alloc_page();
		if (!pa)
			break;
		if (got <= n)
			pages[got] = pa;
		got++;
		if (pa < 2 * MB || pa >= 16 * MB || (pa & 4095) || pa == 5 * MB)
			bad++;
	}
	CHECK_EQ_INT("exhaustion-count", got, n);
	CHECK_EQ_INT("never-reserved-or-hole", bad, 0);
	pmm_get_stats(&s);
	CHECK_EQ_INT("all-used", s.free_bytes, 0);
	CHECK_EQ_INT("alloc-after-exhaustion", pmm_alloc_page(), 0);
	for (uint64_t i = 0; i < got; i++)
		pmm_free_page(pages[i]);
	pmm_get_stats(&s);
	CHECK_EQ_INT("all-free-again", s.free_bytes, n * 4096);

	/* A page just freed is the next one handed out (warm, already backed by the host). */
	uint64_t a1 = pmm_alloc_page(), a2 = pmm_alloc_page(), a3 = pmm_alloc_page();
	pmm_free_page(a2);
	pmm_free_page(a1);
	uint64_t b1 = pmm_alloc_page(), b2 = pmm_alloc_page();
	CHECK("freed-pages-come-back-first", b1 == a1 && b2 == a2, "got %#llx %#llx, freed %#llx %#llx", (unsigned long long)b1,
	      (unsigned long long)b2, (unsigned long long)a1, (unsigned long long)a2);
	pmm_free_page(b1);
	pmm_free_page(b2);
	pmm_free_page(a3);

	uint64_t run = pmm_alloc_pages(300, 256);
	CHECK("run-aligned", run && run % (256 * 4096) == 0 && run >= 2 * MB, "run %#llx", (unsigned long long)run);
	int crosses = run <= 5 * MB && run + 300 * 4096 > 5 * MB;
	CHECK("run-avoids-reserved", !crosses, "run %#llx covers 5 MiB", (unsigned long long)run);
	CHECK_EQ_INT("too-big-run", pmm_alloc_pages(4000, 1), 0);
	pmm_free_pages(run, 300);

	/* Runs in fragmented memory: every page taken, then every frame whose number is a multiple
	 * of 3 given back, so no run of two exists; then a gap of 5 frames high up and one of 3
	 * low down. The search must find the gaps wherever its cursor stands, and nothing larger. */
	got = 0;
	for (uint64_t pa; (pa = pmm_alloc_page());)
		pages[got++] = pa;
	uint64_t top = 15 * MB, bottom = 2 * MB + 10 * 4096;   /* frames 3840 and 522: multiples of 3 */
#define IN(pa, at, k) ((pa) >= (at) && (pa) < (at) + (k) * 4096)
	for (uint64_t i = 0; i < got; i++)
		if ((pages[i] / 4096) % 3 == 0)
			pmm_free_page(pages[i]);
	uint64_t two = pmm_alloc_pages(2, 1);
	CHECK_EQ_INT("no-run-of-2-in-holes", two, 0);
	for (uint64_t i = 0; i < got; i++)
		if ((pages[i] / 4096) % 3 && (IN(pages[i], top, 5) || IN(pages[i], bottom, 3)))
			pmm_free_page(pages[i]);
	uint64_t pa_top = pmm_alloc_pages(5, 1);
	CHECK_EQ_INT("run-of-5-found-high", pa_top, top);
	uint64_t pa_bottom = pmm_alloc_pages(3, 1);
	CHECK_EQ_INT("run-of-3-found-low", pa_bottom, bottom);
	uint64_t more = pmm_alloc_pages(3, 1);
	CHECK_EQ_INT("nothing-larger", more, 0);
	pmm_free_pages(pa_top, 5);
	pmm_free_pages(pa_bottom, 3);
	for (uint64_t i = 0; i < got; i++)
		if ((pages[i] / 4096) % 3 && !IN(pages[i], top, 5) && !IN(pages[i], bottom, 3))
			pmm_free_page(pages[i]);
#undef IN
	pmm_get_stats(&s);
	CHECK_EQ_INT("all-free-after-fragmentation", s.free_bytes, n * 4096);
	CHECK_EQ_INT("no-double-free", double_frees, 0);

	pmm_free_page(3 * MB);
	CHECK_EQ_INT("double-free-detected", double_frees, 1);
	pmm_free_page(64 * MB);
	CHECK_EQ_INT("free-beyond-ram-detected", double_frees, 2);

	CHECK_EQ_INT("find-region-exact-fit", pmm_find_region(ram, 2, resv, 3, 3 * MB, MB), 2 * MB);
	uint64_t at = pmm_find_region(ram, 2, resv, 3, 3 * MB + 4096, MB);
	CHECK_EQ_INT("find-region-after-reserved", at, 5 * MB + 4096);
	CHECK_EQ_INT("find-region-too-big", pmm_find_region(ram, 2, resv, 3, 15 * MB, 0), 0);
	free(pages);
	free(bitmap);
	return check_done();
}
