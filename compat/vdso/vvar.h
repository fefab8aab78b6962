/* The data page the kernel shares with the vDSO (mapped read-only one page
 * before it). The kernel's own clocks use the same numbers, so time from
 * the vDSO and from the syscalls always agrees. */
#ifndef COMPAT_VDSO_VVAR_H
#define COMPAT_VDSO_VVAR_H
#include <stdint.h>

struct vvar_data {
	volatile uint32_t seq;       /* odd while the kernel updates the rest */
	uint32_t pad;
	uint64_t tsc_base;           /* TSC at CLOCK_MONOTONIC 0 */
	uint64_t ns_mult;            /* ns = (tsc - tsc_base) * ns_mult >> 32 */
	int64_t realtime_base_ns;    /* CLOCK_REALTIME at CLOCK_MONOTONIC 0 */
};

#endif
