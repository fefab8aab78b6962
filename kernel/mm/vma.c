#include "mm/vma.h"
#include "lib/errno.h"

struct vma *vma_find(struct vma_list *l, uint64_t addr)
{
	struct vma *c = l->cache;
	if (c && addr >= c->start && addr < c->end)
		return c;
	for (struct vma *v = l->head; v && v->start <= addr; v = v->next)
		if (addr < v->end) {
			l->cache = v;
			return v;
		}
	return 0;
}

bool vma_overlaps(struct vma_list *l, uint64_t start, uint64_t end)
{
	for (struct vma *v = l->head; v && v->start < end; v = v->next)
		if (v->end > start)
			return true;
	return false;
}

static bool can_merge(const struct vma *a, const struct vma *b)
{
	if (a->end != b->start || a->flags != b->flags || a->file != b->file)
		return false;
	return !a->file || a->offset + (a->end - a->start) == b->offset;
}

/* Folds a->next into a when they are alike; returns whether it did. */
static bool merge_next(struct vma_list *l, struct vma *a)
{
	struct vma *n = a->next;
	if (!n || !can_merge(a, n))
		return false;
	a->end = n->end;
	a->next = n->next;
	if (n->file)
		vma_file_unref(n->file);
	if (l->cache == n)
		l->cache = 0;
	vma_free(n);
	l->count--;
	return true;
}

void vma_merge_adjacent(struct vma_list *l)
{
	for (struct vma *v = l->head; v;)
		if (!merge_next(l, v))
			v = v->next;
}

void vma_insert(struct vma_list *l, struct vma *v)
{
	struct vma **pp = &l->head, *prev = 0;
	while (*pp && (*pp)->start < v->start) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	v->next = *pp;
	*pp = v;
	l->count++;
	merge_next(l, v);
	if (prev)
		merge_next(l, prev);
}

/* Splits v at addr (strictly inside it): v keeps the low part. */
static int split(struct vma_list *l, struct vma *v, uint64_t addr)
{
	struct vma *hi = vma_alloc();
	if (!hi)
		return -ENOMEM;
	*hi = *v;
	hi->start = addr;
	if (v->file) {
		hi->offset = v->offset + (addr - v->start);
		vma_file_ref(v->file);
	}
	v->end = addr;
	v->next = hi;
	l->count++;
	return 0;
}

int vma_split_at(struct vma_list *l, uint64_t start, uint64_t end)
{
	for (struct vma *v = l->head; v && v->start < end; v = v->next) {
		if (start > v->start && start < v->end) {
			if (split(l, v, start))
				return -ENOMEM;
			continue;   /* the high part is next and may need the end split */
		}
		if (end > v->start && end < v->end) {
			if (split(l, v, end))
				return -ENOMEM;
		}
	}
	return 0;
}

void vma_remove_range(struct vma_list *l, uint64_t start, uint64_t end)
{
	struct vma **pp = &l->head;
	while (*pp && (*pp)->start < end) {
		struct vma *v = *pp;
		if (v->start >= start && v->end <= end) {
			*pp = v->next;
			if (l->cache == v)
				l->cache = 0;
			if (v->file)
				vma_file_unref(v->file);
			vma_free(v);
			l->count--;
		} else {
			pp = &v->next;
		}
	}
}

uint64_t vma_find_gap_topdown(struct vma_list *l, uint64_t len, uint64_t align, uint64_t lo, uint64_t hi)
{
	if (align < 4096)
		align = 4096;
	uint64_t best = 0;
	uint64_t gap_start = lo;
	/* Walk gaps bottom-up, remembering the highest one that fits. */
	for (struct vma *v = l->head;; v = v->next) {
		uint64_t gap_end = v ? v->start : hi;
		if (gap_end > hi)
			gap_end = hi;
		if (gap_end > gap_start && gap_end - gap_start >= len) {
			uint64_t cand = (gap_end - len) & ~(align - 1);
			if (cand >= gap_start && cand > best)
				best = cand;
		}
		if (!v || v->start >= hi)
			break;
		if (v->end > gap_start)
			gap_start = v->end;
	}
	return best;
}
