/* Sleeping locks for long critical sections (the VFS tree, a tmpfs file's
 * pages): a contended mutex puts the thread to sleep instead of spinning, so
 * holding one across a page allocation or a copy to user memory is fine.
 * Not usable from interrupt handlers. */
#ifndef SCHED_MUTEX_H
#define SCHED_MUTEX_H
#include "sched/wait.h"

struct mutex {
	struct spinlock lock;
	struct thread *owner;
	struct waitq waiters;
};

void mutex_init(struct mutex *m);
void mutex_lock(struct mutex *m);
void mutex_unlock(struct mutex *m);
bool mutex_trylock(struct mutex *m);

#endif
