/* Clocks and sleeps. The vDSO serves most clock reads without a syscall;
 * these are the same clocks for callers that enter the kernel. */
#include "compat/uaccess.h"
#include "compat/vdso/vvar.h"
#include "core/time.h"
#include "sched/thread.h"
#include "sched/wait.h"
#include "lib/errno.h"
#include <stdint.h>

struct timespec_k { int64_t tv_sec, tv_nsec; };
struct timeval_k { int64_t tv_sec, tv_usec; };

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define CLOCK_REALTIME_ALARM 8
#define CLOCK_BOOTTIME_ALARM 9
#define CLOCK_TAI 11
#define TIMER_ABSTIME 1

/* Returns the clock's value in ns, or -EINVAL for an unknown clock. */
static int64_t clock_now(int clk)
{
	switch (clk) {
	case CLOCK_REALTIME: case CLOCK_REALTIME_COARSE: case CLOCK_REALTIME_ALARM: case CLOCK_TAI:
		return time_realtime_ns();
	case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME: case CLOCK_BOOTTIME_ALARM:
		return (int64_t)time_monotonic_ns();
	case CLOCK_PROCESS_CPUTIME_ID: case CLOCK_THREAD_CPUTIME_ID:
		return (int64_t)time_cputime_ns(clk == CLOCK_THREAD_CPUTIME_ID ? current() : 0);
	default:
		return -EINVAL;
	}
}

long sys_clock_gettime(int clk, struct timespec_k *ts)
{
	int64_t ns = clock_now(clk);
	if (ns == -EINVAL)
		return -EINVAL;
	struct timespec_k k = { ns / (int64_t)NSEC_PER_SEC, ns % (int64_t)NSEC_PER_SEC };
	return copy_to_user(ts, &k, sizeof(k)) ? -EFAULT : 0;
}

long sys_clock_getres(int clk, struct timespec_k *res)
{
	if (clock_now(clk) == -EINVAL)
		return -EINVAL;
	int coarse = clk == CLOCK_REALTIME_COARSE || clk == CLOCK_MONOTONIC_COARSE;
	struct timespec_k k = { 0, coarse ? 4000000 : 1 };
	if (res && copy_to_user(res, &k, sizeof(k)))
		return -EFAULT;
	return 0;
}

long sys_gettimeofday(struct timeval_k *tv, void *tz)
{
	int64_t ns = time_realtime_ns();
	struct timeval_k k = { ns / (int64_t)NSEC_PER_SEC, (ns % (int64_t)NSEC_PER_SEC) / 1000 };
	if (tv && copy_to_user(tv, &k, sizeof(k)))
		return -EFAULT;
	if (tz) {
		int z[2] = { 0, 0 };
		if (copy_to_user(tz, z, sizeof(z)))
			return -EFAULT;
	}
	return 0;
}

long sys_time(int64_t *t)
{
	int64_t s = time_realtime_ns() / (int64_t)NSEC_PER_SEC;
	if (t && put_user(s, t))
		return -EFAULT;
	return s;
}

long sys_clock_settime(int clk, const struct timespec_k *ts)
{
	struct timespec_k k;
	if (copy_from_user(&k, ts, sizeof(k)))
		return -EFAULT;
	if (clk != CLOCK_REALTIME)
		return clock_now(clk) == -EINVAL ? -EINVAL : -EINVAL;
	if (k.tv_sec < 0 || k.tv_nsec < 0 || k.tv_nsec >= (int64_t)NSEC_PER_SEC)
		return -EINVAL;
	time_set_realtime(k.tv_sec * (int64_t)NSEC_PER_SEC + k.tv_nsec);
	return 0;
}

static bool never(void *arg) { return false; }

/* Sleeps until the monotonic deadline; 0, or -EINTR when a signal came first. */
static int sleep_until(uint64_t deadline)
{
	static struct waitq sleepq;
	static int init;
	if (!init) {
		waitq_init(&sleepq);
		init = 1;
	}
	int r = waitq_wait(&sleepq, never, 0, deadline ? deadline : 1, true);
	return r == -ETIMEDOUT ? 0 : r;
}

static long do_nanosleep(int clk, int flags, const struct timespec_k *req, struct timespec_k *rem)
{
	struct timespec_k k;
	if (copy_from_user(&k, req, sizeof(k)))
		return -EFAULT;
	if (k.tv_sec < 0 || k.tv_nsec < 0 || k.tv_nsec >= (int64_t)NSEC_PER_SEC)
		return -EINVAL;
	int64_t now = clock_now(clk);
	if (now == -EINVAL || clk == CLOCK_THREAD_CPUTIME_ID)
		return -EINVAL;
	int64_t req_ns = k.tv_sec > INT64_MAX / (int64_t)NSEC_PER_SEC - 1 ? INT64_MAX / 2
									    : k.tv_sec * (int64_t)NSEC_PER_SEC + k.tv_nsec;
	int64_t wait = (flags & TIMER_ABSTIME) ? req_ns - now : req_ns;
	if (wait <= 0)
		return 0;
	uint64_t deadline = time_monotonic_ns() + (uint64_t)wait;
	int r = sleep_until(deadline);
	if (r == -EINTR) {
		if (rem && !(flags & TIMER_ABSTIME)) {
			uint64_t n = time_monotonic_ns();
			int64_t left = n < deadline ? (int64_t)(deadline - n) : 0;
			struct timespec_k rk = { left / (int64_t)NSEC_PER_SEC, left % (int64_t)NSEC_PER_SEC };
			if (copy_to_user(rem, &rk, sizeof(rk)))
				return -EFAULT;
		}
		return -EINTR;
	}
	return 0;
}

long sys_nanosleep(const struct timespec_k *req, struct timespec_k *rem)
{
	return do_nanosleep(CLOCK_MONOTONIC, 0, req, rem);
}

long sys_clock_nanosleep(int clk, int flags, const struct timespec_k *req, struct timespec_k *rem)
{
	long r = do_nanosleep(clk, flags, req, rem);
	return r;
}
