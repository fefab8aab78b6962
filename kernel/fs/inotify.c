#include "fs/inotify.h"
#include "fs/file.h"
#include "fs/vfs.h"
#include "sched/wait.h"
#include "mm/kmalloc.h"
#include "lib/errno.h"
#include "lib/spinlock.h"
#include "lib/string.h"

#define MAX_QUEUED 16384   /* /proc/sys/fs/inotify/max_queued_events */
#define MAX_WATCHES 8192

struct event {
	struct event *next;
	int32_t wd;
	uint32_t mask, cookie, len;   /* len: name bytes with NUL padding to 16 */
	char name[];
};

struct watch {
	struct inotify *in;
	struct inode *ino;
	int wd;
	uint32_t mask;
	struct watch *next;   /* all watches, every instance */
};

struct inotify {
	struct waitq wq;
	struct event *head, *tail;
	uint32_t queued;
	int next_wd, nwatches;
};

static struct spinlock lock = SPINLOCK_INIT;
static struct watch *watches;
uint32_t fsnotify_rename_cookie;
static uint32_t cookies;

uint32_t fsnotify_cookie(void) { return ++cookies ? cookies : ++cookies; }

/* Caller holds lock. */
static void queue(struct inotify *in, int wd, uint32_t mask, uint32_t cookie, const char *name, size_t len)
{
	if (in->queued >= MAX_QUEUED) {
		if (in->tail && in->tail->mask == IN_Q_OVERFLOW)
			return;
		wd = -1, mask = IN_Q_OVERFLOW, cookie = 0, name = 0, len = 0;
	}
	uint32_t padded = len ? (uint32_t)((len + 1 + 15) & ~15ULL) : 0;
	/* Linux merges an event identical to the last one still unread. */
	struct event *t = in->tail;
	if (t && t->wd == wd && t->mask == mask && t->cookie == cookie && ((!len && !t->len) ||
	    (len && t->len && !strncmp(t->name, name, len) && t->name[len] == 0)))
		return;
	struct event *e = kzalloc(sizeof(*e) + padded);
	if (!e)
		return;
	e->wd = wd;
	e->mask = mask;
	e->cookie = cookie;
	e->len = padded;
	if (len)
		memcpy(e->name, name, len);
	if (in->tail)
		in->tail->next = e;
	else
		in->head = e;
	in->tail = e;
	in->queued++;
}

