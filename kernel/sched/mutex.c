/* Sleeping mutex over a wait queue (sched/mutex.h). */
#include "sched/mutex.h"
#include "sched/thread.h"

void mutex_init(struct mutex *m)
{
	m->lock = (struct spinlock)SPINLOCK_INIT;
	m->owner = 0;
	waitq_init(&m->waiters);
}

bool mutex_trylock(struct mutex *m)
{
	uint64_t f = spin_lock_irqsave(&m->lock);
	bool got = !m->owner;
	if (got)
		m->owner = current();
	spin_unlock_irqrestore(&m->lock, f);
	return got;
}

static bool is_free(void *arg) { return ((struct mutex *)arg)->owner == 0; }

void mutex_lock(struct mutex *m)
{
	while (!mutex_trylock(m))
		waitq_wait(&m->waiters, is_free, m, 0, false);
}

void mutex_unlock(struct mutex *m)
{
	uint64_t f = spin_lock_irqsave(&m->lock);
	m->owner = 0;
	spin_unlock_irqrestore(&m->lock, f);
	waitq_wake_one(&m->waiters, 0);
}
