/* Pipes: a ring buffer under a mutex; readers and writers sleep on one
 * waitq, woken with POLLIN/POLLOUT/POLLHUP on every change (epoll hangs
 * callbacks on it too). Writes of at most PIPE_BUF bytes go in whole or wait
 * (pipe(7)); larger ones may be split. Writing with no reader gives EPIPE
 * and, once signals exist, SIGPIPE. */
#include "fs/pipe.h"
#include "fs/vfs.h"
#include "mm/kmalloc.h"
#include "lib/string.h"
#include "lib/errno.h"

/* Provided by the signal code when it lands; until then only -EPIPE. */
extern void signal_send_self(int sig) __attribute__((weak));

struct pipe {
	struct mutex lock;
	struct waitq wq;
	uint8_t *buf;
	uint32_t head, count;
	uint32_t readers, writers;
	uint64_t ino;
	struct ktimespec time;
};

static uint64_t next_pipe_ino = 10000;

static bool can_read(void *arg)
{
	struct pipe *p = arg;
	return p->count > 0 || p->writers == 0;
}

struct wr_wait { struct pipe *p; uint32_t need; };

static bool can_write(void *arg)
{
	struct wr_wait *w = arg;
	return PIPE_SIZE - w->p->count >= w->need || w->p->readers == 0;
}

static long pipe_read(struct file *f, void *buf, size_t n)
{
	struct pipe *p = f->priv;
	if (n == 0)
		return 0;
	for (;;) {
		mutex_lock(&p->lock);
		if (p->count > 0) {
			size_t got = n < p->count ? n : p->count;
			for (size_t done = 0; done < got;) {
				size_t chunk = PIPE_SIZE - p->head;
				if (chunk > got - done)
					chunk = got - done;
				memcpy((uint8_t *)buf + done, p->buf + p->head, chunk);
				p->head = (p->head + (uint32_t)chunk) % PIPE_SIZE;
				done += chunk;
			}
			p->count -= (uint32_t)got;
			mutex_unlock(&p->lock);
			waitq_wake_all(&p->wq, POLLOUT | POLLWRNORM);
			return (long)got;
		}
		bool eof = p->writers == 0;
		mutex_unlock(&p->lock);
		if (eof)
			return 0;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		int err = waitq_wait(&p->wq, can_read, p, 0, true);
		if (err)
			return err;
	}
}

static long pipe_write(struct file *f, const void *buf, size_t n)
{
	struct pipe *p = f->priv;
	size_t done = 0;
	if (n == 0)
		return 0;
	for (;;) {
		mutex_lock(&p->lock);
		if (p->readers == 0) {
			mutex_unlock(&p->lock);
			if (done)
				return (long)done;
			if (signal_send_self)
				signal_send_self(SIGPIPE);
			return -EPIPE;
		}
		uint32_t space = PIPE_SIZE - p->count;
		size_t left = n - done;
		bool atomic = n <= PIPE_BUF;
		size_t chunk = 0;
		if (atomic ? space >= left : space > 0) {
			chunk = left < space ? left : space;
			uint32_t tail = (p->head + p->count) % PIPE_SIZE;
			for (size_t c = 0; c < chunk;) {
				size_t part = PIPE_SIZE - tail;
				if (part > chunk - c)
					part = chunk - c;
				memcpy(p->buf + tail, (const uint8_t *)buf + done + c, part);
				tail = (tail + (uint32_t)part) % PIPE_SIZE;
				c += part;
			}
			p->count += (uint32_t)chunk;
			done += chunk;
		}
		mutex_unlock(&p->lock);
		if (chunk)
			waitq_wake_all(&p->wq, POLLIN | POLLRDNORM);
		if (done == n)
			return (long)n;
		if (f->flags & O_NONBLOCK)
			return done ? (long)done : -EAGAIN;
		struct wr_wait w = { p, atomic ? (uint32_t)left : 1 };
		int err = waitq_wait(&p->wq, can_write, &w, 0, true);
		if (err)
			return done ? (long)done : err;
	}
}

static uint32_t pipe_poll_rd(struct file *f)
{
	struct pipe *p = f->priv;
	uint32_t ev = 0;
	if (p->count)
		ev |= POLLIN | POLLRDNORM;
	if (!p->writers)
		ev |= POLLHUP;
	return ev;
}

