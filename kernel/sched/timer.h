/* Kernel timers: a callback at a CLOCK_MONOTONIC deadline, run from the
 * timer interrupt (so it must not sleep; waking a wait queue is fine).
 * timerfd, TCP retransmission and delayed ACKs build on these. */
#ifndef SCHED_TIMER_H
#define SCHED_TIMER_H
#include <stdint.h>
#include <stdbool.h>

struct ktimer {
	uint64_t deadline;              /* ns, CLOCK_MONOTONIC */
	void (*fn)(struct ktimer *t);
	void *arg;
	struct ktimer *next;
	bool armed;
};

/* (Re)arms t for deadline; safe from any context. */
void ktimer_arm(struct ktimer *t, uint64_t deadline);
/* Disarms t; returns whether it was armed. The callback may still be running on return (one CPU: it is not). */
bool ktimer_cancel(struct ktimer *t);
/* Runs expired timers; called from the tick. */
void ktimer_run_expired(uint64_t now);

#endif
