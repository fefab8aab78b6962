/* Kernel time: CLOCK_MONOTONIC from the TSC (calibrated against the PIT),
 * CLOCK_REALTIME = the RTC's reading at boot + monotonic time, and the
 * periodic tick (TIMER_HZ) that drives preemption and timeouts. */
#ifndef CORE_TIME_H
#define CORE_TIME_H
#include <stdint.h>

#define TIMER_HZ 1000
#define NSEC_PER_SEC 1000000000ULL

/* Kernel time in ticks of 1/TIMER_HZ s, derived from the TSC at each tick. */
extern volatile uint64_t jiffies;
/* Timer interrupts taken (fewer than jiffies when the host delays them). */
extern volatile uint64_t timer_interrupts;

/* Needs clock_calibrate(); starts the tick. */
void time_init(void);
uint64_t time_monotonic_ns(void);
int64_t time_realtime_ns(void);
uint64_t tsc_to_ns(uint64_t tsc_delta);
struct thread;
/* CPU time of a thread (or of the whole process for NULL), in ns. */
uint64_t time_cputime_ns(struct thread *t);
/* Sets CLOCK_REALTIME (clock_settime), for the kernel and the vDSO. */
void time_set_realtime(int64_t ns);
/* Registers a function called from the timer interrupt on every tick. */
void time_set_tick_hook(void (*fn)(void));

#endif
