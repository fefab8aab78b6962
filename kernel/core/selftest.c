#include "core/selftest.h"
#include "core/log.h"
#include "core/ksyms.h"
#include "core/time.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/clock.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/layout.h"
#include "mm/pmm.h"
#include "mm/kmalloc.h"
#include "lib/string.h"
#include "lib/printf.h"

static int passed, failed;

#define CHECK(name, cond, ...)                                                   \
	do {                                                                     \
		if (cond) {                                                      \
			passed++;                                                \
		} else {                                                         \
			failed++;                                                \
			char d_[160];                                            \
			ksnprintf(d_, sizeof(d_), __VA_ARGS__);                  \
			krecord("selftest-fail name=%s detail=\"%s\"", name, d_); \
		}                                                                \
	} while (0)

static void test_pmm(void)
{
	struct pmm_stats before, after;
	pmm_get_stats(&before);
	static uint64_t pages[256];
	int ok = 1;
	for (int i = 0; i < 256; i++) {
		pages[i] = pmm_alloc_page();
		if (!pages[i] || (pages[i] & 4095))
			ok = 0;
	}
	for (int i = 0; i < 256 && ok; i++)
		for (int j = i + 1; j < 256; j++)
			if (pages[i] == pages[j])
				ok = 0;
	CHECK("pmm-alloc-distinct", ok, "256 single pages must be distinct and aligned");
	for (int i = 0; i < 256; i++)
		if (pages[i])
			pmm_free_page(pages[i]);
	uint64_t run = pmm_alloc_pages(64, 512);
	CHECK("pmm-contiguous-aligned", run && (run % (512 * 4096)) == 0, "got %#lx", run);
	if (run) {
		CHECK("pmm-run-marked", !pmm_page_is_free(run + 63 * 4096), "last page of the run is free");
		pmm_free_pages(run, 64);
		CHECK("pmm-run-freed", pmm_page_is_free(run + 63 * 4096), "page not freed");
	}
	pmm_get_stats(&after);
	CHECK("pmm-stats-restored", after.free_bytes == before.free_bytes, "free %lu != %lu", after.free_bytes,
	      before.free_bytes);
}

static void test_kmalloc(void)
{
	static void *p[200];
	static const size_t sizes[] = { 1, 8, 16, 17, 63, 64, 100, 256, 1000, 1024, 1025, 4000, 5000, 70000 };
	struct kmalloc_stats s0, s1;
	kmalloc_get_stats(&s0);
	int ok = 1;
	for (int i = 0; i < 200; i++) {
		size_t sz = sizes[i % 14];
		p[i] = kmalloc(sz);
		if (!p[i] || ((uintptr_t)p[i] & 15) || kmalloc_usable_size(p[i]) < sz)
			ok = 0;
		else
			memset(p[i], i & 0xff, sz);
	}
	CHECK("kmalloc-alloc", ok, "allocation failed or misaligned");
	ok = 1;
	for (int i = 0; i < 200; i++) {
		size_t sz = sizes[i % 14];
		for (size_t k = 0; p[i] && k < sz; k++)
			if (((uint8_t *)p[i])[k] != (i & 0xff))
				ok = 0;
	}
	CHECK("kmalloc-no-overlap", ok, "an allocation was overwritten by another");
	for (int i = 0; i < 200; i += 2)
		kfree(p[i]);
	for (int i = 1; i < 200; i += 2)
		kfree(p[i]);
	kmalloc_get_stats(&s1);
	CHECK("kmalloc-stats", s1.live_objects == s0.live_objects && s1.large_allocs == s0.large_allocs,
	      "live %lu/%lu large %lu/%lu", s1.live_objects, s0.live_objects, s1.large_allocs, s0.large_allocs);
}

static void test_timer(void)
{
	/* jiffies follow the TSC: measured from a tick to a tick, they advance as
	 * the TSC says (+-2), however late the host delivers the interrupts. And
	 * the timer interrupt keeps coming. */
	uint64_t j = jiffies;
	while (jiffies == j)
		cpu_idle_wait();
	uint64_t t0 = time_monotonic_ns(), j0 = jiffies, i0 = timer_interrupts;
	uint64_t want = 100 * NSEC_PER_SEC / TIMER_HZ;
	while (time_monotonic_ns() - t0 < want)
		cpu_idle_wait();
	j = jiffies;
	while (jiffies == j)
		cpu_idle_wait();
	uint64_t t1 = time_monotonic_ns(), j1 = jiffies, di = timer_interrupts - i0;
	int64_t by_tsc = (int64_t)((t1 - t0) / (NSEC_PER_SEC / TIMER_HZ)), dj = (int64_t)(j1 - j0);
	CHECK("timer-jiffies", dj - by_tsc >= -2 && dj - by_tsc <= 2, "%ld jiffies in %ld ms of TSC time", dj, by_tsc);
	/* No upper bound: after the host stalls the vCPU, QEMU's LAPIC fires the missed periods
	 * back to back (a thousand in 100 ms was seen under load). */
	CHECK("timer-interrupts", di >= 10, "%lu timer interrupts in %ld ms", di, by_tsc);
	uint64_t m0 = time_monotonic_ns(), m1 = time_monotonic_ns();
	CHECK("monotonic", m1 >= m0, "time went back");
	CHECK("realtime-plausible", time_realtime_ns() > 1600000000LL * (int64_t)NSEC_PER_SEC,
	      "realtime %ld", time_realtime_ns());
}

extern char selftest_touch_insn[], selftest_touch_resume[];
uint64_t selftest_touch(const void *addr);
static volatile uint64_t hook_cr2, hook_error;
static volatile int hook_hits;

static int fault_hook(struct trap_frame *f)
{
	if (f->vector != VEC_PAGE_FAULT || f->rip != (uint64_t)selftest_touch_insn)
		return 0;
	hook_hits++;
	hook_cr2 = read_cr2();
	hook_error = f->error;
	f->rip = (uint64_t)selftest_touch_resume;
	return 1;
}

extern char _text[], _rodata[];

static void test_faults(void)
{
	trap_test_hook = fault_hook;
	selftest_touch((const void *)0x1000);   /* the low identity map is gone */
	trap_test_hook = 0;
	CHECK("pagefault-hook", hook_hits == 1 && hook_cr2 == 0x1000 && !(hook_error & 1),
	      "hits=%d cr2=%#lx error=%#lx", hook_hits, hook_cr2, hook_error);
	uint64_t v = 0;
	CHECK("probe-unmapped", probe_read_u64((const uint64_t *)0x2000, &v) == -14, "read of 0x2000 did not fault");
	CHECK("probe-mapped", probe_read_u64((const uint64_t *)_rodata, &v) == 0, "read of .rodata faulted");
	CHECK("text-readonly", probe_write_u64((uint64_t *)_text, 0) == -14, ".text is writable");
	CHECK("rodata-readonly", probe_write_u64((uint64_t *)_rodata, 0) == -14, ".rodata is writable");
}

static void test_ksyms(void)
{
	uint64_t off = 1;
	const char *name = ksyms_lookup((uint64_t)test_ksyms + 3, &off);
	CHECK("ksyms-lookup", name && !strcmp(name, "test_ksyms") && off == 3, "got %s+%lu", name ? name : "?", off);
}

int selftest_run(void)
{
	passed = failed = 0;
	test_pmm();
	test_kmalloc();
	test_timer();
	test_faults();
	test_ksyms();
	krecord("selftest passed=%d failed=%d", passed, failed);
	return failed;
}
