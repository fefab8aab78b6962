/* Scheduling, differential: a thread that never blocks (an event loop polling an eventfd with
 * epoll_wait timeout 0, as libuv does while it has work queued) must not starve a thread that
 * sleeps 1 ms at a time. The kernel once kept a spent time slice spent until the next switch, so
 * once the spinner had used its slice with nobody runnable, a sleeper woken later never ran
 * (0 wake-ups in a second; fastify's own tests hung that way). Prints only whether each side
 * made progress. abi-cflags: -pthread */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

static volatile long sleeper_wakeups;
static volatile int stop;

static void *sleeper(void *arg)
{
	(void)arg;
	/* First sleep longer than a time slice, so the spinner spends its slice with nobody runnable. */
	struct timespec first = { 0, 50000000 }, ms = { 0, 1000000 };
	nanosleep(&first, NULL);
	while (!stop) {
		nanosleep(&ms, NULL);
		sleeper_wakeups++;
	}
	return NULL;
}

static long elapsed_ns(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000000000L + (b->tv_nsec - a->tv_nsec);
}

int main(void)
{
	int ep = epoll_create1(0), ev = eventfd(0, EFD_NONBLOCK);
	struct epoll_event e = { .events = EPOLLIN, .data.fd = ev };
	epoll_ctl(ep, EPOLL_CTL_ADD, ev, &e);
	pthread_t t;
	pthread_create(&t, NULL, sleeper, NULL);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	long spins = 0;
	uint64_t one = 1, v;
	do {
		if (write(ev, &one, 8) != 8 || epoll_wait(ep, &e, 1, 0) != 1 || read(ev, &v, 8) != 8)
			break;
		spins++;
		clock_gettime(CLOCK_MONOTONIC, &t1);
	} while (elapsed_ns(&t0, &t1) < 1000000000L);
	stop = 1;
	pthread_join(t, NULL);
	/* Linux: ~900 wake-ups; a 10 ms slice still gives ~100; starvation gives 0. */
	printf("spinner made progress: %s\n", spins > 1000 ? "yes" : "no");
	printf("sleeper woke at least 30 times in 1 s: %s\n", sleeper_wakeups >= 30 ? "yes" : "no");
	return 0;
}
