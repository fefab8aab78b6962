/* Threads, differential: pthread create/join/detach, mutex contention,
 * condition variables (broadcast and timed waits on both clocks), TLS,
 * barriers, semaphores, cancellation, a robust mutex whose owner dies,
 * and many short-lived threads. Deterministic output only. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static __thread int tls_value = 7;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static long counter;
static int ready;

static void *add(void *arg)
{
	for (int i = 0; i < 20000; i++) {
		pthread_mutex_lock(&mu);
		counter++;
		pthread_mutex_unlock(&mu);
	}
	tls_value += (int)(long)arg;
	return (void *)(long)tls_value;
}

static void *waiter(void *arg)
{
	pthread_mutex_lock(&mu);
	while (!ready)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	return arg;
}

static void *tid_of(void *arg)
{
	*(long *)arg = syscall(SYS_gettid);
	return 0;
}

static void *spin_cancel(void *arg)
{
	(void)arg;
	for (;;)
		pthread_testcancel();
	return 0;
}

static void *block_cancel(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return 0;
}

static pthread_mutex_t robust;
static void *die_holding(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&robust);
	return 0;   /* exits while holding it */
}

static pthread_barrier_t bar;
static int bar_serial;
static void *at_barrier(void *arg)
{
	if (pthread_barrier_wait(&bar) == PTHREAD_BARRIER_SERIAL_THREAD)
		__atomic_fetch_add(&bar_serial, 1, __ATOMIC_SEQ_CST);
	return arg;
}

static void *nothing(void *arg) { return arg; }

static long elapsed_ms(struct timespec a, struct timespec b)
{
	return (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
}

int main(void)
{
	setvbuf(stdout, 0, _IONBF, 0);
	pthread_t t[4];
	for (long i = 0; i < 4; i++)
		pthread_create(&t[i], 0, add, (void *)(i + 1));
	long sum = 0;
	for (int i = 0; i < 4; i++) {
		void *r;
		pthread_join(t[i], &r);
		sum += (long)r;
	}
	printf("mutex counter: %ld\n", counter);
	printf("tls per thread: %ld main=%d\n", sum, tls_value);

	pthread_t w[5];
	for (long i = 0; i < 5; i++)
		pthread_create(&w[i], 0, waiter, (void *)i);
	usleep(20000);
	pthread_mutex_lock(&mu);
	ready = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	long wsum = 0;
	for (int i = 0; i < 5; i++) {
		void *r;
		pthread_join(w[i], &r);
		wsum += (long)r;
	}
	printf("broadcast woke all: %ld\n", wsum);

	/* Timed waits: CLOCK_REALTIME (default) and CLOCK_MONOTONIC condvars. */
	struct timespec t0, t1, dl;
	pthread_mutex_lock(&mu);
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_nsec += 50000000;
	if (dl.tv_nsec >= 1000000000) dl.tv_sec++, dl.tv_nsec -= 1000000000;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int r = pthread_cond_timedwait(&cv, &mu, &dl);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("timedwait realtime: %s in_range=%d\n", r == ETIMEDOUT ? "ETIMEDOUT" : "?", elapsed_ms(t0, t1) >= 45 && elapsed_ms(t0, t1) < 1000);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_t mcv;
	pthread_cond_init(&mcv, &ca);
	clock_gettime(CLOCK_MONOTONIC, &dl);
	t0 = dl;
	dl.tv_nsec += 30000000;
	if (dl.tv_nsec >= 1000000000) dl.tv_sec++, dl.tv_nsec -= 1000000000;
	r = pthread_cond_timedwait(&mcv, &mu, &dl);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("timedwait monotonic: %s in_range=%d\n", r == ETIMEDOUT ? "ETIMEDOUT" : "?", elapsed_ms(t0, t1) >= 25 && elapsed_ms(t0, t1) < 1000);
	pthread_mutex_unlock(&mu);

	/* Distinct tids, none equal to the pid. */
	long tids[8];
	pthread_t tt[8];
	for (int i = 0; i < 8; i++)
		pthread_create(&tt[i], 0, tid_of, &tids[i]);
	for (int i = 0; i < 8; i++)
		pthread_join(tt[i], 0);
	int distinct = 1;
	for (int i = 0; i < 8; i++)
		for (int j = i + 1; j < 8; j++)
			distinct &= tids[i] != tids[j];
	int not_pid = 1;
	for (int i = 0; i < 8; i++)
		not_pid &= tids[i] != getpid();
	printf("tids distinct=%d not_pid=%d main_tid_is_pid=%d\n", distinct, not_pid, (long)syscall(SYS_gettid) == getpid());

	/* Barrier: exactly one serial thread. */
	pthread_barrier_init(&bar, 0, 4);
	pthread_t bt[3];
	for (int i = 0; i < 3; i++)
		pthread_create(&bt[i], 0, at_barrier, 0);
	at_barrier(0);
	for (int i = 0; i < 3; i++)
		pthread_join(bt[i], 0);
	printf("barrier serial threads: %d\n", bar_serial);

	/* Semaphore with a timeout. */
	sem_t sem;
	sem_init(&sem, 0, 1);
	printf("sem_trywait: %d\n", sem_trywait(&sem));
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_nsec += 20000000;
	if (dl.tv_nsec >= 1000000000) dl.tv_sec++, dl.tv_nsec -= 1000000000;
	r = sem_timedwait(&sem, &dl);
	printf("sem_timedwait: %d %s\n", r, errno == ETIMEDOUT ? "ETIMEDOUT" : "?");

	/* Cancellation: at a cancellation point, and while blocked in pause(). */
	pthread_t c1, c2;
	void *cr;
	pthread_create(&c1, 0, spin_cancel, 0);
	pthread_cancel(c1);
	pthread_join(c1, &cr);
	printf("cancel spinning: %d\n", cr == PTHREAD_CANCELED);
	pthread_create(&c2, 0, block_cancel, 0);
	usleep(10000);
	pthread_cancel(c2);
	pthread_join(c2, &cr);
	printf("cancel blocked: %d\n", cr == PTHREAD_CANCELED);

	/* A robust mutex whose owner exits: the next locker gets EOWNERDEAD. */
	pthread_mutexattr_t ma;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&robust, &ma);
	pthread_t rt;
	pthread_create(&rt, 0, die_holding, 0);
	pthread_join(rt, 0);
	r = pthread_mutex_lock(&robust);
	printf("robust: %s\n", r == EOWNERDEAD ? "EOWNERDEAD" : r == 0 ? "0" : "?");
	if (r == EOWNERDEAD)
		pthread_mutex_consistent(&robust);
	pthread_mutex_unlock(&robust);

	/* Many short threads, some detached. */
	int ok = 0;
	for (int i = 0; i < 200; i++) {
		pthread_t x;
		if (pthread_create(&x, 0, nothing, (void *)(long)i) == 0) {
			if (i % 2) {
				pthread_detach(x);
				ok++;
			} else {
				void *v;
				pthread_join(x, &v);
				ok += (long)v == i;
			}
		}
	}
	usleep(20000);
	printf("short threads: %d\n", ok);
	return 0;
}
