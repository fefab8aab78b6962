/* Threads: every app thread (clone with CLONE_VM|CLONE_THREAD) and every
 * kernel thread (idle, later network) is a struct thread with its own kernel
 * stack. The app's registers at kernel entry are a struct trap_frame at the
 * top of that stack (syscalls and interrupts save the same layout). */
#ifndef SCHED_THREAD_H
#define SCHED_THREAD_H
#include <stdint.h>
#include <stdbool.h>
#include "arch/x86_64/trap.h"
#include "arch/x86_64/percpu.h"
#include "sched/wait.h"

#define KSTACK_SIZE (32 * 1024)

enum thread_state { THREAD_RUNNABLE, THREAD_BLOCKED, THREAD_DEAD };

struct thread {
	uint64_t saved_rsp;           /* kernel context while switched out */
	uint64_t kstack_top;
	void *kstack;
	struct trap_frame *uframe;    /* user registers (user threads) */
	void *fpu;                    /* XSAVE area, 64-byte aligned */
	void *fpu_alloc;
	uint64_t fs_base;
	int tid;
	bool user;
	int8_t nice;
	void *iobuf;                  /* compat/iobuf.c: the read/write bounce buffer, on first use */                  /* -20..19, per thread as on Linux (setpriority); not yet a weight */
	volatile enum thread_state state;
	struct thread *rq_next;       /* run queue link */
	struct thread *all_next;      /* list of every thread */
	/* Wake-up bookkeeping for waitq_wait and timeouts. */
	volatile bool woken;
	uint64_t wake_deadline;       /* CLOCK_MONOTONIC ns, 0 = none */
	struct thread *timer_next;
	/* Linux thread ABI. */
	uint64_t clear_child_tid;     /* set_tid_address / CLONE_CHILD_CLEARTID */
	uint64_t robust_list, robust_list_len;
	uint64_t sigmask;             /* blocked signals (bit n-1 for signal n) */
	uint64_t sigpending;          /* thread-directed pending signals */
	int8_t sigcode[65];           /* si_code of each pending one (SI_USER, SI_TKILL...) */
	uint64_t saved_sigmask;        /* sigsuspend/ppoll: the mask to restore after the handler */
	int saved_sigmask_valid;
	uint64_t syscall_nr;          /* of the syscall in progress (restarts, tracing) */
	uint64_t altstack_sp, altstack_size;
	int altstack_flags;
	char name[16];
	int exit_code;
	uint64_t rseq;                /* registered struct rseq (user address), 0 = none */
	uint32_t rseq_len, rseq_sig;
	uint64_t runtime_tsc;         /* TSC ticks spent running (CLOCK_THREAD_CPUTIME_ID) */
	uint64_t run_start_tsc;
};

static inline struct thread *current(void) { return this_cpu()->current; }

/* Creates a kernel thread running fn(arg); it is runnable at once. */
struct thread *thread_create_kernel(const char *name, void (*fn)(void *), void *arg);
/* Creates a user thread whose first return to ring 3 restores *regs
 * (a copy is taken) with FPU state copied from fpu_src (NULL = reset state). */
struct thread *thread_create_user(const struct trap_frame *regs, const void *fpu_src, uint64_t fs_base);
/* Ends the calling thread; never returns. */
__attribute__((noreturn)) void thread_exit(int code);
/* Looks a live thread up by tid (NULL when none). */
struct thread *thread_find(int tid);
int thread_count(void);
/* Iterates all threads (callers hold no locks; for signals and exit). */
struct thread *thread_first(void);

void sched_init(void);
/* Picks the next runnable thread and switches to it (the caller stays runnable). */
void schedule(void);
void sched_yield(void);
/* Marks the current thread blocked and switches away; returns once woken. */
void sched_block(void);
void sched_wake(struct thread *t);
/* Timer-tick hook: time slices, expired sleeps. */
void sched_tick(void);
/* Called on the way back to ring 3 from an interrupt: switch if a slice ran out. */
void sched_preempt_check(void);
/* Sleeps the current thread until deadline_ns (CLOCK_MONOTONIC) or a wake. */
void sched_sleep_until(uint64_t deadline_ns);

extern struct spinlock sched_lock;
/* TSC ticks run by threads that have exited (for the process CPU clock). */
extern uint64_t sched_dead_runtime_tsc;

#endif
