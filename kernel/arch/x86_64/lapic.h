/* The local APIC (xAPIC, MMIO): interrupt acknowledgement and the timer
 * that drives the tick. Its rate is measured against PIT channel 0 (pit.c)
 * because microvm has no HPET or ACPI PM timer (DESIGN.md). */
#ifndef ARCH_X86_64_LAPIC_H
#define ARCH_X86_64_LAPIC_H
#include <stdint.h>

void lapic_init(void);
void lapic_eoi(void);
uint32_t lapic_id(void);
/* Starts a one-shot countdown of count timer ticks (divide by 1) on vector. */
void lapic_timer_oneshot(uint32_t count, int vector);
/* Starts the periodic timer at hz on vector; needs lapic_timer_hz set. */
void lapic_timer_periodic(uint32_t hz, int vector);
void lapic_timer_stop(void);
/* Periodic with an explicit count; used by calibration. */
void lapic_timer_periodic_count(uint32_t count, int vector);
uint32_t lapic_timer_current(void);

extern uint64_t lapic_timer_hz;   /* measured by clock_calibrate() */

#endif