static void drop_watch_locked(struct watch *w)
{
	for (struct watch **pp = &watches; *pp; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	w->in->nwatches--;
}

void fsnotify(struct inode *ino, uint32_t mask, const char *name, size_t len, uint32_t cookie)
{
	if (!watches)
		return;
	struct inotify *woken[8];
	int nw = 0;
	struct watch *gone[8];
	int ng = 0;
	uint64_t f = spin_lock_irqsave(&lock);
	for (struct watch *w = watches, *next; w; w = next) {
		next = w->next;
		if (w->ino != ino)
			continue;
		bool self_gone = mask & (IN_DELETE_SELF | IN_UNMOUNT);
		if (w->mask & mask & (IN_ALL_EVENTS | IN_UNMOUNT))
			queue(w->in, w->wd, mask, cookie, name, len);
		if (self_gone || ((w->mask & IN_ONESHOT) && (w->mask & mask & IN_ALL_EVENTS))) {
			queue(w->in, w->wd, IN_IGNORED, 0, 0, 0);
			drop_watch_locked(w);
			if (ng < 8)
				gone[ng++] = w;
		}
		if (nw < 8)
			woken[nw++] = w->in;
	}
	spin_unlock_irqrestore(&lock, f);
	for (int i = 0; i < nw; i++)
		waitq_wake_all(&woken[i]->wq, POLLIN);
	for (int i = 0; i < ng; i++) {
		vfs_inode_put(gone[i]->ino);
		kfree(gone[i]);
	}
}

void fsnotify_file(struct inode *ino, uint32_t mask)
{
	if (!watches)
		return;
	/* Directories holding the file first, then the file (Linux's order). There is no
	 * parent pointer: scan the watched directories. */
	struct inode *dirs[16];
	int n = 0;
	uint64_t f = spin_lock_irqsave(&lock);
	for (struct watch *w = watches; w && n < 16; w = w->next)
		if (S_ISDIR(w->ino->mode) && w->ino != ino)
			dirs[n++] = w->ino;
	spin_unlock_irqrestore(&lock, f);
	for (int i = 0; i < n; i++)
		for (uint32_t k = 0; k < dirs[i]->u.dir.nents; k++)
			if (dirs[i]->u.dir.ents[k].inode == ino)
				fsnotify(dirs[i], mask, dirs[i]->u.dir.ents[k].name, dirs[i]->u.dir.ents[k].len, 0);
	fsnotify(ino, mask, 0, 0, 0);
}

static bool has_event(void *a) { return ((struct inotify *)a)->head != 0; }

static long in_read(struct file *f, void *buf, size_t n)
{
	struct inotify *in = f->priv;
	for (;;) {
		uint64_t fl = spin_lock_irqsave(&lock);
		if (in->head) {
			size_t done = 0;
			while (in->head) {
				struct event *e = in->head;
				size_t sz = 16 + e->len;
				if (done + sz > n)
					break;
				uint8_t *p = (uint8_t *)buf + done;
				memcpy(p, &e->wd, 4);
				memcpy(p + 4, &e->mask, 4);
				memcpy(p + 8, &e->cookie, 4);
				memcpy(p + 12, &e->len, 4);
				memcpy(p + 16, e->name, e->len);
				done += sz;
				in->head = e->next;
				if (!in->head)
					in->tail = 0;
				in->queued--;
				kfree(e);
			}
			spin_unlock_irqrestore(&lock, fl);
			return done ? (long)done : -EINVAL;   /* buffer too small for the next event */
		}
		spin_unlock_irqrestore(&lock, fl);
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		int r = waitq_wait(&in->wq, has_event, in, 0, true);
		if (r)
			return r;
	}
}

static uint32_t in_poll(struct file *f) { return ((struct inotify *)f->priv)->head ? POLLIN | POLLRDNORM : 0; }

static long in_nread(struct file *f)
{
	struct inotify *in = f->priv;
	long n = 0;
	uint64_t fl = spin_lock_irqsave(&lock);
	for (struct event *e = in->head; e; e = e->next)
		n += 16 + e->len;
	spin_unlock_irqrestore(&lock, fl);
	return n;
}

static void in_release(struct file *f)
{
	struct inotify *in = f->priv;
	struct watch *mine = 0;
	uint64_t fl = spin_lock_irqsave(&lock);
	for (struct watch **pp = &watches; *pp;) {
		struct watch *w = *pp;
		if (w->in == in) {
			*pp = w->next;
			w->next = mine;
			mine = w;
		} else {
			pp = &w->next;
		}
	}
	while (in->head) {
		struct event *e = in->head;
		in->head = e->next;
		kfree(e);
	}
	spin_unlock_irqrestore(&lock, fl);
	while (mine) {
		struct watch *w = mine;
		mine = w->next;
		vfs_inode_put(w->ino);
		kfree(w);
	}
	kfree(in);
}

static const struct file_ops inotify_ops = {
	.read = in_read, .poll = in_poll, .nread = in_nread, .release = in_release,
};

int file_is_inotify(struct file *f) { return f->ops == &inotify_ops; }

struct file *inotify_create_file(int flags)
{
	struct inotify *in = kzalloc(sizeof(*in));
	if (!in)
		return 0;
	waitq_init(&in->wq);
	in->next_wd = 1;
	struct file *f = file_alloc(&inotify_ops, 0, O_RDONLY | (flags & O_NONBLOCK));
	if (!f) {
		kfree(in);
		return 0;
	}
	f->priv = in;
	f->wq = &in->wq;
	f->path = kmalloc(24);
	if (f->path)
		strlcpy(f->path, "anon_inode:inotify", 24);
	return f;
}

int inotify_add(struct file *f, struct inode *ino, uint32_t mask)
{
	struct inotify *in = f->priv;
	if (!(mask & (IN_ALL_EVENTS | IN_UNMOUNT)))
		return -EINVAL;
	if ((mask & IN_MASK_ADD) && (mask & IN_MASK_CREATE))
		return -EINVAL;
	if ((mask & IN_ONLYDIR) && !S_ISDIR(ino->mode))
		return -ENOTDIR;
	uint64_t fl = spin_lock_irqsave(&lock);
	for (struct watch *w = watches; w; w = w->next)
		if (w->in == in && w->ino == ino) {
			int wd = w->wd;
			if (mask & IN_MASK_CREATE)
				wd = -EEXIST;
			else
				w->mask = (mask & IN_MASK_ADD) ? w->mask | mask : mask;
			spin_unlock_irqrestore(&lock, fl);
			return wd;
		}
	if (in->nwatches >= MAX_WATCHES) {
		spin_unlock_irqrestore(&lock, fl);
		return -ENOSPC;
	}
	spin_unlock_irqrestore(&lock, fl);
	struct watch *w = kzalloc(sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->in = in;
	w->ino = vfs_inode_get(ino);
	w->mask = mask;
	fl = spin_lock_irqsave(&lock);
	w->wd = in->next_wd++;
	in->nwatches++;
	w->next = watches;
	watches = w;
	int wd = w->wd;
	spin_unlock_irqrestore(&lock, fl);
	return wd;
}

int inotify_rm(struct file *f, int wd)
{
	struct inotify *in = f->priv;
	struct watch *found = 0;
	uint64_t fl = spin_lock_irqsave(&lock);
	for (struct watch *w = watches; w; w = w->next)
		if (w->in == in && w->wd == wd) {
			found = w;
			break;
		}
	if (found) {
		drop_watch_locked(found);
		queue(in, wd, IN_IGNORED, 0, 0, 0);
	}
	spin_unlock_irqrestore(&lock, fl);
	if (!found)
		return -EINVAL;
	waitq_wake_all(&in->wq, POLLIN);
	vfs_inode_put(found->ino);
	kfree(found);
	return 0;
}
