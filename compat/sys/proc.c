/* Identity, limits, thread ABI set-up and exit: the calls glibc and Node
 * make at start-up. One process (pid 1), running as root. */
#include "compat/uaccess.h"
#include "compat/syscall.h"
#include "sched/thread.h"
#include "arch/x86_64/cpu.h"
#include "core/panic.h"
#include "core/log.h"
#include "core/random.h"
#include "core/time.h"
#include "mm/pmm.h"
#include "mm/vm.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "lib/printf.h"
#include "lib/topn.h"
#include "core/profile.h"
#include "fs/fdtable.h"
#include <stdint.h>

#define PID 1

long sys_getpid(void) { return PID; }
long sys_getppid(void) { return 0; }
long sys_gettid(void) { return current()->tid; }
long sys_getuid(void) { return 0; }
long sys_geteuid(void) { return 0; }
long sys_getgid(void) { return 0; }
long sys_getegid(void) { return 0; }
long sys_getpgrp(void) { return PID; }
long sys_getpgid(int pid) { return (pid == 0 || pid == PID) ? PID : -ESRCH; }
long sys_getsid(int pid) { return (pid == 0 || pid == PID) ? PID : -ESRCH; }
long sys_setsid(void) { return -EPERM; }   /* already a session leader */
long sys_setpgid(int pid, int pgid) { return (pid == 0 || pid == PID) && (pgid == 0 || pgid == PID) ? 0 : -EPERM; }

long sys_getgroups(int size, uint32_t *list)
{
	if (size < 0)
		return -EINVAL;
	return 0;
}

/* Root may set any id; there is only one user, so accept and ignore. */
long sys_setuid(uint32_t uid) { return 0; }
long sys_setgid(uint32_t gid) { return 0; }
long sys_setreuid(uint32_t r, uint32_t e) { return 0; }
long sys_setregid(uint32_t r, uint32_t e) { return 0; }
long sys_setresuid(uint32_t r, uint32_t e, uint32_t s) { return 0; }
long sys_setresgid(uint32_t r, uint32_t e, uint32_t s) { return 0; }
long sys_setgroups(int size, const uint32_t *list) { return size < 0 ? -EINVAL : 0; }

long sys_getresuid(uint32_t *r, uint32_t *e, uint32_t *s)
{
	if (put_user(0u, r) || put_user(0u, e) || put_user(0u, s))
		return -EFAULT;
	return 0;
}
long sys_getresgid(uint32_t *r, uint32_t *e, uint32_t *s) { return sys_getresuid(r, e, s); }

/* capget: root holds every capability (Node only compares them). */
long sys_capget(uint32_t *hdr, uint32_t *data)
{
	uint32_t h[2];
	if (copy_from_user(h, hdr, sizeof(h)))
		return -EFAULT;
	if (h[0] != 0x20080522 && h[0] != 0x20071026 && h[0] != 0x19980330) {
		put_user(0x20080522u, hdr);
		return data ? -EINVAL : 0;
	}
	if (h[1] != 0 && h[1] != PID)
		return -ESRCH;
	if (!data)
		return 0;
	uint32_t caps[6] = { 0xffffffff, 0xffffffff, 0, 0x1ff, 0x1ff, 0 };
	int n = h[0] == 0x19980330 ? 3 : 6;
	return copy_to_user(data, caps, n * 4) ? -EFAULT : 0;
}

struct utsname_k { char f[6][65]; };
_Static_assert(sizeof(struct utsname_k) == 390, "struct utsname");
char uts_hostname[65] = "unipack";

long sys_uname(struct utsname_k *u)
{
	struct utsname_k k;
	memset(&k, 0, sizeof(k));
	strlcpy(k.f[0], "Linux", 65);
	strlcpy(k.f[1], uts_hostname, 65);
	/* A current Linux release, so libuv and Node enable what they check for. */
	strlcpy(k.f[2], "6.1.0-unipack", 65);
	strlcpy(k.f[3], "#1 SMP PREEMPT_DYNAMIC unipack " UNIPACK_VERSION, 65);
	strlcpy(k.f[4], "x86_64", 65);
	strlcpy(k.f[5], "(none)", 65);
	return copy_to_user(u, &k, sizeof(k)) ? -EFAULT : 0;
}

