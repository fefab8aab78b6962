/* Readiness syscalls: epoll, eventfd, timerfd, poll and select. The cores
 * are kernel/fs/{epoll,eventfd,timerfd}.c and each file's ->poll. */
#include "compat/uaccess.h"
#include "fs/epoll.h"
#include "fs/eventfd.h"
#include "fs/timerfd.h"
#include "fs/fdtable.h"
#include "fs/file.h"
#include "fs/vfs.h"
#include "sched/thread.h"
#include "sched/wait.h"
#include "core/time.h"
#include "mm/kmalloc.h"
#include "lib/errno.h"
#include "lib/string.h"

#define EPOLL_CLOEXEC O_CLOEXEC
#define EFD_SEMAPHORE 1
#define TFD_TIMER_ABSTIME 1
#define TFD_TIMER_CANCEL_ON_SET 2

struct timespec_k { int64_t tv_sec, tv_nsec; };

static long install(struct file *f, bool cloexec)
{
	if (!f)
		return -ENOMEM;
	int fd = fdtable_install(f, 0, cloexec);
	if (fd < 0)
		file_put(f);
	return fd;
}

long sys_epoll_create1(int flags)
{
	if (flags & ~EPOLL_CLOEXEC)
		return -EINVAL;
	return install(epoll_create_file(), flags & EPOLL_CLOEXEC);
}

long sys_epoll_create(int size)
{
	if (size <= 0)
		return -EINVAL;
	return install(epoll_create_file(), false);
}

long sys_epoll_ctl(int epfd, int op, int fd, struct epoll_event_k *uev)
{
	struct epoll_event_k ev = { 0, 0 };
	if (op != EPOLL_CTL_DEL && copy_from_user(&ev, uev, sizeof(ev)))
		return -EFAULT;
	struct file *ep = fdtable_get(epfd);
	if (!ep)
		return -EBADF;
	struct file *t = fdtable_get(fd);
	long r;
	if (!t)
		r = -EBADF;
	else if (!file_is_epoll(ep) || t == ep)
		r = -EINVAL;
	else
		r = epoll_ctl(ep, op, fd, t, &ev);
	if (t)
		file_put(t);
	file_put(ep);
	return r;
}

/* timeout in ms (-1 forever) or a timespec; returns the monotonic deadline,
 * 0 = forever, 1 = do not wait. */
static uint64_t deadline_ms(int ms)
{
	if (ms < 0)
		return 0;
	if (ms == 0)
		return 1;
	return time_monotonic_ns() + (uint64_t)ms * 1000000ULL;
}

static long set_temp_mask(const uint64_t *umask, size_t size, bool *set)
{
	*set = false;
	if (!umask)
		return 0;
	if (size != 8)
		return -EINVAL;
	uint64_t m;
	if (copy_from_user(&m, umask, 8))
		return -EFAULT;
	struct thread *t = current();
	t->saved_sigmask = t->sigmask;
	t->saved_sigmask_valid = 1;
	t->sigmask = m & ~((1ULL << 8) | (1ULL << 18));   /* SIGKILL, SIGSTOP */
	*set = true;
	return 0;
}

/* After the call: keep the temporary mask only if a handler will run (the
 * signal frame then restores the original); otherwise restore it now. */
static void end_temp_mask(bool set, long ret)
{
	if (set && ret != -EINTR) {
		struct thread *t = current();
		t->sigmask = t->saved_sigmask;
		t->saved_sigmask_valid = 0;
	}
}

static long do_epoll_wait(int epfd, struct epoll_event_k *uevents, int max, uint64_t deadline)
{
	if (max <= 0 || max > (int)(0x7fffffff / sizeof(struct epoll_event_k)))
		return -EINVAL;
	if (!user_range_ok((uint64_t)uevents, (uint64_t)max * sizeof(struct epoll_event_k)))
		return -EFAULT;
	struct file *ep = fdtable_get(epfd);
	if (!ep)
		return -EBADF;
	if (!file_is_epoll(ep)) {
		file_put(ep);
		return -EINVAL;
	}
	int cap = max < 256 ? max : 256;
	struct epoll_event_k *buf = kmalloc(cap * sizeof(*buf));
	if (!buf) {
		file_put(ep);
		return -ENOMEM;
	}
	long n = epoll_wait_events(ep, buf, cap, deadline);
	if (n > 0 && copy_to_user(uevents, buf, n * sizeof(*buf)))
		n = -EFAULT;
	kfree(buf);
	file_put(ep);
	return n;
}

