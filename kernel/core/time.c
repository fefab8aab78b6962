#include "core/time.h"
#include "core/profile.h"
#include "arch/x86_64/clock.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/trap.h"
#include "compat/vdso/vvar.h"
#include "mm/page.h"
#include "core/panic.h"
#include "sched/thread.h"

volatile uint64_t jiffies;
volatile uint64_t timer_interrupts;
static uint64_t ns_mult;        /* ns = tsc * ns_mult >> 32 */
static int64_t realtime_base;   /* ns since the epoch at tsc == boot_tsc */
static void (*tick_hook)(void);
/* The page the vDSO reads (compat/vdso/vvar.h), mapped read-only into the app. */
struct vvar_data *vvar_page;

uint64_t tsc_to_ns(uint64_t d)
{
	return (uint64_t)(((unsigned __int128)d * ns_mult) >> 32);
}

uint64_t time_monotonic_ns(void)
{
	return tsc_to_ns(rdtsc() - boot_tsc);
}

int64_t time_realtime_ns(void)
{
	return realtime_base + (int64_t)time_monotonic_ns();
}

void time_set_tick_hook(void (*fn)(void)) { tick_hook = fn; }

/* jiffies follow the TSC, not the interrupt count: a busy host delays and
 * merges timer interrupts under TCG, and time must not fall behind then. */
static void tick(struct trap_frame *f)
{
	timer_interrupts++;
	jiffies = time_monotonic_ns() / (NSEC_PER_SEC / TIMER_HZ);
	if (profile_on)
		profile_sample(f);
	if (tick_hook)
		tick_hook();
}

void time_init(void)
{
	ns_mult = (uint64_t)(((unsigned __int128)NSEC_PER_SEC << 32) / tsc_hz);
	int64_t rtc = rtc_read_unix();
	realtime_base = rtc * (int64_t)NSEC_PER_SEC - (int64_t)time_monotonic_ns();
	vvar_page = page_alloc(1);
	if (!vvar_page)
		panic("no memory for the vvar page");
	vvar_page->tsc_base = boot_tsc;
	vvar_page->ns_mult = ns_mult;
	vvar_page->realtime_base_ns = realtime_base;
	irq_register(VEC_TIMER, tick);
	lapic_timer_periodic(TIMER_HZ, VEC_TIMER);
}

static uint64_t thread_runtime(struct thread *t, uint64_t now)
{
	return t->runtime_tsc + (t == current() ? now - t->run_start_tsc : 0);
}

uint64_t time_cputime_ns(struct thread *t)
{
	uint64_t now = rdtsc();
	if (t)
		return tsc_to_ns(thread_runtime(t, now));
	uint64_t sum = sched_dead_runtime_tsc;
	for (struct thread *x = thread_first(); x; x = x->all_next)
		if (x->user && x->state != THREAD_DEAD)
			sum += thread_runtime(x, now);
	return tsc_to_ns(sum);
}

void time_set_realtime(int64_t ns)
{
	realtime_base = ns - (int64_t)time_monotonic_ns();
	vvar_page->seq++;
	__asm__ volatile("" ::: "memory");
	vvar_page->realtime_base_ns = realtime_base;
	__asm__ volatile("" ::: "memory");
	vvar_page->seq++;
}
