/* Wait queues (sched/wait.h). A sleeper marks itself blocked under the
 * queue lock before re-checking its condition, so a wake-up between the
 * check and the switch is never lost (sched_block then returns at once). */
#include "sched/wait.h"
#include "sched/thread.h"
#include "core/time.h"
#include "lib/errno.h"

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