long sys_sethostname(const char *name, int len)
{
	if (len < 0 || len > 64)
		return -EINVAL;
	char buf[65];
	if (copy_from_user(buf, name, len))
		return -EFAULT;
	buf[len] = 0;
	memcpy(uts_hostname, buf, len + 1);
	return 0;
}

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004
#define ARCH_GET_CPUID 0x1011
#define ARCH_SET_CPUID 0x1012

long sys_arch_prctl(int code, uint64_t addr)
{
	struct thread *t = current();
	switch (code) {
	case ARCH_SET_FS:
		if (addr >= USER_TOP)
			return -EPERM;
		t->fs_base = addr;
		wrmsr(MSR_FS_BASE, addr);
		return 0;
	case ARCH_GET_FS:
		return put_user(t->fs_base, (uint64_t *)addr) ? -EFAULT : 0;
	case ARCH_SET_GS:
		return -EPERM;    /* GS belongs to the kernel here */
	case ARCH_GET_GS:
		return put_user(0UL, (uint64_t *)addr) ? -EFAULT : 0;
	case ARCH_GET_CPUID:
		return 1;
	case ARCH_SET_CPUID:
		return -ENODEV;
	default:
		return -EINVAL;
	}
}

long sys_set_tid_address(int *tidptr)
{
	current()->clear_child_tid = (uint64_t)tidptr;
	return sys_gettid();
}

long sys_set_robust_list(uint64_t head, uint64_t len)
{
	if (len != 24)
		return -EINVAL;
	current()->robust_list = head;
	current()->robust_list_len = len;
	return 0;
}

long sys_get_robust_list(int pid, uint64_t *head, uint64_t *len)
{
	struct thread *t = pid ? thread_find(pid == PID ? 1 : pid) : current();
	if (!t)
		return -ESRCH;
	if (put_user(t->robust_list, head) || put_user(t->robust_list_len, len))
		return -EFAULT;
	return 0;
}

/* Where the app's CPU time went, thread by thread (the busiest first): a `threads` record at
 * exit, so a slow run can be read without a profiler. Threads that ended earlier (Node joins
 * its V8 and libuv helpers before it exits) count only in ended_ms. */
static void report_threads(void)
{
	enum { TOP = 8 };
	const void *top[TOP];
	uint64_t top_ns[TOP], rest_ns = 0;
	int ntop = 0, live = 0;
	for (struct thread *t = thread_first(); t; t = t->all_next) {
		if (!t->user || t->state == THREAD_DEAD)
			continue;
		live++;
		rest_ns += topn_offer(top_ns, top, &ntop, TOP, time_cputime_ns(t), t);
	}
	char list[320];
	int len = 0;
	for (int i = 0; i < ntop; i++) {
		const struct thread *t = top[i];
		char name[16];   /* the app names its threads: keep the record parseable */
		int k = 0;
		for (const char *c = t->name; *c && k < 15; c++)
			name[k++] = (*c == '"' || *c == '\\' || *c == ';' || *c <= ' ') ? '_' : *c;
		name[k] = 0;
		len += ksnprintf(list + len, sizeof(list) - len, "%s%d %s %lums", i ? ";" : "", t->tid, k ? name : "?",
				 top_ns[i] / 1000000);
	}
	extern uint64_t sched_dead_runtime_tsc;
	krecord("threads live=%d cpu=\"%s\" rest_ms=%lu ended_ms=%lu", live, list, rest_ns / 1000000,
		tsc_to_ns(sched_dead_runtime_tsc) / 1000000);
}

__attribute__((noreturn)) void process_exit(int status)
{
	syscall_report_unsupported();
	report_threads();
	profile_report();
	machine_exit(status);
}

__attribute__((noreturn)) void process_exit_signal(int sig, const char *detail)
{
	syscall_report_unsupported();
	report_threads();
	profile_report();
	machine_exit_signal(sig, detail);
}

long sys_exit_group(int status)
{
	process_exit(status & 0xff);
}

void futex_wake_addr(uint64_t uaddr, int n);
void futex_exit_robust(struct thread *t);

