#include "mm/pmm.h"
#include "lib/string.h"
#include "lib/spinlock.h"

#define PAGE 4096ULL

static uint64_t *bits;
static uint64_t nframes;
static uint64_t free_frames, ram_frames;
static uint64_t cursor;   /* word index where the next single-page search starts */
#define HOT_MAX 512
static uint64_t hot[HOT_MAX];   /* single frames freed lately, most recent last */
static int nhot;
static struct spinlock lock = SPINLOCK_INIT;

static inline bool test_bit(uint64_t f) { return bits[f / 64] >> (f % 64) & 1; }
static inline void set_bit(uint64_t f) { bits[f / 64] |= 1ULL << (f % 64); }
static inline void clear_bit(uint64_t f) { bits[f / 64] &= ~(1ULL << (f % 64)); }

static uint64_t round_up(uint64_t v) { return (v + PAGE - 1) & ~(PAGE - 1); }
static uint64_t round_down(uint64_t v) { return v & ~(PAGE - 1); }

size_t pmm_bitmap_bytes(uint64_t max_addr)
{
	uint64_t frames = round_up(max_addr) / PAGE;
	return (size_t)(((frames + 63) / 64) * 8);
}

static bool overlaps(uint64_t a, uint64_t b, const struct phys_range *r)
{
	return a < r->end && r->start < b;
}

uint64_t pmm_find_region(const struct phys_range *ram, int nram, const struct phys_range *resv, int nresv,
			 uint64_t size, uint64_t min_addr)
{
	size = round_up(size);
	for (int i = 0; i < nram; i++) {
		uint64_t a = round_up(ram[i].start > min_addr ? ram[i].start : min_addr);
		uint64_t end = round_down(ram[i].end);
		while (a + size <= end && a + size > a) {
			int hit = -1;
			for (int j = 0; j < nresv; j++)
				if (overlaps(a, a + size, &resv[j])) {
					hit = j;
					break;
				}
			if (hit < 0)
				return a;
			a = round_up(resv[hit].end);
		}
	}
	return 0;
}

static unsigned popcount64(uint64_t x)
{
	x = x - ((x >> 1) & 0x5555555555555555ULL);
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (x * 0x0101010101010101ULL) >> 56;
}

/* Sets (used = true) or clears frames [a, b), a word at a time where it can;
 * returns how many frames changed state. */
static uint64_t mark_range(uint64_t a, uint64_t b, bool used)
{
	uint64_t changed = 0;
	if (b > nframes)
		b = nframes;
	while (a < b) {
		uint64_t w = a / 64, bit = a % 64;
		uint64_t n = 64 - bit < b - a ? 64 - bit : b - a;
		uint64_t mask = (n == 64 ? ~0ULL : ((1ULL << n) - 1)) << bit;
		uint64_t before = bits[w];
		bits[w] = used ? before | mask : before & ~mask;
		changed += popcount64((before ^ bits[w]) & mask);
		a += n;
	}
	return changed;
}

void pmm_init(void *bitmap, const struct phys_range *ram, int nram, const struct phys_range *resv, int nresv)
{
	uint64_t max = 0;
	for (int i = 0; i < nram; i++)
		if (ram[i].end > max)
			max = ram[i].end;
	bits = bitmap;
	nframes = round_down(max) / PAGE;
	memset(bits, 0xff, pmm_bitmap_bytes(max));
	free_frames = ram_frames = 0;
	for (int i = 0; i < nram; i++) {
		uint64_t a = round_up(ram[i].start) / PAGE, b = round_down(ram[i].end) / PAGE;
		if (a < b) {
			uint64_t n = mark_range(a, b, false);
			ram_frames += n;
			free_frames += n;
		}
	}
	for (int j = 0; j < nresv; j++)
		if (resv[j].end > resv[j].start)
			free_frames -= mark_range(round_down(resv[j].start) / PAGE, round_up(resv[j].end) / PAGE, true);
	cursor = 0;
	nhot = 0;
}

