/* The vDSO: clock_gettime, gettimeofday, time, getcpu and clock_getres
 * without entering the kernel (glibc binds to the __vdso_* names, version
 * LINUX_2.6). Built as a real shared object, position independent, no libc. */
#include "compat/vdso/vvar.h"
#include <stdint.h>

struct timespec_k { int64_t tv_sec, tv_nsec; };
struct timeval_k { int64_t tv_sec, tv_usec; };
struct timezone_k { int tz_minuteswest, tz_dsttime; };

extern const struct vvar_data vvar __attribute__((visibility("hidden")));

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7

static long raw_syscall2(long nr, long a, long b)
{
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
	return ret;
}

static inline uint64_t rdtsc_ordered(void)
{
	uint32_t lo, hi;
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
	return ((uint64_t)hi << 32) | lo;
}

/* Returns 1 for a clock we serve, with *ns set. */
static int read_clock(int clk, int64_t *ns)
{
	uint32_t seq;
	int64_t v;
	do {
		seq = vvar.seq;
		__asm__ volatile("" ::: "memory");
		uint64_t d = rdtsc_ordered() - vvar.tsc_base;
		v = (int64_t)(((unsigned __int128)d * vvar.ns_mult) >> 32);
		if (clk == CLOCK_REALTIME || clk == CLOCK_REALTIME_COARSE)
			v += vvar.realtime_base_ns;
		__asm__ volatile("" ::: "memory");
	} while ((seq & 1) || seq != vvar.seq);
	*ns = v;
	return 1;
}

static int served(int clk)
{
	return clk == CLOCK_REALTIME || clk == CLOCK_MONOTONIC || clk == CLOCK_MONOTONIC_RAW ||
	       clk == CLOCK_REALTIME_COARSE || clk == CLOCK_MONOTONIC_COARSE || clk == CLOCK_BOOTTIME;
}

int __vdso_clock_gettime(int clk, struct timespec_k *ts)
{
	int64_t ns;
	if (!served(clk))
		return (int)raw_syscall2(228, clk, (long)ts);
	read_clock(clk, &ns);
	ts->tv_sec = ns / 1000000000;
	ts->tv_nsec = ns % 1000000000;
	return 0;
}

int __vdso_gettimeofday(struct timeval_k *tv, struct timezone_k *tz)
{
	if (tv) {
		int64_t ns;
		read_clock(CLOCK_REALTIME, &ns);
		tv->tv_sec = ns / 1000000000;
		tv->tv_usec = (ns % 1000000000) / 1000;
	}
	if (tz) {
		tz->tz_minuteswest = 0;
		tz->tz_dsttime = 0;
	}
	return 0;
}

int64_t __vdso_time(int64_t *t)
{
	int64_t ns;
	read_clock(CLOCK_REALTIME, &ns);
	int64_t s = ns / 1000000000;
	if (t)
		*t = s;
	return s;
}

int __vdso_getcpu(unsigned *cpu, unsigned *node, void *unused)
{
	if (cpu)
		*cpu = 0;
	if (node)
		*node = 0;
	return 0;
}

int __vdso_clock_getres(int clk, struct timespec_k *res)
{
	if (!served(clk))
		return (int)raw_syscall2(229, clk, (long)res);
	if (res) {
		int coarse = clk == CLOCK_REALTIME_COARSE || clk == CLOCK_MONOTONIC_COARSE;
		res->tv_sec = 0;
		res->tv_nsec = coarse ? 4000000 : 1;   /* as Linux with HZ=250 reports */
	}
	return 0;
}

int clock_gettime(int, struct timespec_k *) __attribute__((weak, alias("__vdso_clock_gettime")));
int gettimeofday(struct timeval_k *, struct timezone_k *) __attribute__((weak, alias("__vdso_gettimeofday")));
int64_t time(int64_t *) __attribute__((weak, alias("__vdso_time")));
int getcpu(unsigned *, unsigned *, void *) __attribute__((weak, alias("__vdso_getcpu")));
int clock_getres(int, struct timespec_k *) __attribute__((weak, alias("__vdso_clock_getres")));
