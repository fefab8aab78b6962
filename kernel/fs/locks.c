/* Advisory locks per inode: a list of byte-range locks (POSIX and OFD) and a
 * list of flock holders, under a spinlock; waiters sleep on the inode's lock
 * waitq and re-test on every release. The range algebra (split on unlock,
 * merge of adjacent same-type ranges of one owner) follows Linux's
 * posix_lock_inode so that F_GETLK answers match. */
#include "fs/locks.h"
#include "fs/vfs.h"
#include "sched/wait.h"
#include "lib/spinlock.h"
#include "mm/kmalloc.h"
#include "lib/errno.h"

struct file_lock {
	struct file_lock *next;
	void *owner;
	struct lock_range r;
};

struct flock_holder {
	struct flock_holder *next;
	struct file *f;
	int type;   /* LOCK_SH or LOCK_EX */
};

struct lock_state {
	struct spinlock lock;
	struct file_lock *ranges;
	struct flock_holder *flocks;
	struct waitq wq;
};

static struct lock_state *state_of(struct inode *ino, bool create)
{
	struct lock_state *ls = __atomic_load_n(&ino->locks, __ATOMIC_ACQUIRE);
	if (ls || !create)
		return ls;
	ls = kzalloc(sizeof(*ls));
	if (!ls)
		return NULL;
	waitq_init(&ls->wq);
	struct lock_state *expected = NULL;
	if (!__atomic_compare_exchange_n(&ino->locks, &expected, ls, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		kfree(ls);
		return expected;
	}
	return ls;
}

static bool overlap(const struct lock_range *a, const struct lock_range *b)
{
	return a->start <= b->end && b->start <= a->end;
}

static struct file_lock *find_conflict(struct lock_state *ls, void *owner, const struct lock_range *req)
{
	for (struct file_lock *l = ls->ranges; l; l = l->next)
		if (l->owner != owner && overlap(&l->r, req) && (l->r.type == F_WRLCK || req->type == F_WRLCK))
			return l;
	return NULL;
}

void locks_test(struct inode *ino, void *owner, const struct lock_range *req, struct lock_range *out)
{
	*out = *req;
	out->type = F_UNLCK;
	struct lock_state *ls = state_of(ino, false);
	if (!ls)
		return;
	uint64_t fl = spin_lock_irqsave(&ls->lock);
	struct file_lock *l = find_conflict(ls, owner, req);
	if (l)
		*out = l->r;
	spin_unlock_irqrestore(&ls->lock, fl);
}

/* Removes owner's coverage of [s, e]; splitting a lock may need one new node (spare). */
static void cut(struct lock_state *ls, void *owner, uint64_t s, uint64_t e, struct file_lock **spare)
{
	struct file_lock **pp = &ls->ranges;
	while (*pp) {
		struct file_lock *l = *pp;
		if (l->owner != owner || l->r.end < s || l->r.start > e) {
			pp = &l->next;
			continue;
		}
		if (l->r.start < s && l->r.end > e) {   /* split in two */
			struct file_lock *tail = *spare;
			*spare = NULL;
			*tail = *l;
			tail->r.start = e + 1;
			l->r.end = s - 1;
			l->next = tail;
			return;
		}
		if (l->r.start < s) {
			l->r.end = s - 1;
			pp = &l->next;
		} else if (l->r.end > e) {
			l->r.start = e + 1;
			pp = &l->next;
		} else {
			*pp = l->next;
			kfree(l);
		}
	}
}

/* Inserts nl, merging owner's same-type locks that overlap or touch it. */
static void insert_merged(struct lock_state *ls, struct file_lock *nl)
{
	struct file_lock **pp = &ls->ranges;
	while (*pp) {
		struct file_lock *l = *pp;
		bool touch = l->owner == nl->owner && l->r.type == nl->r.type &&
			     (l->r.end == OFFSET_MAX || l->r.end + 1 >= nl->r.start) &&
			     (nl->r.end == OFFSET_MAX || nl->r.end + 1 >= l->r.start);
		if (touch) {
			if (l->r.start < nl->r.start)
				nl->r.start = l->r.start;
			if (l->r.end > nl->r.end)
				nl->r.end = l->r.end;
			*pp = l->next;
			kfree(l);
			continue;
		}
		pp = &l->next;
	}
	/* Keep the list sorted by start so F_GETLK reports the lowest conflict first. */
	pp = &ls->ranges;
	while (*pp && (*pp)->r.start <= nl->r.start)
		pp = &(*pp)->next;
	nl->next = *pp;
	*pp = nl;
}

struct wait_arg { struct lock_state *ls; void *owner; const struct lock_range *req; };

static bool no_conflict(void *p)
{
	struct wait_arg *a = p;
	uint64_t fl = spin_lock_irqsave(&a->ls->lock);
	bool ok = !find_conflict(a->ls, a->owner, a->req);
	spin_unlock_irqrestore(&a->ls->lock, fl);
	return ok;
}

int locks_set(struct inode *ino, void *owner, const struct lock_range *req, bool wait)
{
	struct lock_state *ls = state_of(ino, true);
	if (!ls)
		return -ENOLCK;
	struct file_lock *nl = kzalloc(sizeof(*nl)), *spare = kzalloc(sizeof(*spare));
	if (!nl || !spare) {
		kfree(nl);
		kfree(spare);
		return -ENOLCK;
	}
	nl->owner = owner;
	nl->r = *req;
	for (;;) {
		uint64_t fl = spin_lock_irqsave(&ls->lock);
		if (req->type != F_UNLCK && find_conflict(ls, owner, req)) {
			spin_unlock_irqrestore(&ls->lock, fl);
			if (!wait) {
				kfree(nl);
				kfree(spare);
				return -EAGAIN;
			}
			struct wait_arg a = { ls, owner, req };
			int err = waitq_wait(&ls->wq, no_conflict, &a, 0, true);
			if (err) {
				kfree(nl);
				kfree(spare);
				return err;
			}
			continue;
		}
		cut(ls, owner, req->start, req->end, &spare);
		if (req->type != F_UNLCK) {
			insert_merged(ls, nl);
			nl = NULL;
		}
		spin_unlock_irqrestore(&ls->lock, fl);
		break;
	}
	kfree(nl);
	kfree(spare);
	waitq_wake_all(&ls->wq, 0);
	return 0;
}

static void drop_owner(struct inode *ino, void *owner, struct file *flock_file)
{
	struct lock_state *ls = state_of(ino, false);
	if (!ls)
		return;
	uint64_t fl = spin_lock_irqsave(&ls->lock);
	for (struct file_lock **pp = &ls->ranges; *pp;) {
		struct file_lock *l = *pp;
		if (l->owner == owner) {
			*pp = l->next;
			kfree(l);
		} else {
			pp = &l->next;
		}
	}
	for (struct flock_holder **pp = &ls->flocks; flock_file && *pp;) {
		struct flock_holder *h = *pp;
		if (h->f == flock_file) {
			*pp = h->next;
			kfree(h);
		} else {
			pp = &h->next;
		}
	}
	spin_unlock_irqrestore(&ls->lock, fl);
	waitq_wake_all(&ls->wq, 0);
}

void locks_release_posix(struct inode *ino) { drop_owner(ino, LOCK_OWNER_PROCESS, NULL); }

void locks_release_file(struct file *f)
{
	if (f->inode)
		drop_owner(f->inode, f, f);
}

struct flock_arg { struct lock_state *ls; struct file *f; int type; };

static bool flock_conflicts(struct lock_state *ls, struct file *f, int type)
{
	for (struct flock_holder *h = ls->flocks; h; h = h->next)
		if (h->f != f && (h->type == LOCK_EX || type == LOCK_EX))
			return true;
	return false;
}

static bool flock_free(void *p)
{
	struct flock_arg *a = p;
	uint64_t fl = spin_lock_irqsave(&a->ls->lock);
	bool ok = !flock_conflicts(a->ls, a->f, a->type);
	spin_unlock_irqrestore(&a->ls->lock, fl);
	return ok;
}

int locks_flock(struct file *f, int op)
{
	int type = op & ~LOCK_NB;
	if (type != LOCK_SH && type != LOCK_EX && type != LOCK_UN)
		return -EINVAL;
	struct lock_state *ls = state_of(f->inode, true);
	if (!ls)
		return -ENOLCK;
	struct flock_holder *nh = kzalloc(sizeof(*nh));
	if (!nh)
		return -ENOLCK;
	uint64_t fl = spin_lock_irqsave(&ls->lock);
	/* A conversion first drops the old lock (flock(2): not atomic). */
	for (struct flock_holder **pp = &ls->flocks; *pp; pp = &(*pp)->next)
		if ((*pp)->f == f) {
			struct flock_holder *h = *pp;
			*pp = h->next;
			kfree(h);
			break;
		}
	spin_unlock_irqrestore(&ls->lock, fl);
	if (type == LOCK_UN) {
		kfree(nh);
		waitq_wake_all(&ls->wq, 0);
		return 0;
	}
	for (;;) {
		fl = spin_lock_irqsave(&ls->lock);
		if (!flock_conflicts(ls, f, type)) {
			nh->f = f;
			nh->type = type;
			nh->next = ls->flocks;
			ls->flocks = nh;
			spin_unlock_irqrestore(&ls->lock, fl);
			return 0;
		}
		spin_unlock_irqrestore(&ls->lock, fl);
		if (op & LOCK_NB) {
			kfree(nh);
			return -EAGAIN;
		}
		struct flock_arg a = { ls, f, type };
		int err = waitq_wait(&ls->wq, flock_free, &a, 0, true);
		if (err) {
			kfree(nh);
			return err;
		}
	}
}

void locks_free(struct inode *ino)
{
	struct lock_state *ls = ino->locks;
	if (!ls)
		return;
	while (ls->ranges) {
		struct file_lock *l = ls->ranges;
		ls->ranges = l->next;
		kfree(l);
	}
	while (ls->flocks) {
		struct flock_holder *h = ls->flocks;
		ls->flocks = h->next;
		kfree(h);
	}
	kfree(ls);
	ino->locks = NULL;
}
