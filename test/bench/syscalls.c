/* Null-syscall and vDSO benchmark: N getppid() system calls and N clock_gettime(CLOCK_MONOTONIC)
 * calls (served by the vDSO, no system call), each loop timed with CLOCK_MONOTONIC.
 * Prints one JSON line: {"n":N,"getppid_ns":x,"clock_gettime_ns":y}. usage: syscalls [N] */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	volatile long sink = 0;
	double t0 = now_ns();
	for (long i = 0; i < n; i++)
		sink += syscall(SYS_getppid);
	double t1 = now_ns();
	struct timespec ts;
	for (long i = 0; i < n; i++) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		sink += ts.tv_nsec & 1;
	}
	double t2 = now_ns();
	printf("{\"n\":%ld,\"getppid_ns\":%.1f,\"clock_gettime_ns\":%.1f}\n", n, (t1 - t0) / n, (t2 - t1) / n);
	return 0;
}