long sys_exit(int status)
{
	struct thread *t = current();
	if (thread_count() <= 1)
		process_exit(status & 0xff);
	futex_exit_robust(t);
	if (t->clear_child_tid) {
		/* CLONE_CHILD_CLEARTID: zero the tid and wake a joiner (pthread_join). */
		put_user(0, (int *)t->clear_child_tid);
		futex_wake_addr(t->clear_child_tid, 1);
	}
	thread_exit(status);
}

/* Resource limits: fixed values like a default Linux shell session, with
 * RLIMIT_NOFILE settable (Node raises its soft limit to the hard one). */
struct rlimit_k { uint64_t cur, max; };
#define RLIM_INFINITY (~0ULL)
#define RLIMIT_NLIMITS 16
static struct rlimit_k limits[RLIMIT_NLIMITS] = {
	[0] = { RLIM_INFINITY, RLIM_INFINITY },   /* CPU */
	[1] = { RLIM_INFINITY, RLIM_INFINITY },   /* FSIZE */
	[2] = { RLIM_INFINITY, RLIM_INFINITY },   /* DATA */
	[3] = { 8ULL << 20, RLIM_INFINITY },      /* STACK */
	[4] = { 0, RLIM_INFINITY },               /* CORE */
	[5] = { RLIM_INFINITY, RLIM_INFINITY },   /* RSS */
	[6] = { 63446, 63446 },                   /* NPROC */
	[7] = { 1024, 65536 },                    /* NOFILE */
	[8] = { 8ULL << 20, 8ULL << 20 },         /* MEMLOCK */
	[9] = { RLIM_INFINITY, RLIM_INFINITY },   /* AS */
	[10] = { RLIM_INFINITY, RLIM_INFINITY },  /* LOCKS */
	[11] = { 63446, 63446 },                  /* SIGPENDING */
	[12] = { 819200, 819200 },                /* MSGQUEUE */
	[13] = { 0, 0 },                          /* NICE */
	[14] = { 0, 0 },                          /* RTPRIO */
	[15] = { RLIM_INFINITY, RLIM_INFINITY },  /* RTTIME */
};

long sys_prlimit64(int pid, unsigned resource, const struct rlimit_k *new_lim, struct rlimit_k *old_lim)
{
	if (pid != 0 && pid != PID)
		return -ESRCH;
	if (resource >= RLIMIT_NLIMITS)
		return -EINVAL;
	struct rlimit_k n;
	if (new_lim) {
		if (copy_from_user(&n, new_lim, sizeof(n)))
			return -EFAULT;
		if (n.cur > n.max)
			return -EINVAL;
	}
	if (old_lim && copy_to_user(old_lim, &limits[resource], sizeof(n)))
		return -EFAULT;
	if (new_lim) {
		if (resource == 7) {
			int r = fdtable_set_limit(n.cur, n.max);
			if (r)
				return r;
		}
		limits[resource] = n;
	}
	return 0;
}

/* For /proc/self/limits. */
void rlimit_get(unsigned resource, uint64_t *cur, uint64_t *max)
{
	*cur = resource < RLIMIT_NLIMITS ? limits[resource].cur : 0;
	*max = resource < RLIMIT_NLIMITS ? limits[resource].max : 0;
}

long sys_getrlimit(unsigned resource, struct rlimit_k *r) { return sys_prlimit64(0, resource, 0, r); }
long sys_setrlimit(unsigned resource, const struct rlimit_k *r) { return sys_prlimit64(0, resource, r, 0); }

#define GRND_NONBLOCK 1
#define GRND_RANDOM 2
#define GRND_INSECURE 4

long sys_getrandom(void *buf, size_t n, unsigned flags)
{
	if (flags & ~(unsigned)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE) ||
	    (flags & GRND_INSECURE && flags & GRND_RANDOM))
		return -EINVAL;
	if (n > 0x1ffffff)
		n = 0x1ffffff;   /* Linux caps one call at 32 MiB - 1 */
	uint8_t tmp[256];
	size_t done = 0;
	while (done < n) {
		size_t k = n - done < sizeof(tmp) ? n - done : sizeof(tmp);
		random_bytes(tmp, k);
		if (copy_to_user((uint8_t *)buf + done, tmp, k))
			return done ? (long)done : -EFAULT;
		done += k;
	}
	return done;
}

