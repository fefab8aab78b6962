/* eventfd(2): a 64-bit counter file; libuv wakes its loops through one. */
#include "fs/eventfd.h"
#include "fs/file.h"
#include "fs/vfs.h"
#include "sched/wait.h"
#include "mm/kmalloc.h"
#include "lib/errno.h"
#include "lib/string.h"

#define EFD_SEMAPHORE 1
#define MAX_COUNT 0xfffffffffffffffeULL

struct eventfd {
	uint64_t count;
	bool semaphore;
	struct spinlock lock;
	struct waitq wq;
};

static bool readable(void *a) { return ((struct eventfd *)a)->count > 0; }

struct write_arg { struct eventfd *e; uint64_t v; };
static bool writable(void *a)
{
	struct write_arg *w = a;
	return w->e->count <= MAX_COUNT - w->v;
}

static long efd_read(struct file *f, void *buf, size_t n)
{
	struct eventfd *e = f->priv;
	if (n < 8)
		return -EINVAL;
	for (;;) {
		uint64_t fl = spin_lock_irqsave(&e->lock);
		if (e->count) {
			uint64_t v = e->semaphore ? 1 : e->count;
			e->count -= v;
			spin_unlock_irqrestore(&e->lock, fl);
			memcpy(buf, &v, 8);
			waitq_wake_all(&e->wq, POLLOUT);
			return 8;
		}
		spin_unlock_irqrestore(&e->lock, fl);
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		int r = waitq_wait(&e->wq, readable, e, 0, true);
		if (r)
			return r;
	}
}

static long efd_write(struct file *f, const void *buf, size_t n)
{
	struct eventfd *e = f->priv;
	uint64_t v;
	if (n < 8)
		return -EINVAL;
	memcpy(&v, buf, 8);
	if (v == ~0ULL)
		return -EINVAL;
	for (;;) {
		uint64_t fl = spin_lock_irqsave(&e->lock);
		if (e->count <= MAX_COUNT - v) {
			e->count += v;
			spin_unlock_irqrestore(&e->lock, fl);
			if (v)
				waitq_wake_all(&e->wq, POLLIN);
			return 8;
		}
		spin_unlock_irqrestore(&e->lock, fl);
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		struct write_arg w = { e, v };
		int r = waitq_wait(&e->wq, writable, &w, 0, true);
		if (r)
			return r;
	}
}

static uint32_t efd_poll(struct file *f)
{
	struct eventfd *e = f->priv;
	uint32_t m = 0;
	if (e->count)
		m |= POLLIN | POLLRDNORM;
	if (e->count < MAX_COUNT)
		m |= POLLOUT | POLLWRNORM;
	return m;
}

static void efd_release(struct file *f) { kfree(f->priv); }

/* Linux gives these files noop_llseek: lseek succeeds and reports the position. */
static long noop_lseek(struct file *f, int64_t off, int whence) { return (long)f->pos; }

static const struct file_ops eventfd_ops = {
	.lseek = noop_lseek,
	.read = efd_read, .write = efd_write, .poll = efd_poll, .release = efd_release,
};

struct file *eventfd_create(uint64_t initval, int flags)
{
	struct eventfd *e = kzalloc(sizeof(*e));
	if (!e)
		return 0;
	e->count = initval;
	e->semaphore = flags & EFD_SEMAPHORE;
	e->lock = (struct spinlock)SPINLOCK_INIT;
	waitq_init(&e->wq);
	struct file *f = file_alloc(&eventfd_ops, 0, O_RDWR | (flags & O_NONBLOCK));
	if (!f) {
		kfree(e);
		return 0;
	}
	f->priv = e;
	f->wq = &e->wq;
	f->path = kmalloc(24);
	if (f->path)
		strlcpy(f->path, "anon_inode:[eventfd]", 24);
	return f;
}
