#include "compat/iobuf.h"
#include "sched/thread.h"
#include "mm/kmalloc.h"

void *iobuf_get(size_t n)
{
	struct thread *t = current();
	if (n > IO_BUF)
		return kmalloc(n);
	if (!t->iobuf)
		t->iobuf = kmalloc(IO_BUF);   /* freed with the thread (thread_free) */
	return t->iobuf;
}

void iobuf_put(void *p)
{
	if (p != current()->iobuf)
		kfree(p);
}
