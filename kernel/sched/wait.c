/* Wait queues (sched/wait.h). A sleeper marks itself blocked under the
 * queue lock before re-checking its condition, so a wake-up between the
 * check and the switch is never lost (sched_block then returns at once). */
#include "sched/wait.h"
#include "sched/thread.h"
#include "core/time.h"
#include "lib/errno.h"
#include "mm/kmalloc.h"

bool signal_pending(struct thread *t);

void waitq_init(struct waitq *wq)
{
	wq->lock = (struct spinlock)SPINLOCK_INIT;
	wq->head.next = wq->head.prev = &wq->head;
}

static void link(struct waitq *wq, struct wait_entry *e)
{
	e->prev = wq->head.prev;
	e->next = &wq->head;
	wq->head.prev->next = e;
	wq->head.prev = e;
}

static void unlink(struct wait_entry *e)
{
	if (!e->next)
		return;
	e->prev->next = e->next;
	e->next->prev = e->prev;
	e->next = e->prev = 0;
}

void waitq_add(struct waitq *wq, struct wait_entry *e)
{
	uint64_t f = spin_lock_irqsave(&wq->lock);
	link(wq, e);
	spin_unlock_irqrestore(&wq->lock, f);
}

void waitq_remove(struct waitq *wq, struct wait_entry *e)
{
	uint64_t f = spin_lock_irqsave(&wq->lock);
	unlink(e);
	spin_unlock_irqrestore(&wq->lock, f);
}

int waitq_wait(struct waitq *wq, bool (*cond)(void *arg), void *arg, uint64_t deadline_ns, bool interruptible)
{
	struct thread *t = current();
	struct wait_entry e = { .thread = t };
	int ret;
	for (;;) {
		uint64_t f = spin_lock_irqsave(&wq->lock);
		if (cond(arg)) {
			ret = 0;
		} else if (interruptible && signal_pending(t)) {
			ret = -EINTR;
		} else if (deadline_ns && time_monotonic_ns() >= deadline_ns) {
			ret = -ETIMEDOUT;
		} else {
			if (!e.next)
				link(wq, &e);
			t->woken = false;
			t->wake_deadline = deadline_ns;
			t->state = THREAD_BLOCKED;
			spin_unlock_irqrestore(&wq->lock, f);
			sched_block();
			t->wake_deadline = 0;
			continue;
		}
		unlink(&e);
		spin_unlock_irqrestore(&wq->lock, f);
		return ret;
	}
}

static void wake(struct waitq *wq, uint32_t events, bool all)
{
	uint64_t f = spin_lock_irqsave(&wq->lock);
	struct wait_entry *e = wq->head.next;
	while (e != &wq->head) {
		struct wait_entry *next = e->next;
		if (e->func) {
			e->func(e, events);
		} else {
			sched_wake(e->thread);
			if (!all)
				break;
		}
		e = next;
	}
	spin_unlock_irqrestore(&wq->lock, f);
}

void waitq_wake_all(struct waitq *wq, uint32_t events) { wake(wq, events, true); }
void waitq_wake_one(struct waitq *wq, uint32_t events) { wake(wq, events, false); }

int waitq_wait_many(struct waitq **wqs, int n, bool (*cond)(void *arg), void *arg, uint64_t deadline_ns,
		    bool interruptible)
{
	struct thread *t = current();
	struct wait_entry local[8];
	struct wait_entry *e = n <= 8 ? local : kzalloc(n * sizeof(*e));
	if (!e)
		return -ENOMEM;
	for (int i = 0; i < n; i++)
		e[i] = (struct wait_entry){ .thread = t };
	int ret;
	bool linked = false;
	for (;;) {
		/* Blocked first, then the check: a wake in between makes sched_block return at once. */
		t->woken = false;
		t->wake_deadline = deadline_ns;
		t->state = THREAD_BLOCKED;
		if (cond(arg)) {
			ret = 0;
			break;
		}
		if (interruptible && signal_pending(t)) {
			ret = -EINTR;
			break;
		}
		if (deadline_ns && time_monotonic_ns() >= deadline_ns) {
			ret = -ETIMEDOUT;
			break;
		}
		if (!linked) {
			for (int i = 0; i < n; i++)
				if (wqs[i])
					waitq_add(wqs[i], &e[i]);
			linked = true;
			continue;   /* re-check with the entries in place */
		}
		sched_block();
	}
	t->state = THREAD_RUNNABLE;
	t->wake_deadline = 0;
	if (linked)
		for (int i = 0; i < n; i++)
			if (wqs[i])
				waitq_remove(wqs[i], &e[i]);
	if (e != local)
		kfree(e);
	return ret;
}
