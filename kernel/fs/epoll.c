#include "fs/epoll.h"
#include "fs/file.h"
#include "fs/vfs.h"
#include "sched/mutex.h"
#include "sched/wait.h"
#include "mm/kmalloc.h"
#include "lib/errno.h"
#include "lib/string.h"

struct epitem {
	struct epoll *ep;
	struct file *file;            /* not referenced: removed when the file goes */
	int fd;
	uint32_t events;              /* requested, with EPOLLET/ONESHOT flags */
	uint64_t data;
	bool disabled;                /* ONESHOT fired */
	bool ready;                   /* on the ready list */
	struct wait_entry wait;       /* on file->wq */
	struct epitem *next;          /* interest list */
	struct epitem *rnext;         /* ready list */
	struct epitem *fnext;         /* all items watching the same file (f->epoll_links) */
};

struct epoll {
	struct mutex lock;            /* interest list */
	struct spinlock rlock;        /* ready list (touched from wake callbacks) */
	struct epitem *items;
	struct epitem *ready_head;
	struct waitq wq;              /* waiters in epoll_wait, and epolls watching this one */
};

static struct spinlock links_lock = SPINLOCK_INIT;

static void ready_push_locked(struct epoll *ep, struct epitem *it)
{
	if (it->ready)
		return;
	it->ready = true;
	it->rnext = ep->ready_head;
	ep->ready_head = it;
}

/* Wake callback: runs under the watched file's queue lock, interrupts off. */
static void item_wake(struct wait_entry *w, uint32_t events)
{
	struct epitem *it = w->priv;
	struct epoll *ep = it->ep;
	uint64_t f = spin_lock_irqsave(&ep->rlock);
	if (!it->disabled)
		ready_push_locked(ep, it);
	spin_unlock_irqrestore(&ep->rlock, f);
	waitq_wake_all(&ep->wq, EPOLLIN);
}

static uint32_t poll_file(struct file *f)
{
	return f->ops && f->ops->poll ? f->ops->poll(f) : (EPOLLIN | EPOLLOUT);
}

static uint32_t ep_poll(struct file *f)
{
	struct epoll *ep = f->priv;
	uint64_t fl = spin_lock_irqsave(&ep->rlock);
	bool any = false;
	for (struct epitem *it = ep->ready_head; it && !any; it = it->rnext)
		if (!it->disabled && (poll_file(it->file) & (it->events | EPOLLERR | EPOLLHUP)))
			any = true;
	spin_unlock_irqrestore(&ep->rlock, fl);
	return any ? EPOLLIN : 0;
}

static void ep_release(struct file *f)
{
	struct epoll *ep = f->priv;
	mutex_lock(&ep->lock);
	while (ep->items) {
		struct epitem *it = ep->items;
		ep->items = it->next;
		if (it->file->wq)
			waitq_remove(it->file->wq, &it->wait);
		uint64_t fl = spin_lock_irqsave(&links_lock);
		for (struct epitem **pp = (struct epitem **)&it->file->epoll_links; *pp; pp = &(*pp)->fnext)
			if (*pp == it) {
				*pp = it->fnext;
				break;
			}
		spin_unlock_irqrestore(&links_lock, fl);
		kfree(it);
	}
	mutex_unlock(&ep->lock);
	kfree(ep);
}

/* Linux gives these files noop_llseek: lseek succeeds and reports the position. */
static long noop_lseek(struct file *f, int64_t off, int whence) { return (long)f->pos; }

static const struct file_ops epoll_ops = {
	.lseek = noop_lseek,
	.poll = ep_poll,
	.release = ep_release,
};

bool file_is_epoll(struct file *f) { return f->ops == &epoll_ops; }

struct file *epoll_create_file(void)
{
	struct epoll *ep = kzalloc(sizeof(*ep));
	if (!ep)
		return 0;
	mutex_init(&ep->lock);
	ep->rlock = (struct spinlock)SPINLOCK_INIT;
	waitq_init(&ep->wq);
	struct file *f = file_alloc(&epoll_ops, 0, O_RDWR);
	if (!f) {
		kfree(ep);
		return 0;
	}
	f->priv = ep;
	f->wq = &ep->wq;
	f->path = kmalloc(16);
	if (f->path)
		strlcpy(f->path, "anon_inode:[eventpoll]", 16);
	return f;
}

static struct epitem *find(struct epoll *ep, int fd, struct file *f)
{
	for (struct epitem *it = ep->items; it; it = it->next)
		if (it->fd == fd && it->file == f)
			return it;
	return 0;
}

static void unlink_item(struct epoll *ep, struct epitem *it)
{
	for (struct epitem **pp = &ep->items; *pp; pp = &(*pp)->next)
		if (*pp == it) {
			*pp = it->next;
			break;
		}
	if (it->file->wq)
		waitq_remove(it->file->wq, &it->wait);
	uint64_t fl = spin_lock_irqsave(&ep->rlock);
	for (struct epitem **pp = &ep->ready_head; *pp; pp = &(*pp)->rnext)
		if (*pp == it) {
			*pp = it->rnext;
			break;
		}
	spin_unlock_irqrestore(&ep->rlock, fl);
	fl = spin_lock_irqsave(&links_lock);
	for (struct epitem **pp = (struct epitem **)&it->file->epoll_links; *pp; pp = &(*pp)->fnext)
		if (*pp == it) {
			*pp = it->fnext;
			break;
		}
	spin_unlock_irqrestore(&links_lock, fl);
	kfree(it);
}

