/* Wait queues: how a thread sleeps until something changes (pipe data, a
 * futex word, a socket, a timeout). A queue entry is either a sleeping
 * thread or a callback (epoll registers callbacks on the files it watches). */
#ifndef SCHED_WAIT_H
#define SCHED_WAIT_H
#include <stdbool.h>
#include <stdint.h>
#include "lib/spinlock.h"

struct thread;
struct wait_entry;
typedef void (*wait_func)(struct wait_entry *e, uint32_t events);

struct wait_entry {
	struct wait_entry *next, *prev;
	struct thread *thread;     /* woken when func is NULL */
	wait_func func;            /* called (under the queue lock, IRQs off) instead, when set */
	void *priv;
};

struct waitq {
	struct spinlock lock;
	struct wait_entry head;    /* circular list sentinel */
};

void waitq_init(struct waitq *wq);
/* Sleeps until cond(arg) is true (checked before sleeping and after every
 * wake), until deadline_ns (CLOCK_MONOTONIC; 0 = none) passes: -ETIMEDOUT,
 * or, when interruptible, until a signal is pending: -EINTR. Returns 0 when
 * cond became true. cond runs with the queue lock held: keep it simple. */
int waitq_wait(struct waitq *wq, bool (*cond)(void *arg), void *arg, uint64_t deadline_ns, bool interruptible);
/* Like waitq_wait over several queues at once (poll, select, epoll): sleeps
 * until cond(arg), a wake on any of the n queues re-checks it. */
int waitq_wait_many(struct waitq **wqs, int n, bool (*cond)(void *arg), void *arg, uint64_t deadline_ns,
		    bool interruptible);
/* Wakes every entry; events is passed to callbacks (EPOLLIN etc.). Safe from IRQ context. */
void waitq_wake_all(struct waitq *wq, uint32_t events);
void waitq_wake_one(struct waitq *wq, uint32_t events);
/* Adds/removes a callback entry (epoll). */
void waitq_add(struct waitq *wq, struct wait_entry *e);
void waitq_remove(struct waitq *wq, struct wait_entry *e);

#endif