static uint32_t pipe_poll_wr(struct file *f)
{
	struct pipe *p = f->priv;
	uint32_t ev = 0;
	if (PIPE_SIZE - p->count >= PIPE_BUF)
		ev |= POLLOUT | POLLWRNORM;
	if (!p->readers)
		ev |= POLLERR;
	return ev;
}

static long pipe_nread(struct file *f) { return ((struct pipe *)f->priv)->count; }

static int pipe_stat(struct file *f, struct kstat *st)
{
	struct pipe *p = f->priv;
	memset(st, 0, sizeof(*st));
	st->dev = DEV_MAKE(0, 0xe);
	st->ino = p->ino;
	st->mode = S_IFIFO | 0600;
	st->nlink = 1;
	st->blksize = 4096;
	st->atime = st->mtime = st->ctime = p->time;
	return 0;
}

static long pipe_bad_read(struct file *f, void *buf, size_t n) { return -EBADF; }
static long pipe_bad_write(struct file *f, const void *buf, size_t n) { return -EBADF; }

static void pipe_release_end(struct file *f, bool reader)
{
	struct pipe *p = f->priv;
	mutex_lock(&p->lock);
	if (reader)
		p->readers--;
	else
		p->writers--;
	bool last = !p->readers && !p->writers;
	mutex_unlock(&p->lock);
	if (last) {
		kfree(p->buf);
		kfree(p);
		return;
	}
	waitq_wake_all(&p->wq, reader ? POLLERR : (POLLHUP | POLLIN));
}

static void pipe_release_rd(struct file *f) { pipe_release_end(f, true); }
static void pipe_release_wr(struct file *f) { pipe_release_end(f, false); }

static const struct file_ops pipe_rd_ops = {
	.read = pipe_read, .write = pipe_bad_write,
	.nread = pipe_nread, .poll = pipe_poll_rd, .stat = pipe_stat,
	.release = pipe_release_rd,
};
static const struct file_ops pipe_wr_ops = {
	.read = pipe_bad_read, .write = pipe_write,
	.nread = pipe_nread, .poll = pipe_poll_wr, .stat = pipe_stat,
	.release = pipe_release_wr,
};

long pipe_capacity(struct file *f)
{
	if (f->ops != &pipe_rd_ops && f->ops != &pipe_wr_ops)
		return -EBADF;
	return PIPE_SIZE;
}

static char *pipe_name(uint64_t ino)
{
	char *s = kmalloc(32);
	if (!s)
		return NULL;
	char digits[24];
	int n = 0;
	do {
		digits[n++] = (char)('0' + ino % 10);
		ino /= 10;
	} while (ino);
	char *o = s;
	memcpy(o, "pipe:[", 6);
	o += 6;
	while (n)
		*o++ = digits[--n];
	*o++ = ']';
	*o = 0;
	return s;
}

int pipe_create(int flags, struct file **rd, struct file **wr)
{
	struct pipe *p = kzalloc(sizeof(*p));
	if (!p)
		return -ENFILE;
	p->buf = kmalloc(PIPE_SIZE);
	if (!p->buf) {
		kfree(p);
		return -ENFILE;
	}
	mutex_init(&p->lock);
	waitq_init(&p->wq);
	p->readers = p->writers = 1;
	p->ino = __atomic_fetch_add(&next_pipe_ino, 1, __ATOMIC_RELAXED);
	p->time = vfs_now();
	struct file *r = file_alloc(&pipe_rd_ops, NULL, O_RDONLY | (flags & O_NONBLOCK));
	struct file *w = file_alloc(&pipe_wr_ops, NULL, O_WRONLY | (flags & O_NONBLOCK));
	if (!r || !w) {
		kfree(r);
		kfree(w);
		kfree(p->buf);
		kfree(p);
		return -ENFILE;
	}
	r->priv = w->priv = p;
	r->wq = w->wq = &p->wq;
	r->path = pipe_name(p->ino);
	w->path = pipe_name(p->ino);
	*rd = r;
	*wr = w;
	return 0;
}
