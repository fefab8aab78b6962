#include "core/time.h"
#include "arch/x86_64/clock.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/trap.h"

volatile uint64_t jiffies;
static uint64_t ns_mult;        /* ns = tsc * ns_mult >> 32 */
static int64_t realtime_base;   /* ns since the epoch at tsc == boot_tsc */
static void (*tick_hook)(void);

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

static void tick(struct trap_frame *f)
{
	jiffies++;
	if (tick_hook)
		tick_hook();
}

void time_init(void)
{
	ns_mult = (uint64_t)(((unsigned __int128)NSEC_PER_SEC << 32) / tsc_hz);
	int64_t rtc = rtc_read_unix();
	realtime_base = rtc * (int64_t)NSEC_PER_SEC - (int64_t)time_monotonic_ns();
	irq_register(VEC_TIMER, tick);
	lapic_timer_periodic(TIMER_HZ, VEC_TIMER);
}
