/* Signal dispositions, masks and delivery (compat/signal.h). */
#include "compat/signal.h"
#include "compat/uaccess.h"
#include "sched/thread.h"
#include "core/panic.h"
#include "core/log.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "arch/x86_64/fpu.h"
#include "sched/wait.h"

#define SIG_DFL 0
#define SIG_IGN 1
#define SA_SIGINFO 0x4
#define SA_ONSTACK 0x08000000
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000
#define SA_RESTORER 0x04000000

struct ksigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};
_Static_assert(sizeof(struct ksigaction) == 32, "kernel struct sigaction");

static struct ksigaction actions[NSIG + 1];
static uint64_t process_pending;
static int8_t process_code[NSIG + 1];
static struct spinlock sig_lock = SPINLOCK_INIT;

static uint64_t bit(int sig) { return 1ULL << (sig - 1); }
#define UNBLOCKABLE (bit(SIGKILL) | bit(SIGSTOP))

bool signal_pending(struct thread *t)
{
	return ((t->sigpending | process_pending) & ~t->sigmask) != 0;
}

/* Default action "ignore" (signal(7)): SIGCHLD, SIGCONT, SIGURG, SIGWINCH. */
static bool default_ignored(int sig) { return sig == SIGCHLD || sig == SIGCONT || sig == 23 || sig == 28; }

static const char *const names[32] = {
	0, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1",
	"SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP",
	"SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH",
	"SIGIO", "SIGPWR", "SIGSYS",
};

void process_exit_signal(int sig, const char *detail) __attribute__((noreturn));

__attribute__((noreturn)) static void die(int sig, const char *detail)
{
	char d[160];
	ksnprintf(d, sizeof(d), "name=%s %s", sig < 32 && names[sig] ? names[sig] : "SIGRT", detail ? detail : "");
	process_exit_signal(sig, d);
}

/* The signal frame, laid out as Linux's struct rt_sigframe
 * (arch/x86/include/asm/sigframe.h, uapi/asm/sigcontext.h), so glibc's
 * __restore_rt and code reading ucontext (V8's trap handler) work. */
struct sigcontext_k {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2, fpstate;
	uint64_t reserved1[8];
};
struct stack_k { uint64_t ss_sp; int32_t ss_flags; int32_t pad; uint64_t ss_size; };
struct ucontext_k {
	uint64_t uc_flags, uc_link;
	struct stack_k uc_stack;
	struct sigcontext_k uc_mcontext;
	uint64_t uc_sigmask;
};
struct siginfo_k {
	int32_t si_signo, si_errno, si_code, pad;
	union {
		struct { int32_t pid; uint32_t uid; } kill;
		struct { uint64_t addr; } fault;
		uint8_t raw[112];
	} u;
};
struct rt_sigframe_k {
	uint64_t pretcode;
	struct ucontext_k uc;
	struct siginfo_k info;
};
_Static_assert(sizeof(struct sigcontext_k) == 256, "struct sigcontext");
_Static_assert(sizeof(struct ucontext_k) == 304, "struct ucontext (kernel)");
_Static_assert(sizeof(struct siginfo_k) == 128, "siginfo_t");
_Static_assert(__builtin_offsetof(struct rt_sigframe_k, info) == 312, "rt_sigframe layout");

#define UC_FP_XSTATE 1
#define UC_SIGCONTEXT_SS 2
#define UC_STRICT_RESTORE_SS 4
#define FP_XSTATE_MAGIC1 0x46505853u
#define FP_XSTATE_MAGIC2 0x46505845u
#define SS_ONSTACK 1
#define SS_DISABLE 2

static bool on_altstack(struct thread *t, uint64_t sp)
{
	return t->altstack_size && sp > t->altstack_sp && sp <= t->altstack_sp + t->altstack_size;
}

/* Builds the frame and redirects f to the handler. Returns false when the
 * frame cannot be written (then the app dies of SIGSEGV, as on Linux). */