long sys_epoll_wait(int epfd, struct epoll_event_k *ev, int max, int timeout)
{
	return do_epoll_wait(epfd, ev, max, deadline_ms(timeout));
}

long sys_epoll_pwait(int epfd, struct epoll_event_k *ev, int max, int timeout, const uint64_t *mask, size_t size)
{
	bool set;
	long r = set_temp_mask(mask, size, &set);
	if (r)
		return r;
	r = do_epoll_wait(epfd, ev, max, deadline_ms(timeout));
	end_temp_mask(set, r);
	return r;
}

long sys_epoll_pwait2(int epfd, struct epoll_event_k *ev, int max, const struct timespec_k *uto,
		      const uint64_t *mask, size_t size)
{
	uint64_t deadline = 0;
	if (uto) {
		struct timespec_k ts;
		if (copy_from_user(&ts, uto, sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (int64_t)NSEC_PER_SEC)
			return -EINVAL;
		uint64_t ns = (uint64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
		deadline = ns ? time_monotonic_ns() + ns : 1;
	}
	bool set;
	long r = set_temp_mask(mask, size, &set);
	if (r)
		return r;
	r = do_epoll_wait(epfd, ev, max, deadline);
	end_temp_mask(set, r);
	return r;
}

long sys_eventfd2(unsigned initval, int flags)
{
	if (flags & ~(O_CLOEXEC | O_NONBLOCK | EFD_SEMAPHORE))
		return -EINVAL;
	return install(eventfd_create(initval, flags), flags & O_CLOEXEC);
}

long sys_eventfd(unsigned initval) { return sys_eventfd2(initval, 0); }

long sys_timerfd_create(int clock, int flags)
{
	if (flags & ~(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	if (clock != 0 && clock != 1 && clock != 7 && clock != 8 && clock != 9)
		return -EINVAL;
	return install(timerfd_create_file(clock, flags), flags & O_CLOEXEC);
}

struct itimerspec_k { struct timespec_k interval, value; };

static int64_t ts_ns(const struct timespec_k *t) { return t->tv_sec * (int64_t)NSEC_PER_SEC + t->tv_nsec; }
static struct timespec_k ns_ts(int64_t ns) { return (struct timespec_k){ ns / (int64_t)NSEC_PER_SEC, ns % (int64_t)NSEC_PER_SEC }; }

/* The timerfd at fd (a reference), -EBADF, or -EINVAL for another kind of file. */
static long timerfd_get(int fd, struct file **out)
{
	struct file *f = fdtable_get(fd);
	if (!f)
		return -EBADF;
	if (!file_is_timerfd(f)) {
		file_put(f);
		return -EINVAL;
	}
	*out = f;
	return 0;
}

long sys_timerfd_settime(int fd, int flags, const struct itimerspec_k *unew, struct itimerspec_k *uold)
{
	struct itimerspec_k n;
	if (flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET))
		return -EINVAL;
	if (copy_from_user(&n, unew, sizeof(n)))
		return -EFAULT;
	if (n.value.tv_sec < 0 || n.value.tv_nsec < 0 || n.value.tv_nsec >= (int64_t)NSEC_PER_SEC ||
	    n.interval.tv_sec < 0 || n.interval.tv_nsec < 0 || n.interval.tv_nsec >= (int64_t)NSEC_PER_SEC)
		return -EINVAL;
	struct file *f;
	long r = timerfd_get(fd, &f);
	if (r)
		return r;
	int64_t ov, oi;
	timerfd_settime_ns(f, flags & TFD_TIMER_ABSTIME, ts_ns(&n.value), ts_ns(&n.interval), &ov, &oi);
	file_put(f);
	if (uold) {
		struct itimerspec_k o = { ns_ts(oi), ns_ts(ov) };
		if (copy_to_user(uold, &o, sizeof(o)))
			return -EFAULT;
	}
	return 0;
}

long sys_timerfd_gettime(int fd, struct itimerspec_k *ucur)
{
	struct file *f;
	long r = timerfd_get(fd, &f);
	if (r)
		return r;
	int64_t v, i;
	timerfd_gettime_ns(f, &v, &i);
	file_put(f);
	struct itimerspec_k o = { ns_ts(i), ns_ts(v) };
	return copy_to_user(ucur, &o, sizeof(o)) ? -EFAULT : 0;
}

/* poll/ppoll core over kernel copies of struct pollfd. */
struct pollfd_k { int fd; short events, revents; };

struct poll_state { struct pollfd_k *fds; struct file **files; unsigned n; int ready; };

static bool poll_scan(void *a)
{
	struct poll_state *s = a;
	s->ready = 0;
	for (unsigned i = 0; i < s->n; i++) {
		struct pollfd_k *p = &s->fds[i];
		p->revents = 0;
		if (p->fd < 0)
			continue;
		if (!s->files[i]) {
			p->revents = POLLNVAL;
		} else {
			struct file *f = s->files[i];
			uint32_t m = f->ops && f->ops->poll ? f->ops->poll(f) : (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM);
			p->revents = m & ((uint16_t)p->events | POLLERR | POLLHUP | POLLNVAL);
		}
		if (p->revents)
			s->ready++;
	}
	return s->ready > 0;
}

static long do_poll(struct pollfd_k *ufds, unsigned n, uint64_t deadline)
{
	if (n > 65536)
		return -EINVAL;
	struct poll_state s = { 0, 0, n, 0 };
	s.fds = kmalloc(n * sizeof(*s.fds) + 1);
	s.files = kzalloc(n * sizeof(*s.files) + 1);
	struct waitq **qs = kzalloc(n * sizeof(*qs) + 1);
	long r;
	if (!s.fds || !s.files || !qs) {
		r = -ENOMEM;
		goto out;
	}
	if (copy_from_user(s.fds, ufds, n * sizeof(*s.fds))) {
		r = -EFAULT;
		goto out;
	}
	for (unsigned i = 0; i < n; i++)
		if (s.fds[i].fd >= 0) {
			s.files[i] = fdtable_get(s.fds[i].fd);
			qs[i] = s.files[i] ? s.files[i]->wq : 0;
		}
	if (poll_scan(&s) || deadline == 1)
		r = s.ready;
	else {
		r = waitq_wait_many(qs, n, poll_scan, &s, deadline, true);
		if (r == 0)
			r = s.ready;
		else if (r == -ETIMEDOUT)
			r = 0;
	}
	if (r >= 0) {
		for (unsigned i = 0; i < n; i++)
			if (put_user(s.fds[i].revents, &ufds[i].revents)) {
				r = -EFAULT;
				break;
			}
	}
out:
	for (unsigned i = 0; s.files && i < n; i++)
		if (s.files[i])
			file_put(s.files[i]);
	kfree(s.fds);
	kfree(s.files);
	kfree(qs);
	return r;
}

long sys_poll(struct pollfd_k *fds, unsigned n, int timeout) { return do_poll(fds, n, deadline_ms(timeout)); }

static long ts_deadline(const struct timespec_k *uts, uint64_t *deadline)
{
	*deadline = 0;
	if (!uts)
		return 0;
	struct timespec_k ts;
	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (int64_t)NSEC_PER_SEC)
		return -EINVAL;
	uint64_t ns = (uint64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
	*deadline = ns ? time_monotonic_ns() + ns : 1;
	return 0;
}

long sys_ppoll(struct pollfd_k *fds, unsigned n, const struct timespec_k *uts, const uint64_t *mask, size_t size)
{
	uint64_t deadline;
	long r = ts_deadline(uts, &deadline);
	if (r)
		return r;
	bool set;
	r = set_temp_mask(mask, size, &set);
	if (r)
		return r;
	r = do_poll(fds, n, deadline);
	end_temp_mask(set, r);
	return r;
}

/* select: translated to poll over the fds in the three sets. */
#define FD_SETSIZE_MAX 65536
#define SEL_IN (POLLIN | POLLRDNORM | POLLHUP | POLLERR)
#define SEL_OUT (POLLOUT | POLLWRNORM | POLLERR)
#define SEL_EX (POLLPRI)

static long do_select(int nfds, uint64_t *uin, uint64_t *uout, uint64_t *uex, uint64_t deadline)
{
	if (nfds < 0 || nfds > FD_SETSIZE_MAX)
		return -EINVAL;
	size_t words = (nfds + 63) / 64;
	size_t bytes = words * 8;
	uint64_t *in = kzalloc(bytes + 8), *out = kzalloc(bytes + 8), *ex = kzalloc(bytes + 8);
	struct pollfd_k *pf = 0;
	long r = -ENOMEM;
	if (!in || !out || !ex)
		goto done;
	r = -EFAULT;
	if ((uin && copy_from_user(in, uin, bytes)) || (uout && copy_from_user(out, uout, bytes)) ||
	    (uex && copy_from_user(ex, uex, bytes)))
		goto done;
	unsigned n = 0;
	for (int fd = 0; fd < nfds; fd++)
		if ((in[fd / 64] | out[fd / 64] | ex[fd / 64]) >> (fd % 64) & 1)
			n++;
	pf = kmalloc(n * sizeof(*pf) + 1);
	r = -ENOMEM;
	if (!pf)
		goto done;
	struct poll_state s = { pf, kzalloc(n * sizeof(struct file *) + 1), n, 0 };
	struct waitq **qs = kzalloc(n * sizeof(*qs) + 1);
	if (!s.files || !qs) {
		kfree(s.files);
		kfree(qs);
		goto done;
	}
	unsigned k = 0;
	r = 0;
	for (int fd = 0; fd < nfds; fd++) {
		uint64_t b = 1ULL << (fd % 64);
		short ev = (in[fd / 64] & b ? SEL_IN : 0) | (out[fd / 64] & b ? SEL_OUT : 0) | (ex[fd / 64] & b ? SEL_EX : 0);
		if (!ev)
			continue;
		pf[k] = (struct pollfd_k){ fd, ev, 0 };
		s.files[k] = fdtable_get(fd);
		if (!s.files[k])
			r = -EBADF;
		qs[k] = s.files[k] ? s.files[k]->wq : 0;
		k++;
	}
	if (r == 0) {
		if (!poll_scan(&s) && deadline != 1) {
			r = waitq_wait_many(qs, n, poll_scan, &s, deadline, true);
			if (r == -ETIMEDOUT)
				r = 0;
		}
		if (r == 0) {
			memset(in, 0, bytes);
			memset(out, 0, bytes);
			memset(ex, 0, bytes);
			long count = 0;
			for (unsigned i = 0; i < n; i++) {
				int fd = pf[i].fd;
				uint64_t b = 1ULL << (fd % 64);
				if (pf[i].revents & SEL_IN & pf[i].events) { in[fd / 64] |= b; count++; }
				if (pf[i].revents & SEL_OUT & pf[i].events) { out[fd / 64] |= b; count++; }
				if (pf[i].revents & SEL_EX & pf[i].events) { ex[fd / 64] |= b; count++; }
			}
			r = count;
			if ((uin && copy_to_user(uin, in, bytes)) || (uout && copy_to_user(uout, out, bytes)) ||
			    (uex && copy_to_user(uex, ex, bytes)))
				r = -EFAULT;
		}
	}
	for (unsigned i = 0; i < n; i++)
		if (s.files[i])
			file_put(s.files[i]);
	kfree(s.files);
	kfree(qs);
done:
	kfree(in);
	kfree(out);
	kfree(ex);
	kfree(pf);
	return r;
}

struct timeval_k { int64_t tv_sec, tv_usec; };

long sys_select(int nfds, uint64_t *in, uint64_t *out, uint64_t *ex, struct timeval_k *utv)
{
	uint64_t deadline = 0;
	if (utv) {
		struct timeval_k tv;
		if (copy_from_user(&tv, utv, sizeof(tv)))
			return -EFAULT;
		if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
			return -EINVAL;
		uint64_t ns = (uint64_t)tv.tv_sec * NSEC_PER_SEC + tv.tv_usec * 1000;
		deadline = ns ? time_monotonic_ns() + ns : 1;
	}
	long r = do_select(nfds, in, out, ex, deadline);
	if (utv && r >= 0) {
		/* Linux writes back the time left. */
		uint64_t now = time_monotonic_ns();
		uint64_t left = deadline > 1 && deadline > now ? deadline - now : 0;
		struct timeval_k tv = { left / NSEC_PER_SEC, (left % NSEC_PER_SEC) / 1000 };
		copy_to_user(utv, &tv, sizeof(tv));
	}
	return r;
}

long sys_pselect6(int nfds, uint64_t *in, uint64_t *out, uint64_t *ex, const struct timespec_k *uts, const uint64_t *usig)
{
	uint64_t deadline;
	long r = ts_deadline(uts, &deadline);
	if (r)
		return r;
	bool set = false;
	if (usig) {
		struct { const uint64_t *mask; size_t size; } sd;
		if (copy_from_user(&sd, usig, sizeof(sd)))
			return -EFAULT;
		r = set_temp_mask(sd.mask, sd.size, &set);
		if (r)
			return r;
	}
	r = do_select(nfds, in, out, ex, deadline);
	end_temp_mask(set, r);
	return r;
}
