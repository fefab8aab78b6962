// Prints the host's TSC rate in kHz (rdtsc against CLOCK_MONOTONIC over 200 ms). Under TCG the
// guest TSC runs at the host's rate, and Linux on microvm (no HPET, no ACPI PM timer, no port
// 0x61) cannot calibrate it: the baseline passes this value as `tsc_early_khz=`.
#include <stdio.h>
#include <time.h>
#include <x86intrin.h>

static double now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void) {
	double t0 = now();
	unsigned long long c0 = __rdtsc();
	struct timespec d = {0, 200000000};
	nanosleep(&d, NULL);
	double t1 = now();
	unsigned long long c1 = __rdtsc();
	printf("%.0f\n", (c1 - c0) / (t1 - t0) / 1000.0);
	return 0;
}