static bool setup_frame(struct trap_frame *f, int sig, const struct ksigaction *a, const struct siginfo_k *info)
{
	struct thread *t = current();
	uint64_t sp = f->rsp;
	if ((a->flags & SA_ONSTACK) && t->altstack_size && !(t->altstack_flags & SS_DISABLE) && !on_altstack(t, sp))
		sp = t->altstack_sp + t->altstack_size;
	else
		sp -= 128;   /* the red zone */
	uint64_t xsize = fpu_state_size;
	uint64_t fpstate = (sp - xsize - 4) & ~63ULL;
	uint64_t frame = ((fpstate - sizeof(struct rt_sigframe_k)) & ~15ULL) - 8;

	/* FPU state: the live registers, with the software bytes glibc and Linux expect. */
	fpu_save(t->fpu);
	uint8_t *xs = t->fpu;
	uint32_t sw[12] = { FP_XSTATE_MAGIC1, (uint32_t)xsize + 4, 0, 0, (uint32_t)xsize };
	sw[2] = (uint32_t)fpu_xcr0;
	sw[3] = (uint32_t)(fpu_xcr0 >> 32);
	memcpy(xs + 464, sw, 48);
	uint32_t magic2 = FP_XSTATE_MAGIC2;
	if (copy_to_user((void *)fpstate, xs, xsize) || copy_to_user((void *)(fpstate + xsize), &magic2, 4))
		return false;

	struct rt_sigframe_k fr;
	memset(&fr, 0, sizeof(fr));
	fr.pretcode = a->restorer;
	fr.uc.uc_flags = UC_FP_XSTATE | UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
	fr.uc.uc_stack.ss_sp = t->altstack_sp;
	fr.uc.uc_stack.ss_size = t->altstack_size;
	fr.uc.uc_stack.ss_flags = t->altstack_size ? (on_altstack(t, f->rsp) ? SS_ONSTACK : t->altstack_flags) : SS_DISABLE;
	struct sigcontext_k *m = &fr.uc.uc_mcontext;
	m->r8 = f->r8; m->r9 = f->r9; m->r10 = f->r10; m->r11 = f->r11;
	m->r12 = f->r12; m->r13 = f->r13; m->r14 = f->r14; m->r15 = f->r15;
	m->rdi = f->rdi; m->rsi = f->rsi; m->rbp = f->rbp; m->rbx = f->rbx;
	m->rdx = f->rdx; m->rax = f->rax; m->rcx = f->rcx; m->rsp = f->rsp;
	m->rip = f->rip; m->eflags = f->rflags;
	m->cs = f->cs; m->ss = f->ss;
	m->err = f->vector < 32 ? f->error : 0;
	m->trapno = f->vector < 32 ? f->vector : 0;
	uint64_t frame_mask = t->saved_sigmask_valid ? t->saved_sigmask : t->sigmask;
	t->saved_sigmask_valid = 0;
	m->oldmask = frame_mask;
	m->cr2 = info->si_signo == SIGSEGV || info->si_signo == SIGBUS ? info->u.fault.addr : 0;
	m->fpstate = fpstate;
	fr.uc.uc_sigmask = frame_mask;
	fr.info = *info;
	if (copy_to_user((void *)frame, &fr, sizeof(fr)))
		return false;

	f->rip = a->handler;
	f->rsp = frame;
	f->rdi = sig;
	f->rsi = frame + __builtin_offsetof(struct rt_sigframe_k, info);
	f->rdx = frame + __builtin_offsetof(struct rt_sigframe_k, uc);
	f->rax = 0;
	f->rflags &= ~(0x100ULL | 0x400ULL);   /* TF, DF */
	f->cs = 0x2b;
	f->ss = 0x23;
	uint64_t fl = spin_lock_irqsave(&sig_lock);
	t->sigmask |= a->mask | ((a->flags & SA_NODEFER) ? 0 : bit(sig));
	t->sigmask &= ~UNBLOCKABLE;
	if (a->flags & SA_RESETHAND)
		actions[sig].handler = SIG_DFL;
	spin_unlock_irqrestore(&sig_lock, fl);
	/* Handlers start with a clean FPU state, as on Linux. */
	fpu_restore(fpu_init_state);
	return true;
}