uint64_t pmm_alloc_page(void)
{
	uint64_t flags = spin_lock_irqsave(&lock);
	uint64_t words = (nframes + 63) / 64, pa = 0;
	/* Frames freed lately first (their bitmap bits are clear; a multi-page run may have taken
	 * one since): they are warm in the caches and already backed by the host, where the
	 * next-fit search walks into memory the guest never touched and the host RSS creeps up. */
	while (nhot) {
		uint64_t f = hot[--nhot];
		if (!test_bit(f)) {
			set_bit(f);
			free_frames--;
			spin_unlock_irqrestore(&lock, flags);
			return f * PAGE;
		}
	}
	for (uint64_t k = 0; k < words; k++) {
		uint64_t w = (cursor + k) % words;
		if (bits[w] == ~0ULL)
			continue;
		uint64_t f = w * 64 + __builtin_ctzll(~bits[w]);
		if (f >= nframes)
			continue;
		set_bit(f);
		free_frames--;
		cursor = w;
		pa = f * PAGE;
		break;
	}
	spin_unlock_irqrestore(&lock, flags);
	return pa;
}

#define NO_RUN (~0ULL)

/* The first run of n free frames in [from, to) starting at a multiple of align. Whole words of
 * used frames are skipped 64 at a time: the old frame-by-frame scan from frame 0 over a busy
 * low memory was 3 % of a server's CPU (a multi-page kmalloc per large packet). */
static uint64_t find_run(uint64_t from, uint64_t to, uint64_t n, uint64_t align)
{
	for (uint64_t f = from; f + n <= to;) {
		f = (f + align - 1) & ~(align - 1);
		if (f + n > to)
			break;
		if (bits[f / 64] == ~0ULL) {
			f = (f / 64 + 1) * 64;
			continue;
		}
		uint64_t k = 0;
		while (k < n && !test_bit(f + k))
			k++;
		if (k == n)
			return f;
		f += k + 1;
	}
	return NO_RUN;
}

uint64_t pmm_alloc_pages(uint64_t n, uint64_t align_pages)
{
	if (n == 0)
		return 0;
	if (n == 1 && align_pages <= 1)
		return pmm_alloc_page();
	if (align_pages == 0)
		align_pages = 1;
	uint64_t flags = spin_lock_irqsave(&lock), pa = 0;
	/* First fit: runs come back from low memory again and again, so the guest touches (and
	 * the host backs) no more RAM than it needs; next fit walked through all of it. */
	uint64_t f = find_run(0, nframes, n, align_pages);
	if (f != NO_RUN) {
		for (uint64_t k = 0; k < n; k++)
			set_bit(f + k);
		free_frames -= n;
		pa = f * PAGE;
	}
	spin_unlock_irqrestore(&lock, flags);
	return pa;
}

void pmm_free_pages(uint64_t pa, uint64_t n)
{
	uint64_t flags = spin_lock_irqsave(&lock);
	for (uint64_t f = pa / PAGE; f < pa / PAGE + n; f++) {
		if (f >= nframes || !test_bit(f)) {
			spin_unlock_irqrestore(&lock, flags);
			pmm_double_free(f * PAGE);
			return;
		}
		clear_bit(f);
		free_frames++;
	}
	if (n == 1 && nhot < HOT_MAX)
		hot[nhot++] = pa / PAGE;
	spin_unlock_irqrestore(&lock, flags);
}

void pmm_free_page(uint64_t pa)
{
	pmm_free_pages(pa, 1);
}

bool pmm_page_is_free(uint64_t pa)
{
	uint64_t f = pa / PAGE;
	return f < nframes && !test_bit(f);
}

void pmm_get_stats(struct pmm_stats *s)
{
	s->ram_bytes = ram_frames * PAGE;
	s->free_bytes = free_frames * PAGE;
	s->reserved_bytes = (ram_frames - free_frames) * PAGE;
}
