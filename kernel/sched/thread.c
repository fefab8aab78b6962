/* Thread creation, lookup and exit. Scheduling decisions live in sched.c. */
#include "sched/thread.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/gdt.h"
#include "core/panic.h"
#include "core/log.h"
#include "mm/kmalloc.h"
#include "mm/page.h"
#include "lib/string.h"

void thread_kernel_trampoline(void);
void thread_user_trampoline(void);
void sched_enqueue(struct thread *t);
void sched_exit_current(void) __attribute__((noreturn));

static struct thread *all_threads;
static struct spinlock threads_lock = SPINLOCK_INIT;
static int next_tid = 1;              /* app threads: the main thread is tid 1 = pid 1 */
static int next_kernel_tid = 0x400000; /* kernel threads stay out of the app's tid space */
static int nthreads;

static struct thread *thread_alloc(bool user)
{
	struct thread *t = kzalloc(sizeof(*t));
	if (!t)
		return 0;
	t->kstack = page_alloc(KSTACK_SIZE / 4096);
	t->fpu_alloc = kzalloc(fpu_state_size + 64);   /* XSAVE leaves header bytes 8-63 alone; XRSTOR wants them zero */
	if (!t->kstack || !t->fpu_alloc) {
		if (t->kstack)
			page_free(t->kstack, KSTACK_SIZE / 4096);
		kfree(t->fpu_alloc);
		kfree(t);
		return 0;
	}
	t->fpu = (void *)(((uintptr_t)t->fpu_alloc + 63) & ~(uintptr_t)63);
	t->kstack_top = (uint64_t)t->kstack + KSTACK_SIZE;
	uint64_t f = spin_lock_irqsave(&threads_lock);
	t->tid = user ? next_tid++ : next_kernel_tid++;
	t->all_next = all_threads;
	all_threads = t;
	nthreads++;
	spin_unlock_irqrestore(&threads_lock, f);
	return t;
}

/* Lays out the initial kernel stack so arch_switch "returns" into entry
 * with r12 and r13 set. */
static void prepare_stack(struct thread *t, uint64_t top, void (*entry)(void), uint64_t r12, uint64_t r13)
{
	uint64_t *sp = (uint64_t *)top;
	*--sp = 0;                 /* alignment: entry starts as if called */
	*--sp = (uint64_t)entry;
	*--sp = 0;                 /* rbp */
	*--sp = 0;                 /* rbx */
	*--sp = r12;
	*--sp = r13;
	*--sp = 0;                 /* r14 */
	*--sp = 0;                 /* r15 */
	t->saved_rsp = (uint64_t)sp;
}

struct thread *thread_create_kernel(const char *name, void (*fn)(void *), void *arg)
{
	struct thread *t = thread_alloc(false);
	if (!t)
		return 0;
	strlcpy(t->name, name, sizeof(t->name));
	memcpy(t->fpu, fpu_init_state, fpu_state_size);
	prepare_stack(t, t->kstack_top, thread_kernel_trampoline, (uint64_t)fn, (uint64_t)arg);
	t->state = THREAD_RUNNABLE;
	sched_enqueue(t);
	return t;
}

struct thread *thread_create_user(const struct trap_frame *regs, const void *fpu_src, uint64_t fs_base)
{
	struct thread *t = thread_alloc(true);
	if (!t)
		return 0;
	t->user = true;
	strlcpy(t->name, "app", sizeof(t->name));
	memcpy(t->fpu, fpu_src ? fpu_src : fpu_init_state, fpu_state_size);
	t->fs_base = fs_base;
	struct trap_frame *f = (struct trap_frame *)(t->kstack_top - sizeof(struct trap_frame));
	*f = *regs;
	f->cs = SEL_UCODE;
	f->ss = SEL_UDATA;
	f->rflags = (regs->rflags & 0xcd5) | 0x202;   /* user-settable flags, IF on */
	t->uframe = f;
	prepare_stack(t, (uint64_t)f, thread_user_trampoline, (uint64_t)f, 0);
	t->state = THREAD_RUNNABLE;
	return t;   /* the caller enqueues once it has set the thread up */
}

struct thread *thread_find(int tid)
{
	uint64_t f = spin_lock_irqsave(&threads_lock);
	struct thread *t = all_threads;
	while (t && !(t->tid == tid && t->state != THREAD_DEAD))
		t = t->all_next;
	spin_unlock_irqrestore(&threads_lock, f);
	return t;
}

struct thread *thread_first(void) { return all_threads; }
int thread_count(void) { return nthreads; }

void thread_exit(int code)
{
	struct thread *t = current();
	t->exit_code = code;
	uint64_t f = spin_lock_irqsave(&threads_lock);
	nthreads--;
	spin_unlock_irqrestore(&threads_lock, f);
	/* We are still on this thread's stack: sched.c frees it after the switch. */
	sched_exit_current();
}

void thread_free(struct thread *t)
{
	uint64_t f = spin_lock_irqsave(&threads_lock);
	for (struct thread **pp = &all_threads; *pp; pp = &(*pp)->all_next)
		if (*pp == t) {
			*pp = t->all_next;
			break;
		}
	spin_unlock_irqrestore(&threads_lock, f);
	page_free(t->kstack, KSTACK_SIZE / 4096);
	kfree(t->fpu_alloc);
	kfree(t->iobuf);
	kfree(t);
}