/* Syscalls that Linux restarts after a handler with SA_RESTART (signal(7)). */
static bool restartable(uint64_t nr)
{
	switch (nr) {
	case 0: case 1: case 17: case 18: case 19: case 20:   /* read write pread pwrite readv writev */
	case 43: case 288: case 42: case 44: case 45: case 46: case 47:   /* accept accept4 connect send/recv */
	case 61: case 202: case 73: case 72:   /* wait4 futex flock fcntl */
		return true;
	default:
		return false;
	}
}

void signal_deliver_pending(struct trap_frame *f, long ret)
{
	struct thread *t = current();
	for (;;) {
		uint64_t fl = spin_lock_irqsave(&sig_lock);
		uint64_t ready = (t->sigpending | process_pending) & ~t->sigmask;
		if (!ready) {
			/* Nothing for a handler: a temporary mask (sigsuspend) ends here. */
			if (t->saved_sigmask_valid) {
				t->sigmask = t->saved_sigmask;
				t->saved_sigmask_valid = 0;
			}
			spin_unlock_irqrestore(&sig_lock, fl);
			return;
		}
		int sig = __builtin_ctzll(ready) + 1, code;
		if (t->sigpending & bit(sig)) {
			t->sigpending &= ~bit(sig);
			code = t->sigcode[sig];
		} else {
			process_pending &= ~bit(sig);
			code = process_code[sig];
		}
		struct ksigaction a = actions[sig];
		spin_unlock_irqrestore(&sig_lock, fl);
		if (a.handler == SIG_IGN || (a.handler == SIG_DFL && default_ignored(sig)))
			continue;
		if (a.handler == SIG_DFL) {
			/* Sent, not a fault: say by what (si_code: 0 kill, -6 tkill) and where the thread was. */
			char d[96];
			ksnprintf(d, sizeof(d), "code=%d tid=%d rip=%#lx", code, t->tid, f->rip);
			die(sig, d);
		}
		/* An interrupted syscall: restart it or let it fail with EINTR. */
		if (f->vector == 0x80 && ret == -EINTR && (a.flags & SA_RESTART) && restartable(t->syscall_nr)) {
			f->rax = t->syscall_nr;
			f->rip -= 2;
		}
		struct siginfo_k info;
		memset(&info, 0, sizeof(info));
		info.si_signo = sig;
		info.si_code = code;
		if (code == SI_USER || code == SI_TKILL)
			info.u.kill.pid = 1;   /* the sender is this process; uid 0 */
		if (!setup_frame(f, sig, &a, &info))
			die(SIGSEGV, "reason=bad-signal-stack");
		return;
	}
}

int signal_send_thread(struct thread *t, int sig, int code)
{
	if (sig < 1 || sig > NSIG)
		return -EINVAL;
	uint64_t fl = spin_lock_irqsave(&sig_lock);
	if (!(t->sigpending & bit(sig)))
		t->sigcode[sig] = (int8_t)code;
	t->sigpending |= bit(sig);
	spin_unlock_irqrestore(&sig_lock, fl);
	sched_wake(t);
	return 0;
}

int signal_send_process(int sig, int code)
{
	if (sig < 1 || sig > NSIG)
		return -EINVAL;
	uint64_t fl = spin_lock_irqsave(&sig_lock);
	if (!(process_pending & bit(sig)))
		process_code[sig] = (int8_t)code;
	process_pending |= bit(sig);
	spin_unlock_irqrestore(&sig_lock, fl);
	for (struct thread *t = thread_first(); t; t = t->all_next)
		if (t->user && t->state == THREAD_BLOCKED && !(t->sigmask & bit(sig)))
			sched_wake(t);
	return 0;
}

void signal_fault(struct trap_frame *f, int sig, int code, uint64_t addr)
{
	char d[128];
	ksnprintf(d, sizeof(d), "code=%d addr=%#lx rip=%#lx", code, addr, f->rip);
	struct ksigaction a = actions[sig];
	/* A fault the app cannot handle (blocked, default, ignored) kills it, as on Linux. */
	if (sig == SIGKILL || a.handler == SIG_DFL || a.handler == SIG_IGN || (current()->sigmask & bit(sig)))
		die(sig, d);
	/* The app's handler gets it; if that handler re-raises it (Node does, for faults that are
	 * not WebAssembly traps) the death record only shows the raise, so note the fault itself. */
	static int noted;
	if (noted < 8) {
		noted++;
		krecord("fault sig=%d tid=%d %s", sig, current()->tid, d);
	}
	struct siginfo_k info;
	memset(&info, 0, sizeof(info));
	info.si_signo = sig;
	info.si_code = code;
	info.u.fault.addr = addr;
	if (!setup_frame(f, sig, &a, &info))
		die(SIGSEGV, d);
}

