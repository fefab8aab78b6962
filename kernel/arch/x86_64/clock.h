/* Calibrates the TSC and the LAPIC timer against PIT channel 0 without busy
 * waiting: the CPU halts while a LAPIC countdown runs, so the cost is a few
 * hundred guest instructions even under -icount. */
#ifndef ARCH_X86_64_CLOCK_H
#define ARCH_X86_64_CLOCK_H
#include <stdint.h>

/* Sets tsc_hz and lapic_timer_hz; needs the IDT and LAPIC. Interrupts end disabled. */
void clock_calibrate(void);
extern uint64_t tsc_hz;
extern uint64_t boot_tsc;   /* TSC at the PVH entry (boot.S) */

/* Halts until an interrupt, adding the halted TSC ticks to idle_tsc: under
 * -icount the TSC counts instructions plus the time warped while halted, so
 * instructions = TSC delta - idle_tsc. Call with interrupts disabled. */
void cpu_idle_wait(void);
extern uint64_t idle_tsc;

/* Wall-clock seconds since the epoch from the CMOS RTC (UTC). */
int64_t rtc_read_unix(void);

#endif
