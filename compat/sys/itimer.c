/* alarm, setitimer and getitimer: interval timers that send SIGALRM
 * (ITIMER_REAL), SIGVTALRM and SIGPROF. ITIMER_VIRTUAL and ITIMER_PROF
 * should count CPU time; here they count wall time, which is the same for a
 * busy process and later than Linux for an idle one. */
#include "compat/uaccess.h"
#include "compat/signal.h"
#include "sched/timer.h"
#include "core/time.h"
#include "lib/errno.h"

struct timeval_k { int64_t tv_sec, tv_usec; };
struct itimerval_k { struct timeval_k interval, value; };

struct itimer {
	struct ktimer t;
	uint64_t interval;   /* ns */
	int sig;
};

static struct itimer timers[3] = { { .sig = SIGALRM }, { .sig = 26 /* SIGVTALRM */ }, { .sig = 27 /* SIGPROF */ } };

static void fire(struct ktimer *kt)
{
	struct itimer *it = (struct itimer *)kt;
	signal_send_process(it->sig, SI_KERNEL);
	if (it->interval)
		ktimer_arm(&it->t, kt->deadline + it->interval);
}

static void get(int which, struct itimerval_k *v)
{
	struct itimer *it = &timers[which];
	uint64_t now = time_monotonic_ns();
	uint64_t left = it->t.armed && it->t.deadline > now ? it->t.deadline - now : (it->t.armed ? 1000 : 0);
	v->value = (struct timeval_k){ left / NSEC_PER_SEC, (left % NSEC_PER_SEC) / 1000 };
	v->interval = (struct timeval_k){ it->interval / NSEC_PER_SEC, (it->interval % NSEC_PER_SEC) / 1000 };
}

static uint64_t tv_ns(const struct timeval_k *t) { return (uint64_t)t->tv_sec * NSEC_PER_SEC + t->tv_usec * 1000; }

static void set(int which, const struct itimerval_k *v)
{
	struct itimer *it = &timers[which];
	it->t.fn = fire;
	ktimer_cancel(&it->t);
	it->interval = tv_ns(&v->interval);
	uint64_t value = tv_ns(&v->value);
	if (value)
		ktimer_arm(&it->t, time_monotonic_ns() + value);
}

static bool valid(const struct timeval_k *t)
{
	return t->tv_sec >= 0 && t->tv_usec >= 0 && t->tv_usec < 1000000 && t->tv_sec < (1LL << 32);
}

long sys_getitimer(int which, struct itimerval_k *cur)
{
	if (which < 0 || which > 2)
		return -EINVAL;
	struct itimerval_k v;
	get(which, &v);
	return copy_to_user(cur, &v, sizeof(v)) ? -EFAULT : 0;
}

long sys_setitimer(int which, const struct itimerval_k *unew, struct itimerval_k *uold)
{
	if (which < 0 || which > 2)
		return -EINVAL;
	struct itimerval_k n = { { 0, 0 }, { 0, 0 } }, o;
	if (unew && copy_from_user(&n, unew, sizeof(n)))
		return -EFAULT;
	if (!valid(&n.value) || !valid(&n.interval))
		return -EINVAL;
	get(which, &o);
	set(which, &n);
	if (uold && copy_to_user(uold, &o, sizeof(o)))
		return -EFAULT;
	return 0;
}

long sys_alarm(unsigned seconds)
{
	struct itimerval_k o, n = { { 0, 0 }, { seconds, 0 } };
	get(0, &o);
	set(0, &n);
	/* Remaining seconds, rounded up as Linux does for a partial second. */
	return o.value.tv_sec + (o.value.tv_usec >= 500000 || (o.value.tv_sec == 0 && o.value.tv_usec) ? 1 : 0);
}
