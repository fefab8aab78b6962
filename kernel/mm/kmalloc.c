#include "mm/kmalloc.h"
#include "mm/page.h"
#include "lib/string.h"
#include "lib/spinlock.h"

#define PAGE 4096
#define HDR  64            /* header size: keeps objects 16- (and 64-) aligned */
#define SLAB_MAGIC  0x51ab51abu
#define LARGE_MAGIC 0x1a12e000u

/* 2016: two per page after the header, so a network packet (an MTU frame and its headroom,
 * ~1.7 KiB) is half a slab page instead of a page of its own. */
static const uint32_t class_size[] = { 16, 32, 64, 128, 256, 512, 1024, 2016 };
#define NCLASS (sizeof(class_size) / sizeof(class_size[0]))

struct page_hdr {
	uint32_t magic;
	uint32_t cls;          /* slab: size class index */
	uint64_t npages;       /* large: pages in the run */
	void *free;            /* slab: first free object */
	uint32_t inuse, capacity;
	struct page_hdr *next; /* slab: next page of the class with free objects */
	struct page_hdr *prev;
};
_Static_assert(sizeof(struct page_hdr) <= HDR, "header fits");

static struct page_hdr *partial[NCLASS];
static struct spinlock lock = SPINLOCK_INIT;
static struct kmalloc_stats stats;

static void list_remove(int c, struct page_hdr *h)
{
	if (h->prev)
		h->prev->next = h->next;
	else if (partial[c] == h)
		partial[c] = h->next;
	if (h->next)
		h->next->prev = h->prev;
	h->next = h->prev = 0;
}

static void list_push(int c, struct page_hdr *h)
{
	h->prev = 0;
	h->next = partial[c];
	if (partial[c])
		partial[c]->prev = h;
	partial[c] = h;
}

static struct page_hdr *new_slab(int c)
{
	struct page_hdr *h = page_alloc_uninit(1);
	if (!h)
		return 0;
	h->magic = SLAB_MAGIC;
	h->cls = c;
	h->npages = 0;
	h->inuse = 0;
	h->next = h->prev = 0;
	uint32_t sz = class_size[c];
	/* Power-of-two objects are aligned to their size; the others start after the header (64). */
	uint32_t first = (sz & (sz - 1)) || sz < HDR ? HDR : sz;
	h->capacity = (PAGE - first) / sz;
	h->free = 0;
	for (int i = h->capacity - 1; i >= 0; i--) {
		void **obj = (void **)((char *)h + first + i * sz);
		*obj = h->free;
		h->free = obj;
	}
	stats.pages++;
	return h;
}

void *kmalloc(size_t size)
{
	if (size == 0)
		size = 1;
	if (size > class_size[NCLASS - 1]) {
		if (size > (1ULL << 40))
			return 0;
		uint64_t n = (size + HDR + PAGE - 1) / PAGE;
		struct page_hdr *h = page_alloc_uninit(n);
		if (!h)
			return 0;
		h->magic = LARGE_MAGIC;
		h->npages = n;
		uint64_t f = spin_lock_irqsave(&lock);
		stats.large_allocs++;
		stats.pages += n;
		spin_unlock_irqrestore(&lock, f);
		return (char *)h + HDR;
	}
	int c = 0;
	while (class_size[c] < size)
		c++;
	uint64_t f = spin_lock_irqsave(&lock);
	struct page_hdr *h = partial[c];
	if (!h) {
		h = new_slab(c);
		if (!h) {
			spin_unlock_irqrestore(&lock, f);
			return 0;
		}
		list_push(c, h);
	}
	void **obj = h->free;
	h->free = *obj;
	h->inuse++;
	if (!h->free)
		list_remove(c, h);
	stats.live_objects++;
	spin_unlock_irqrestore(&lock, f);
	return obj;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);
	if (p)
		memset(p, 0, size);
	return p;
}

static struct page_hdr *hdr_of(const void *p)
{
	return (struct page_hdr *)((uintptr_t)p & ~(uintptr_t)(PAGE - 1));
}

void kfree(void *p)
{
	if (!p)
		return;
	struct page_hdr *h = hdr_of(p);
	if (h->magic == LARGE_MAGIC && (char *)p == (char *)h + HDR) {
		uint64_t f = spin_lock_irqsave(&lock);
		stats.large_allocs--;
		stats.pages -= h->npages;
		spin_unlock_irqrestore(&lock, f);
		h->magic = 0;
		page_free(h, h->npages);
		return;
	}
	uint64_t f = spin_lock_irqsave(&lock);
	int c = h->cls;
	int was_full = h->free == 0;
	*(void **)p = h->free;
	h->free = p;
	h->inuse--;
	stats.live_objects--;
	if (h->inuse == 0 && (partial[c] != h || h->next)) {
		/* Keep one empty slab per class to avoid page churn; free the rest. */
		if (!was_full)
			list_remove(c, h);
		h->magic = 0;
		stats.pages--;
		spin_unlock_irqrestore(&lock, f);
		page_free(h, 1);
		return;
	}
	if (was_full)
		list_push(c, h);
	spin_unlock_irqrestore(&lock, f);
}

size_t kmalloc_usable_size(const void *p)
{
	struct page_hdr *h = hdr_of(p);
	if (h->magic == LARGE_MAGIC)
		return h->npages * PAGE - HDR;
	return class_size[h->cls];
}

void kmalloc_get_stats(struct kmalloc_stats *s)
{
	uint64_t f = spin_lock_irqsave(&lock);
	*s = stats;
	spin_unlock_irqrestore(&lock, f);
}