long sys_rt_sigreturn(void)
{
	struct thread *t = current();
	struct trap_frame *f = t->uframe;
	uint64_t frame = f->rsp - 8;   /* the handler's ret popped pretcode */
	struct rt_sigframe_k fr;
	if (copy_from_user(&fr, (void *)frame, sizeof(fr)))
		die(SIGSEGV, "reason=bad-sigreturn-frame");
	struct sigcontext_k *m = &fr.uc.uc_mcontext;
	f->r8 = m->r8; f->r9 = m->r9; f->r10 = m->r10; f->r11 = m->r11;
	f->r12 = m->r12; f->r13 = m->r13; f->r14 = m->r14; f->r15 = m->r15;
	f->rdi = m->rdi; f->rsi = m->rsi; f->rbp = m->rbp; f->rbx = m->rbx;
	f->rdx = m->rdx; f->rax = m->rax; f->rcx = m->rcx; f->rsp = m->rsp;
	f->rip = m->rip;
	/* Only flags user code may change; never IOPL or VM. */
	f->rflags = (f->rflags & ~0x40dd5ULL) | (m->eflags & 0x40dd5ULL) | 0x202;
	f->cs = 0x2b;
	f->ss = 0x23;
	f->vector = 0;   /* not a syscall frame any more: no restart logic on the way out */
	uint64_t fl = spin_lock_irqsave(&sig_lock);
	t->sigmask = fr.uc.uc_sigmask & ~UNBLOCKABLE;
	spin_unlock_irqrestore(&sig_lock, fl);
	/* FPU state: copy in, keep only features we enabled, and restore; a
	 * malformed area gives the app a clean state rather than a kernel #GP. */
	if (m->fpstate) {
		uint8_t *xs = t->fpu;
		if (copy_from_user(xs, (void *)m->fpstate, fpu_state_size) == 0) {
			uint64_t *hdr = (uint64_t *)(xs + 512);
			hdr[0] &= fpu_xcr0;   /* XSTATE_BV */
			hdr[1] = 0;           /* XCOMP_BV: standard format */
			for (int i = 2; i < 8; i++)
				hdr[i] = 0;
			*(uint32_t *)(xs + 24) &= 0xffff;   /* MXCSR: reserved bits must be clear */
			fpu_restore(xs);
		} else {
			fpu_restore(fpu_init_state);
		}
	}
	return (long)f->rax;
}

long sys_sigaltstack(const struct stack_k *ss, struct stack_k *old)
{
	struct thread *t = current();
	struct stack_k o = { t->altstack_sp, 0, 0, t->altstack_size };
	o.ss_flags = !t->altstack_size ? SS_DISABLE : on_altstack(t, t->uframe->rsp) ? SS_ONSTACK : t->altstack_flags;
	if (ss) {
		struct stack_k n;
		if (copy_from_user(&n, ss, sizeof(n)))
			return -EFAULT;
		if (on_altstack(t, t->uframe->rsp))
			return -EPERM;
		if (n.ss_flags & ~(SS_DISABLE | (int32_t)0x80000000))   /* SS_AUTODISARM */
			return -EINVAL;
		if (n.ss_flags & SS_DISABLE) {
			t->altstack_sp = t->altstack_size = 0;
			t->altstack_flags = SS_DISABLE;
		} else {
			if (n.ss_size < 2048)
				return -ENOMEM;   /* MINSIGSTKSZ */
			t->altstack_sp = n.ss_sp;
			t->altstack_size = n.ss_size;
			t->altstack_flags = 0;
		}
	}
	if (old && copy_to_user(old, &o, sizeof(o)))
		return -EFAULT;
	return 0;
}

static bool has_signal(void *arg) { return signal_pending(current()); }

