/* kernel/mm/vma.c: ordering, merging of alike neighbours, splits on
 * boundaries, range removal, top-down gap search, and file references
 * balanced across splits and merges. */
#include "check.h"
#include "mm/vma.h"
#include <stdlib.h>
#include <string.h>

static int live, refs;
struct vma *vma_alloc(void) { live++; return calloc(1, sizeof(struct vma)); }
void vma_free(struct vma *v) { live--; free(v); }
void vma_file_ref(struct file *f) { refs++; }
void vma_file_unref(struct file *f) { refs--; }

static struct vma *mk(uint64_t s, uint64_t e, uint32_t flags, struct file *f, uint64_t off)
{
	struct vma *v = vma_alloc();
	v->start = s, v->end = e, v->flags = flags, v->file = f, v->offset = off;
	if (f)
		refs++;
	return v;
}

static int count(struct vma_list *l)
{
	int n = 0;
	for (struct vma *v = l->head; v; v = v->next)
		n++;
	return n;
}

static int sorted_disjoint(struct vma_list *l)
{
	for (struct vma *v = l->head; v && v->next; v = v->next)
		if (v->end > v->next->start || v->start >= v->end)
			return 0;
	return 1;
}

int main(void)
{
	struct vma_list l = { 0 };
	vma_insert(&l, mk(0x3000, 0x4000, VMA_READ, 0, 0));
	vma_insert(&l, mk(0x1000, 0x2000, VMA_READ, 0, 0));
	vma_insert(&l, mk(0x2000, 0x3000, VMA_READ, 0, 0));
	CHECK_EQ_INT("merge-both-sides", count(&l), 1);
	CHECK("merged-range", l.head->start == 0x1000 && l.head->end == 0x4000, "%lx-%lx", l.head->start, l.head->end);
	vma_insert(&l, mk(0x4000, 0x5000, VMA_READ | VMA_WRITE, 0, 0));
	CHECK_EQ_INT("no-merge-different-flags", count(&l), 2);
	CHECK("find", vma_find(&l, 0x4800) && vma_find(&l, 0x4800)->flags & VMA_WRITE, "not found");
	CHECK("find-miss", vma_find(&l, 0x5000) == 0 && vma_find(&l, 0xfff) == 0, "found");
	CHECK("overlaps", vma_overlaps(&l, 0x4fff, 0x6000) && !vma_overlaps(&l, 0x5000, 0x6000), "wrong");

	CHECK_EQ_INT("split", vma_split_at(&l, 0x2000, 0x3000), 0);
	CHECK_EQ_INT("split-count", count(&l), 4);
	vma_remove_range(&l, 0x2000, 0x3000);
	CHECK("removed", vma_find(&l, 0x1000) && vma_find(&l, 0x2000) == 0 && vma_find(&l, 0x2fff) == 0 && vma_find(&l, 0x3000),
	      "wrong");
	CHECK("sorted", sorted_disjoint(&l), "order");

	/* File-backed: contiguous offsets merge, others do not; references balance. */
	struct file *f = (struct file *)0x1234;
	vma_insert(&l, mk(0x10000, 0x11000, VMA_READ, f, 0));
	vma_insert(&l, mk(0x11000, 0x12000, VMA_READ, f, 0x1000));
	vma_insert(&l, mk(0x12000, 0x13000, VMA_READ, f, 0x5000));
	CHECK_EQ_INT("file-merge", count(&l), 5);
	CHECK_EQ_INT("refs-after-merge", refs, 2);
	vma_split_at(&l, 0x10800 & ~0xfffULL, 0x11000);
	CHECK_EQ_INT("refs-after-split", refs, 3);
	struct vma *hi = vma_find(&l, 0x11000);
	CHECK("split-offset", hi && hi->offset == 0x1000, "offset %lx", hi ? hi->offset : 0);
	vma_merge_adjacent(&l);
	CHECK_EQ_INT("remerge", refs, 2);

	uint64_t gap = vma_find_gap_topdown(&l, 0x2000, 0x1000, 0x1000, 0x20000);
	CHECK("gap-topdown", gap == 0x1e000, "gap %lx", gap);
	gap = vma_find_gap_topdown(&l, 0x10000, 0x1000, 0x1000, 0x14000);
	CHECK("gap-none", gap == 0, "gap %lx", gap);
	gap = vma_find_gap_topdown(&l, 0x1000, 0x4000, 0x1000, 0x10000);
	CHECK("gap-aligned", gap && gap % 0x4000 == 0 && !vma_overlaps(&l, gap, gap + 0x1000), "gap %lx", gap);

	vma_remove_range(&l, 0, ~0ULL);
	CHECK_EQ_INT("empty", count(&l), 0);
	CHECK_EQ_INT("no-leaks", live, 0);
	CHECK_EQ_INT("refs-zero", refs, 0);
	return check_done();
}
