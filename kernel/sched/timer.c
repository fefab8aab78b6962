#include "sched/timer.h"
#include "lib/spinlock.h"

static struct ktimer *timers;   /* sorted by deadline */
static struct spinlock lock = SPINLOCK_INIT;

static void unlink_locked(struct ktimer *t)
{
	for (struct ktimer **pp = &timers; *pp; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	t->armed = false;
}

void ktimer_arm(struct ktimer *t, uint64_t deadline)
{
	uint64_t f = spin_lock_irqsave(&lock);
	if (t->armed)
		unlink_locked(t);
	t->deadline = deadline;
	struct ktimer **pp = &timers;
	while (*pp && (*pp)->deadline <= deadline)
		pp = &(*pp)->next;
	t->next = *pp;
	*pp = t;
	t->armed = true;
	spin_unlock_irqrestore(&lock, f);
}

bool ktimer_cancel(struct ktimer *t)
{
	uint64_t f = spin_lock_irqsave(&lock);
	bool was = t->armed;
	if (was)
		unlink_locked(t);
	spin_unlock_irqrestore(&lock, f);
	return was;
}

void ktimer_run_expired(uint64_t now)
{
	for (;;) {
		uint64_t f = spin_lock_irqsave(&lock);
		struct ktimer *t = timers;
		if (!t || t->deadline > now) {
			spin_unlock_irqrestore(&lock, f);
			return;
		}
		timers = t->next;
		t->armed = false;
		spin_unlock_irqrestore(&lock, f);
		t->fn(t);   /* may re-arm itself */
	}
}