long sys_pause(void)
{
	static struct waitq q;
	static int init;
	if (!init) {
		waitq_init(&q);
		init = 1;
	}
	waitq_wait(&q, has_signal, 0, 0, true);
	return -EINTR;
}

long sys_rt_sigsuspend(const uint64_t *mask, size_t sigsetsize)
{
	if (sigsetsize != 8)
		return -EINVAL;
	uint64_t m;
	if (copy_from_user(&m, mask, 8))
		return -EFAULT;
	struct thread *t = current();
	uint64_t old = t->sigmask;
	t->sigmask = m & ~UNBLOCKABLE;
	static struct waitq q;
	static int init;
	if (!init) {
		waitq_init(&q);
		init = 1;
	}
	waitq_wait(&q, has_signal, 0, 0, true);
	/* The handler runs with the suspend mask; the frame restores the old one. */
	t->saved_sigmask_valid = 1;
	t->saved_sigmask = old;
	return -EINTR;
}

long sys_rt_sigaction(int sig, const struct ksigaction *act, struct ksigaction *old, size_t sigsetsize)
{
	if (sigsetsize != 8)
		return -EINVAL;
	if (sig < 1 || sig > NSIG)
		return -EINVAL;
	struct ksigaction k;
	if (act) {
		if (sig == SIGKILL || sig == SIGSTOP)
			return -EINVAL;
		if (copy_from_user(&k, act, sizeof(k)))
			return -EFAULT;
		/* Node passes sa_flags sign-extended; only the low 32 bits mean anything. */
		k.flags &= 0xffffffffULL;
		k.mask &= ~UNBLOCKABLE;
	}
	uint64_t fl = spin_lock_irqsave(&sig_lock);
	struct ksigaction prev = actions[sig];
	if (act) {
		actions[sig] = k;
		if (k.handler == SIG_IGN || (k.handler == SIG_DFL && default_ignored(sig))) {
			process_pending &= ~bit(sig);
			for (struct thread *t = thread_first(); t; t = t->all_next)
				t->sigpending &= ~bit(sig);
		}
	}
	spin_unlock_irqrestore(&sig_lock, fl);
	if (old && copy_to_user(old, &prev, sizeof(prev)))
		return -EFAULT;
	return 0;
}

#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

long sys_rt_sigprocmask(int how, const uint64_t *set, uint64_t *old, size_t sigsetsize)
{
	if (sigsetsize != 8)
		return -EINVAL;
	struct thread *t = current();
	uint64_t prev = t->sigmask, s;
	if (set) {
		if (copy_from_user(&s, set, 8))
			return -EFAULT;
		switch (how) {
		case SIG_BLOCK: t->sigmask |= s; break;
		case SIG_UNBLOCK: t->sigmask &= ~s; break;
		case SIG_SETMASK: t->sigmask = s; break;
		default: return -EINVAL;
		}
		t->sigmask &= ~UNBLOCKABLE;
	}
	if (old && copy_to_user(old, &prev, 8))
		return -EFAULT;
	return 0;
}

long sys_rt_sigpending(uint64_t *set, size_t sigsetsize)
{
	if (sigsetsize > 8)
		return -EINVAL;
	struct thread *t = current();
	uint64_t p = (t->sigpending | process_pending) & t->sigmask;
	return copy_to_user(set, &p, sigsetsize) ? -EFAULT : 0;
}

long sys_kill(int pid, int sig)
{
	if (pid != 1 && pid != 0 && pid != -1)
		return -ESRCH;
	if (sig == 0)
		return 0;
	return signal_send_process(sig, SI_USER);
}

long sys_tgkill(int tgid, int tid, int sig)
{
	if (tgid != 1 || tid <= 0)
		return tgid <= 0 || tid <= 0 ? -EINVAL : -ESRCH;
	struct thread *t = thread_find(tid == 1 ? 1 : tid);
	if (!t)
		return -ESRCH;
	if (sig == 0)
		return 0;
	return signal_send_thread(t, sig, SI_TKILL);
}

long sys_tkill(int tid, int sig) { return sys_tgkill(1, tid, sig); }

/* EPIPE on a pipe or socket: SIGPIPE to the writing thread, as on Linux. */
void signal_send_self(int sig)
{
	signal_send_thread(current(), sig, SI_USER);
}