/* Does watching target from ep create a cycle (epoll in itself, directly or through others)? */
static bool creates_loop(struct file *ep_file, struct file *target, int depth)
{
	if (target == ep_file)
		return true;
	if (!file_is_epoll(target) || depth > 4)
		return depth > 4;
	struct epoll *t = target->priv;
	for (struct epitem *it = t->items; it; it = it->next)
		if (creates_loop(ep_file, it->file, depth + 1))
			return true;
	return false;
}

int epoll_ctl(struct file *epf, int op, int fd, struct file *target, const struct epoll_event_k *ev)
{
	struct epoll *ep = epf->priv;
	if (!target->ops || !target->ops->poll)
		return -EPERM;   /* regular files and directories: epoll_ctl(2) */
	if (op != EPOLL_CTL_DEL && (ev->events & EPOLLEXCLUSIVE) && op == EPOLL_CTL_MOD)
		return -EINVAL;
	mutex_lock(&ep->lock);
	struct epitem *it = find(ep, fd, target);
	int r = 0;
	switch (op) {
	case EPOLL_CTL_ADD:
		if (it) {
			r = -EEXIST;
			break;
		}
		if (creates_loop(epf, target, 0)) {
			r = target == epf ? -EINVAL : -ELOOP;
			break;
		}
		it = kzalloc(sizeof(*it));
		if (!it) {
			r = -ENOMEM;
			break;
		}
		it->ep = ep;
		it->file = target;
		it->fd = fd;
		it->events = ev->events;
		it->data = ev->data;
		it->wait.func = item_wake;
		it->wait.priv = it;
		it->next = ep->items;
		ep->items = it;
		uint64_t fl = spin_lock_irqsave(&links_lock);
		it->fnext = target->epoll_links;
		target->epoll_links = it;
		spin_unlock_irqrestore(&links_lock, fl);
		if (target->wq)
			waitq_add(target->wq, &it->wait);
		break;
	case EPOLL_CTL_MOD:
		if (!it) {
			r = -ENOENT;
			break;
		}
		it->events = ev->events;
		it->data = ev->data;
		it->disabled = false;
		break;
	case EPOLL_CTL_DEL:
		if (!it) {
			r = -ENOENT;
			break;
		}
		unlink_item(ep, it);
		it = 0;
		break;
	default:
		r = -EINVAL;
	}
	if (r == 0 && it) {
		/* Files without a queue never signal changes: keep them on the ready list, polled each time. */
		uint64_t fl = spin_lock_irqsave(&ep->rlock);
		ready_push_locked(ep, it);
		spin_unlock_irqrestore(&ep->rlock, fl);
		waitq_wake_all(&ep->wq, EPOLLIN);
	}
	mutex_unlock(&ep->lock);
	return r;
}

/* Moves ready items' events to out; keeps level-triggered ready items listed. */
static int harvest(struct epoll *ep, struct epoll_event_k *out, int max)
{
	int n = 0;
	uint64_t fl = spin_lock_irqsave(&ep->rlock);
	struct epitem *list = ep->ready_head, *keep = 0;
	ep->ready_head = 0;
	while (list) {
		struct epitem *it = list;
		list = it->rnext;
		it->ready = false;
		if (it->disabled)
			continue;
		uint32_t got = n < max ? poll_file(it->file) & (it->events | EPOLLERR | EPOLLHUP) : 0;
		if (n >= max) {
			/* No room: leave it for the next call. */
			it->ready = true;
			it->rnext = keep;
			keep = it;
			continue;
		}
		if (!got)
			continue;
		out[n].events = got;
		out[n].data = it->data;
		n++;
		if (it->events & EPOLLONESHOT) {
			it->disabled = true;
		} else if (!(it->events & EPOLLET) || !it->file->wq) {
			it->ready = true;
			it->rnext = keep;
			keep = it;
		}
	}
	/* Put the kept items back (order does not matter to callers). */
	while (keep) {
		struct epitem *it = keep;
		keep = it->rnext;
		it->rnext = ep->ready_head;
		ep->ready_head = it;
	}
	spin_unlock_irqrestore(&ep->rlock, fl);
	return n;
}

struct wait_arg { struct epoll *ep; struct epoll_event_k *out; int max, n; };

static bool wait_cond(void *a)
{
	struct wait_arg *w = a;
	w->n = harvest(w->ep, w->out, w->max);
	return w->n > 0;
}

int epoll_wait_events(struct file *epf, struct epoll_event_k *out, int max, uint64_t deadline)
{
	struct epoll *ep = epf->priv;
	struct wait_arg w = { ep, out, max, 0 };
	if (wait_cond(&w))
		return w.n;
	if (deadline == 1)
		return 0;
	struct waitq *q = &ep->wq;
	int r = waitq_wait_many(&q, 1, wait_cond, &w, deadline, true);
	if (r == 0)
		return w.n;
	return r == -ETIMEDOUT ? 0 : r;
}

void epoll_file_released(struct file *f)
{
	for (;;) {
		uint64_t fl = spin_lock_irqsave(&links_lock);
		struct epitem *it = f->epoll_links;
		spin_unlock_irqrestore(&links_lock, fl);
		if (!it)
			return;
		struct epoll *ep = it->ep;
		mutex_lock(&ep->lock);
		unlink_item(ep, it);
		mutex_unlock(&ep->lock);
	}
}
