/* TEMPORARY weak stand-ins so the kernel links before the lead's sched/,
 * core/random.c and compat/uaccess.c land; every strong definition replaces
 * these. They are correct only for one CPU without preemption: a waitq_wait
 * whose condition is false returns -EAGAIN instead of sleeping, and
 * random_bytes is NOT cryptographic. Delete this file when all have landed. */
#include "sched/mutex.h"
#include "sched/wait.h"
#include "core/random.h"
#include "lib/string.h"
#include "lib/errno.h"
#include "arch/x86_64/cpu.h"

#define WEAK __attribute__((weak))

WEAK void waitq_init(struct waitq *wq)
{
	wq->lock.locked = 0;
	wq->head.next = wq->head.prev = &wq->head;
}
WEAK int waitq_wait(struct waitq *wq, bool (*cond)(void *arg), void *arg, uint64_t deadline_ns, bool interruptible)
{
	return cond(arg) ? 0 : -EAGAIN;
}
WEAK void waitq_wake_all(struct waitq *wq, uint32_t events) { }
WEAK void waitq_wake_one(struct waitq *wq, uint32_t events) { }
WEAK void waitq_add(struct waitq *wq, struct wait_entry *e) { }
WEAK void waitq_remove(struct waitq *wq, struct wait_entry *e) { }

WEAK void mutex_init(struct mutex *m)
{
	m->lock.locked = 0;
	m->owner = 0;
	waitq_init(&m->waiters);
}
WEAK void mutex_lock(struct mutex *m) { spin_lock(&m->lock); }
WEAK void mutex_unlock(struct mutex *m) { spin_unlock(&m->lock); }
WEAK bool mutex_trylock(struct mutex *m) { return !__atomic_exchange_n(&m->lock.locked, 1, __ATOMIC_ACQUIRE); }

static uint64_t weak_rng;
WEAK void random_bytes(void *buf, size_t n)
{
	if (!weak_rng)
		weak_rng = rdtsc() | 1;
	for (size_t i = 0; i < n; i++) {
		weak_rng ^= weak_rng << 13;
		weak_rng ^= weak_rng >> 7;
		weak_rng ^= weak_rng << 17;
		((uint8_t *)buf)[i] = (uint8_t)weak_rng;
	}
}
WEAK void random_mix(const void *buf, size_t n) { }

/* Without fault recovery: only for kernel-driven tests before uaccess lands. */
WEAK int copy_from_user(void *dst, const void *usrc, size_t n)
{
	memcpy(dst, usrc, n);
	return 0;
}
WEAK int copy_to_user(void *udst, const void *src, size_t n)
{
	memcpy(udst, src, n);
	return 0;
}
WEAK int clear_user(void *udst, size_t n)
{
	memset(udst, 0, n);
	return 0;
}
WEAK long strncpy_from_user(char *dst, const char *usrc, size_t max)
{
	size_t n = strnlen(usrc, max);
	if (n == max)
		return -ENAMETOOLONG;
	memcpy(dst, usrc, n + 1);
	return (long)n;
}
