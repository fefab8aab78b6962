/* futex(2): waiters are kept in one list under a mutex (one address space,
 * so the user address alone identifies a futex, private or not). A waiter
 * sleeps on its own wait queue, so a wake touches exactly the threads it
 * releases. PI futexes are not supported (-ENOSYS; glibc uses them only for
 * priority-inheritance mutexes). */
#include "compat/uaccess.h"
#include "sched/thread.h"
#include "sched/mutex.h"
#include "core/time.h"
#include "lib/errno.h"

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_BITSET_MATCH_ANY 0xffffffffu

struct waiter {
	uint64_t uaddr;
	uint32_t bitset;
	volatile bool woken;
	struct waitq wq;
	struct waiter *next;
};

static struct waiter *waiters;
static struct mutex futex_lock;
static bool ready;

static void init_once(void)
{
	if (!ready) {
		mutex_init(&futex_lock);
		ready = true;
	}
}

static bool is_woken(void *arg) { return ((struct waiter *)arg)->woken; }

static void unlink_waiter(struct waiter *w)
{
	for (struct waiter **pp = &waiters; *pp; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			return;
		}
}

struct timespec_k { int64_t tv_sec, tv_nsec; };

static long futex_wait(uint64_t uaddr, uint32_t val, const struct timespec_k *uto, uint32_t bitset, bool absolute,
		       bool realtime)
{
	uint64_t deadline = 0;
	if (uto) {
		struct timespec_k ts;
		if (copy_from_user(&ts, uto, sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (int64_t)NSEC_PER_SEC)
			return -EINVAL;
		int64_t ns = ts.tv_sec > (int64_t)(1ULL << 33) ? (int64_t)1 << 62 : ts.tv_sec * (int64_t)NSEC_PER_SEC + ts.tv_nsec;
		int64_t now_mono = (int64_t)time_monotonic_ns();
		if (!absolute)
			deadline = now_mono + ns;
		else if (realtime)
			deadline = now_mono + (ns - time_realtime_ns());
		else
			deadline = ns;
		if ((int64_t)deadline <= 0)
			return -ETIMEDOUT;
	}
	struct waiter w = { .uaddr = uaddr, .bitset = bitset };
	waitq_init(&w.wq);
	mutex_lock(&futex_lock);
	uint32_t cur;
	if (get_user(&cur, (uint32_t *)uaddr)) {
		mutex_unlock(&futex_lock);
		return -EFAULT;
	}
	if (cur != val) {
		mutex_unlock(&futex_lock);
		return -EAGAIN;
	}
	w.next = waiters;
	waiters = &w;
	mutex_unlock(&futex_lock);
	int r = waitq_wait(&w.wq, is_woken, &w, deadline, true);
	mutex_lock(&futex_lock);
	if (!w.woken)
		unlink_waiter(&w);
	else
		r = 0;   /* a wake that raced with the timeout or signal wins */
	mutex_unlock(&futex_lock);
	return r;
}

/* Caller holds futex_lock. */
static int wake_locked(uint64_t uaddr, int n, uint32_t bitset)
{
	int woken = 0;
	struct waiter **pp = &waiters;
	while (*pp && woken < n) {
		struct waiter *w = *pp;
		if (w->uaddr == uaddr && (w->bitset & bitset)) {
			*pp = w->next;
			w->woken = true;
			waitq_wake_all(&w->wq, 0);
			woken++;
		} else {
			pp = &w->next;
		}
	}
	return woken;
}

void futex_wake_addr(uint64_t uaddr, int n)
{
	init_once();
	mutex_lock(&futex_lock);
	wake_locked(uaddr, n, FUTEX_BITSET_MATCH_ANY);
	mutex_unlock(&futex_lock);
}

static long futex_requeue(uint64_t uaddr, int nwake, int nmove, uint64_t uaddr2, bool cmp, uint32_t val3)
{
	mutex_lock(&futex_lock);
	if (cmp) {
		uint32_t cur;
		if (get_user(&cur, (uint32_t *)uaddr)) {
			mutex_unlock(&futex_lock);
			return -EFAULT;
		}
		if (cur != val3) {
			mutex_unlock(&futex_lock);
			return -EAGAIN;
		}
	}
	int done = wake_locked(uaddr, nwake, FUTEX_BITSET_MATCH_ANY), moved = 0;
	for (struct waiter *w = waiters; w && moved < nmove; w = w->next)
		if (w->uaddr == uaddr) {
			w->uaddr = uaddr2;
			moved++;
		}
	mutex_unlock(&futex_lock);
	return done + moved;
}

/* FUTEX_WAKE_OP (futex(2)): *uaddr2 = *uaddr2 OP oparg, then wake on uaddr,
 * and on uaddr2 too when the old value passes CMP cmparg. */
static long futex_wake_op(uint64_t uaddr, int n, uint64_t uaddr2, int n2, uint32_t val3)
{
	int op = (val3 >> 28) & 7, cmp = (val3 >> 24) & 15;
	int oparg = (int)(val3 << 8) >> 20, cmparg = (int)(val3 << 20) >> 20;
	if (val3 & (8u << 28))
		oparg = 1 << (oparg & 31);
	mutex_lock(&futex_lock);
	int old;
	if (get_user(&old, (int *)uaddr2)) {
		mutex_unlock(&futex_lock);
		return -EFAULT;
	}
	int nv;
	switch (op) {
	case 0: nv = oparg; break;
	case 1: nv = old + oparg; break;
	case 2: nv = old | oparg; break;
	case 3: nv = old & ~oparg; break;
	case 4: nv = old ^ oparg; break;
	default: mutex_unlock(&futex_lock); return -ENOSYS;
	}
	if (put_user(nv, (int *)uaddr2)) {
		mutex_unlock(&futex_lock);
		return -EFAULT;
	}
	bool c;
	switch (cmp) {
	case 0: c = old == cmparg; break;
	case 1: c = old != cmparg; break;
	case 2: c = old < cmparg; break;
	case 3: c = old <= cmparg; break;
	case 4: c = old > cmparg; break;
	case 5: c = old >= cmparg; break;
	default: mutex_unlock(&futex_lock); return -ENOSYS;
	}
	int r = wake_locked(uaddr, n, FUTEX_BITSET_MATCH_ANY);
	if (c)
		r += wake_locked(uaddr2, n2, FUTEX_BITSET_MATCH_ANY);
	mutex_unlock(&futex_lock);
	return r;
}

long sys_futex(uint64_t uaddr, int op, uint32_t val, uint64_t utime, uint64_t uaddr2, uint32_t val3)
{
	init_once();
	int cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
	bool realtime = op & FUTEX_CLOCK_REALTIME;
	if (uaddr & 3)
		return -EINVAL;
	if (realtime && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_WAIT)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
		/* A relative timeout, always measured on CLOCK_MONOTONIC. */
		return futex_wait(uaddr, val, (const struct timespec_k *)utime, FUTEX_BITSET_MATCH_ANY, false, false);
	case FUTEX_WAIT_BITSET:
		if (!val3)
			return -EINVAL;
		return futex_wait(uaddr, val, (const struct timespec_k *)utime, val3, true, realtime);
	case FUTEX_WAKE:
		val3 = FUTEX_BITSET_MATCH_ANY;
		/* fallthrough */
	case FUTEX_WAKE_BITSET: {
		if (!val3)
			return -EINVAL;
		mutex_lock(&futex_lock);
		int r = wake_locked(uaddr, (int)val < 0 ? 0x7fffffff : (int)val, val3);
		mutex_unlock(&futex_lock);
		return r;
	}
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE:
		if ((int)val < 0 || (int64_t)utime < 0 || (uaddr2 & 3))
			return -EINVAL;
		return futex_requeue(uaddr, (int)val, (int)utime, uaddr2, cmd == FUTEX_CMP_REQUEUE, val3);
	case FUTEX_WAKE_OP:
		if (uaddr2 & 3)
			return -EINVAL;
		return futex_wake_op(uaddr, (int)val, uaddr2, (int)utime, val3);
	default:
		return -ENOSYS;
	}
}