struct sysinfo_k {
	int64_t uptime;
	uint64_t loads[3], totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	uint16_t procs, pad;
	uint32_t pad2;
	uint64_t totalhigh, freehigh;
	uint32_t mem_unit;
	char f[4];
};
_Static_assert(sizeof(struct sysinfo_k) == 112, "struct sysinfo");

long sys_sysinfo(struct sysinfo_k *u)
{
	struct sysinfo_k k;
	memset(&k, 0, sizeof(k));
	struct pmm_stats s;
	pmm_get_stats(&s);
	k.uptime = (int64_t)(time_monotonic_ns() / NSEC_PER_SEC);
	k.totalram = s.ram_bytes;
	k.freeram = s.free_bytes;
	k.procs = thread_count();
	k.mem_unit = 1;
	return copy_to_user(u, &k, sizeof(k)) ? -EFAULT : 0;
}

long sys_sched_getaffinity(int pid, size_t len, uint8_t *mask)
{
	if (pid != 0 && pid != PID && !thread_find(pid))
		return -ESRCH;
	if (len < 8 || (len & 7))
		return -EINVAL;
	uint64_t m = 1;   /* one CPU */
	if (clear_user(mask, len) || copy_to_user(mask, &m, 8))
		return -EFAULT;
	return 8;
}

long sys_sched_setaffinity(int pid, size_t len, const uint8_t *mask)
{
	uint8_t b;
	if (pid != 0 && pid != PID && !thread_find(pid))
		return -ESRCH;
	if (len < 1 || copy_from_user(&b, mask, 1))
		return -EFAULT;
	return (b & 1) ? 0 : -EINVAL;
}

long sys_sched_yield(void)
{
	sched_yield();
	return 0;
}

long sys_getcpu(unsigned *cpu, unsigned *node, void *unused)
{
	if ((cpu && put_user(0u, cpu)) || (node && put_user(0u, node)))
		return -EFAULT;
	return 0;
}

long sys_sched_getscheduler(int pid) { return (pid == 0 || pid == PID || thread_find(pid)) ? 0 : -ESRCH; }

long sys_sched_getparam(int pid, int *param)
{
	if (pid < 0)
		return -EINVAL;
	if (pid != 0 && pid != PID && !thread_find(pid))
		return -ESRCH;
	return put_user(0, param) ? -EFAULT : 0;
}

long sys_sched_get_priority_max(int policy) { return (policy == 1 || policy == 2) ? 99 : (policy >= 0 && policy <= 5) ? 0 : -EINVAL; }
long sys_sched_get_priority_min(int policy) { return (policy == 1 || policy == 2) ? 1 : (policy >= 0 && policy <= 5) ? 0 : -EINVAL; }
/* Nice values are per thread, as on Linux: PRIO_PROCESS names one thread (0 = the caller; the
 * process id is the main thread's tid), PRIO_PGRP and PRIO_USER name every thread (the one
 * process group, the one user, both id 0 or 1). The raw getpriority returns 20 - nice, never
 * negative; for several threads the highest. The app runs as root, so lowering is allowed. The
 * scheduler keeps the value but does not weight slices by it yet. */
enum { PRIO_PROCESS, PRIO_PGRP, PRIO_USER };

static bool prio_names_all(int which, int who)
{
	return (which == PRIO_PGRP && (who == 0 || who == PID)) || (which == PRIO_USER && who == 0);
}

static struct thread *prio_thread(int which, int who)
{
	if (which != PRIO_PROCESS || who < 0)
		return NULL;
	struct thread *t = who == 0 ? current() : thread_find(who);
	return t && t->user ? t : NULL;
}

long sys_getpriority(int which, int who)
{
	if (which < PRIO_PROCESS || which > PRIO_USER)
		return -EINVAL;
	if (prio_names_all(which, who)) {
		int best = 0;
		for (struct thread *t = thread_first(); t; t = t->all_next)
			if (t->user && t->state != THREAD_DEAD && 20 - t->nice > best)
				best = 20 - t->nice;
		return best;
	}
	struct thread *t = prio_thread(which, who);
	return t ? 20 - t->nice : -ESRCH;
}

