/* PIT channel 0 as a free-running counter, read with the latch command.
 * It is the one reference clock that works on microvm and q35, under TCG
 * and under -icount (DESIGN.md); used only to calibrate the TSC and LAPIC. */
#ifndef ARCH_X86_64_PIT_H
#define ARCH_X86_64_PIT_H
#include <stdint.h>

#define PIT_HZ 1193182u

void pit_start(void);      /* mode 2, reload 65536: wraps every ~55 ms */
uint16_t pit_read(void);   /* current count (counts down) */

#endif