/* At thread exit: mark the robust mutexes the thread still holds as
 * FUTEX_OWNER_DIED and wake one waiter each (set_robust_list(2)). */
#define FUTEX_TID_MASK 0x3fffffff
#define FUTEX_OWNER_DIED 0x40000000
#define FUTEX_WAITERS 0x80000000

static void robust_release(uint64_t futex_addr, int tid)
{
	uint32_t v;
	if (get_user(&v, (uint32_t *)futex_addr) || (v & FUTEX_TID_MASK) != (uint32_t)tid)
		return;
	uint32_t nv = (v & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
	if (put_user(nv, (uint32_t *)futex_addr))
		return;
	if (v & FUTEX_WAITERS)
		futex_wake_addr(futex_addr, 1);
}

void futex_exit_robust(struct thread *t)
{
	if (!t->robust_list)
		return;
	uint64_t head[3];   /* list.next, futex_offset, list_op_pending */
	if (copy_from_user(head, (void *)t->robust_list, sizeof(head)))
		return;
	int64_t off = (int64_t)head[1];
	uint64_t entry = head[0];
	for (int limit = 0; entry != t->robust_list && limit < 2048; limit++) {
		uint64_t next;
		if (copy_from_user(&next, (void *)(entry & ~1ULL), 8))
			break;
		if (entry != head[2])
			robust_release((entry & ~1ULL) + off, t->tid);
		entry = next;
	}
	if (head[2])
		robust_release((head[2] & ~1ULL) + off, t->tid);
}