long sys_setpriority(int which, int who, int prio)
{
	if (which < PRIO_PROCESS || which > PRIO_USER)
		return -EINVAL;
	int8_t nice = (int8_t)(prio < -20 ? -20 : prio > 19 ? 19 : prio);
	if (prio_names_all(which, who)) {
		for (struct thread *t = thread_first(); t; t = t->all_next)
			if (t->user && t->state != THREAD_DEAD)
				t->nice = nice;
		return 0;
	}
	struct thread *t = prio_thread(which, who);
	if (!t)
		return -ESRCH;
	t->nice = nice;
	return 0;
}

long sys_prctl(int option, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	switch (option) {
	case 15:   /* PR_SET_NAME */ {
		char name[16];
		long n = strncpy_from_user(name, (const char *)a2, sizeof(name));
		if (n == -EFAULT)
			return -EFAULT;
		name[15] = 0;
		strlcpy(current()->name, name, sizeof(current()->name));
		return 0;
	}
	case 16:   /* PR_GET_NAME */
		return copy_to_user((void *)a2, current()->name, 16) ? -EFAULT : 0;
	case 1:    /* PR_SET_PDEATHSIG */
	case 4:    /* PR_SET_DUMPABLE */
	case 38:   /* PR_SET_NO_NEW_PRIVS */
		return 0;
	case 3:    /* PR_GET_DUMPABLE */
		return 1;
	default:
		return -EINVAL;
	}
}

long sys_getrusage(int who, void *usage)
{
	if (who != 0 && who != -1 && who != 1)
		return -EINVAL;
	uint64_t ru[18];
	memset(ru, 0, sizeof(ru));
	uint64_t ns = time_monotonic_ns();
	ru[0] = ns / NSEC_PER_SEC;           /* ru_utime: all time counts as user time (no accounting yet) */
	ru[1] = (ns % NSEC_PER_SEC) / 1000;
	ru[4] = vm.pages_resident * 4;       /* ru_maxrss in KiB: resident now, a lower bound */
	return copy_to_user(usage, ru, sizeof(ru)) ? -EFAULT : 0;
}

/* One process: there are never children to wait for (fork is refused). */
long sys_wait4(int pid, int *status, int options, void *rusage)
{
	if (options & ~(1 | 2 | 8 | 0x01000000 | 0x20000000 | 0x40000000 | 0x80000000))
		return -EINVAL;   /* WNOHANG WUNTRACED WCONTINUED __WNOTHREAD __WALL __WCLONE */
	return -ECHILD;
}

long sys_waitid(int which, int id, void *info, int options, void *rusage)
{
	if (which < 0 || which > 3 || !(options & (4 | 2 | 8)))   /* WEXITED WSTOPPED WCONTINUED */
		return -EINVAL;
	return -ECHILD;
}

struct tms_k { int64_t utime, stime, cutime, cstime; };

long sys_times(struct tms_k *buf)
{
	/* Clock ticks of USER_HZ (100); all CPU time counts as user time. */
	uint64_t ticks = time_monotonic_ns() / (NSEC_PER_SEC / 100);
	if (buf) {
		struct tms_k t = { (int64_t)(time_cputime_ns(0) / (NSEC_PER_SEC / 100)), 0, 0, 0 };
		if (copy_to_user(buf, &t, sizeof(t)))
			return -EFAULT;
	}
	return (long)ticks;
}

/* membarrier(2): one CPU, so every barrier is already implied by the
 * syscall itself; QUERY reports the commands we honour. */
#define MEMBARRIER_CMD_QUERY 0
#define MEMBARRIER_CMD_GLOBAL 1
#define MEMBARRIER_CMD_GLOBAL_EXPEDITED 2
#define MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED 4
#define MEMBARRIER_CMD_PRIVATE_EXPEDITED 8
#define MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED 16

long sys_membarrier(int cmd, unsigned flags, int cpu_id)
{
	const int supported = MEMBARRIER_CMD_GLOBAL | MEMBARRIER_CMD_GLOBAL_EXPEDITED |
			      MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED | MEMBARRIER_CMD_PRIVATE_EXPEDITED |
			      MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED;
	if (flags)
		return -EINVAL;
	if (cmd == MEMBARRIER_CMD_QUERY)
		return supported;
	return (cmd & supported) && !(cmd & (cmd - 1)) ? 0 : -EINVAL;
}
