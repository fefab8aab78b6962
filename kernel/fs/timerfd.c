/* timerfd(2): expirations counted by a kernel timer, read as a u64. */
#include "fs/timerfd.h"
#include "fs/file.h"
#include "fs/vfs.h"
#include "sched/timer.h"
#include "sched/wait.h"
#include "core/time.h"
#include "mm/kmalloc.h"
#include "lib/errno.h"
#include "lib/string.h"

struct timerfd {
	int clock;
	uint64_t expirations;
	int64_t interval;           /* ns */
	uint64_t next;              /* monotonic deadline, 0 = disarmed */
	struct ktimer timer;
	struct spinlock lock;
	struct waitq wq;
};

static bool realtime_clock(int c) { return c == 0 || c == 8; }

static void fire(struct ktimer *kt)
{
	struct timerfd *t = kt->arg;
	uint64_t fl = spin_lock_irqsave(&t->lock);
	uint64_t now = time_monotonic_ns();
	if (t->next && now >= t->next) {
		if (t->interval > 0) {
			uint64_t missed = (now - t->next) / (uint64_t)t->interval;
			t->expirations += 1 + missed;
			t->next += (missed + 1) * (uint64_t)t->interval;
			ktimer_arm(&t->timer, t->next);
		} else {
			t->expirations++;
			t->next = 0;
		}
	}
	spin_unlock_irqrestore(&t->lock, fl);
	waitq_wake_all(&t->wq, POLLIN);
}

static bool has_exp(void *a) { return ((struct timerfd *)a)->expirations > 0; }

static long tfd_read(struct file *f, void *buf, size_t n)
{
	struct timerfd *t = f->priv;
	if (n < 8)
		return -EINVAL;
	for (;;) {
		uint64_t fl = spin_lock_irqsave(&t->lock);
		uint64_t v = t->expirations;
		t->expirations = 0;
		spin_unlock_irqrestore(&t->lock, fl);
		if (v) {
			memcpy(buf, &v, 8);
			return 8;
		}
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		int r = waitq_wait(&t->wq, has_exp, t, 0, true);
		if (r)
			return r;
	}
}

static uint32_t tfd_poll(struct file *f)
{
	return ((struct timerfd *)f->priv)->expirations ? POLLIN | POLLRDNORM : 0;
}

static void tfd_release(struct file *f)
{
	struct timerfd *t = f->priv;
	ktimer_cancel(&t->timer);
	kfree(t);
}

/* Linux gives these files noop_llseek: lseek succeeds and reports the position. */
static long noop_lseek(struct file *f, int64_t off, int whence) { return (long)f->pos; }

static const struct file_ops timerfd_ops = {
	.lseek = noop_lseek, .read = tfd_read, .poll = tfd_poll, .release = tfd_release };

bool file_is_timerfd(struct file *f) { return f->ops == &timerfd_ops; }

struct file *timerfd_create_file(int clock, int flags)
{
	struct timerfd *t = kzalloc(sizeof(*t));
	if (!t)
		return 0;
	t->clock = clock;
	t->lock = (struct spinlock)SPINLOCK_INIT;
	waitq_init(&t->wq);
	t->timer.fn = fire;
	t->timer.arg = t;
	struct file *f = file_alloc(&timerfd_ops, 0, O_RDWR | (flags & O_NONBLOCK));
	if (!f) {
		kfree(t);
		return 0;
	}
	f->priv = t;
	f->wq = &t->wq;
	f->path = kmalloc(24);
	if (f->path)
		strlcpy(f->path, "anon_inode:[timerfd]", 24);
	return f;
}

void timerfd_gettime_ns(struct file *f, int64_t *value, int64_t *interval)
{
	struct timerfd *t = f->priv;
	uint64_t fl = spin_lock_irqsave(&t->lock);
	uint64_t now = time_monotonic_ns();
	*value = t->next ? (t->next > now ? (int64_t)(t->next - now) : 1) : 0;
	*interval = t->interval;
	spin_unlock_irqrestore(&t->lock, fl);
}

int timerfd_settime_ns(struct file *f, bool abs, int64_t value, int64_t interval, int64_t *old_value,
		       int64_t *old_interval)
{
	struct timerfd *t = f->priv;
	timerfd_gettime_ns(f, old_value, old_interval);
	ktimer_cancel(&t->timer);
	uint64_t fl = spin_lock_irqsave(&t->lock);
	t->expirations = 0;
	t->interval = interval;
	if (value == 0) {
		t->next = 0;
	} else {
		int64_t now_mono = (int64_t)time_monotonic_ns();
		int64_t deadline;
		if (!abs)
			deadline = now_mono + value;
		else if (realtime_clock(t->clock))
			deadline = now_mono + (value - time_realtime_ns());
		else
			deadline = value;
		if (deadline <= 0)
			deadline = 1;
		t->next = (uint64_t)deadline;
	}
	spin_unlock_irqrestore(&t->lock, fl);
	if (t->next)
		ktimer_arm(&t->timer, t->next);
	return 0;
}
