/* A sampling profiler on the timer tick (`unipack.profile` on the command line, `unipack run
 * --profile`): each tick counts where the CPU was — the idle thread, the app in ring 3, or a
 * kernel function — and at exit a `profile` record gives the split and the busiest kernel
 * functions. Code that runs with interrupts off (net_lock sections) is never interrupted, so
 * its time lands on whatever runs just after it re-enables them. */
#ifndef CORE_PROFILE_H
#define CORE_PROFILE_H
#include <stdbool.h>

struct trap_frame;

extern bool profile_on;
void profile_init(void);
/* From the timer interrupt. */
void profile_sample(const struct trap_frame *f);
/* Writes the profile record (when on). */
void profile_report(void);

#endif
