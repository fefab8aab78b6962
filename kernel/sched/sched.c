/* The scheduler: one FIFO run queue, round-robin time slices driven by the
 * timer tick, preemption only on the way back to ring 3 (the kernel itself
 * is not preempted: it blocks or yields on its own), a sorted list of
 * sleepers with deadlines, and the idle thread (the boot context). */
#include "sched/thread.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/clock.h"
#include "core/panic.h"
#include "core/time.h"
#include "sched/timer.h"
#include "mm/kmalloc.h"
#include "lib/string.h"

#define SLICE_TICKS 10

void arch_switch(uint64_t *save_rsp, uint64_t load_rsp);
void thread_free(struct thread *t);

struct spinlock sched_lock = SPINLOCK_INIT;
static struct thread *rq_head, *rq_tail;
static struct thread *sleepers;     /* sorted by wake_deadline */
static struct thread *zombie;       /* a dead thread whose stack we just left */
static struct thread boot_thread;
static struct percpu cpu0;
static uint32_t slice_left = SLICE_TICKS;
uint64_t sched_dead_runtime_tsc;

void percpu_init_boot(void)
{
	cpu0.self = &cpu0;
	wrmsr(MSR_GS_BASE, (uint64_t)&cpu0);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
}

void sched_init(void)
{
	extern char boot_stack_top[];
	boot_thread.tid = 0;
	boot_thread.state = THREAD_RUNNABLE;
	boot_thread.kstack_top = (uint64_t)boot_stack_top;
	strlcpy(boot_thread.name, "idle", sizeof(boot_thread.name));
	cpu0.current = &boot_thread;
	cpu0.idle = &boot_thread;
	cpu0.kstack_top = boot_thread.kstack_top;
}

/* Caller holds sched_lock. */
static void rq_push(struct thread *t)
{
	t->rq_next = 0;
	if (rq_tail)
		rq_tail->rq_next = t;
	else
		rq_head = t;
	rq_tail = t;
}

static struct thread *rq_pop(void)
{
	struct thread *t = rq_head;
	if (t) {
		rq_head = t->rq_next;
		if (!rq_head)
			rq_tail = 0;
	}
	return t;
}

void sched_enqueue(struct thread *t)
{
	uint64_t f = spin_lock_irqsave(&sched_lock);
	t->state = THREAD_RUNNABLE;
	rq_push(t);
	spin_unlock_irqrestore(&sched_lock, f);
}

static void sleepers_remove(struct thread *t)
{
	for (struct thread **pp = &sleepers; *pp; pp = &(*pp)->timer_next)
		if (*pp == t) {
			*pp = t->timer_next;
			t->timer_next = 0;
			return;
		}
}

static void sleepers_insert(struct thread *t)
{
	struct thread **pp = &sleepers;
	while (*pp && (*pp)->wake_deadline <= t->wake_deadline)
		pp = &(*pp)->timer_next;
	t->timer_next = *pp;
	*pp = t;
}

/* Runs on the new thread's stack right after a switch. Caller holds sched_lock. */
static void finish_switch(void)
{
	if (zombie && zombie != current()) {
		struct thread *z = zombie;
		zombie = 0;
		thread_free(z);
	}
}

/* Switches from the current thread to the next runnable one (or idle).
 * Caller holds sched_lock with interrupts off; the current thread must
 * already be queued if it is to run again. */
static void switch_locked(void)
{
	struct percpu *cpu = this_cpu();
	struct thread *prev = cpu->current, *next = rq_pop();
	if (!next)
		next = cpu->idle;
	if (next == prev)
		return;
	if (prev->user)
		fpu_save(prev->fpu);
	if (next->user) {
		fpu_restore(next->fpu);
		wrmsr(MSR_FS_BASE, next->fs_base);
	}
	uint64_t now = rdtsc();
	prev->runtime_tsc += now - prev->run_start_tsc;
	if (prev->state == THREAD_DEAD)
		sched_dead_runtime_tsc += prev->runtime_tsc;
	next->run_start_tsc = now;
	cpu->current = next;
	cpu->kstack_top = next->kstack_top;
	tss_set_kernel_stack(next->kstack_top);
	slice_left = SLICE_TICKS;
	cpu->need_resched = 0;
	arch_switch(&prev->saved_rsp, next->saved_rsp);
	finish_switch();
}

void sched_after_switch_new(void)
{
	finish_switch();
	spin_unlock(&sched_lock);
}

void schedule(void)
{
	uint64_t f = spin_lock_irqsave(&sched_lock);
	struct thread *cur = current();
	if (cur->state == THREAD_RUNNABLE && cur != this_cpu()->idle)
		rq_push(cur);
	switch_locked();
	spin_unlock_irqrestore(&sched_lock, f);
}

void sched_yield(void) { schedule(); }

void sched_block(void)
{
	uint64_t f = spin_lock_irqsave(&sched_lock);
	struct thread *cur = current();
	if (cur == this_cpu()->idle) {
		/* The idle thread has nowhere to switch to and must never sleep:
		 * it was on the sleepers list twice once, and the list looped.
		 * Waiting code runs in other threads; here it just polls. */
		cur->state = THREAD_RUNNABLE;
		spin_unlock_irqrestore(&sched_lock, f);
		return;
	}
	if (cur->state == THREAD_BLOCKED) {
		if (cur->wake_deadline)
			sleepers_insert(cur);
		switch_locked();
	}
	spin_unlock_irqrestore(&sched_lock, f);
}

void sched_wake(struct thread *t)
{
	uint64_t f = spin_lock_irqsave(&sched_lock);
	t->woken = true;
	if (t->state == THREAD_BLOCKED) {
		if (t->wake_deadline)
			sleepers_remove(t);
		t->state = THREAD_RUNNABLE;
		/* Woken between deciding to sleep and switching away: it is still
		 * running, so it must not be queued as well. */
		if (t != current())
			rq_push(t);
		if (current() == this_cpu()->idle)
			this_cpu()->need_resched = 1;
	}
	spin_unlock_irqrestore(&sched_lock, f);
}

void sched_sleep_until(uint64_t deadline_ns)
{
	struct thread *cur = current();
	uint64_t f = spin_lock_irqsave(&sched_lock);
	cur->wake_deadline = deadline_ns;
	cur->state = THREAD_BLOCKED;
	spin_unlock_irqrestore(&sched_lock, f);
	sched_block();
	cur->wake_deadline = 0;
}

void sched_tick(void)
{
	ktimer_run_expired(time_monotonic_ns());
	spin_lock(&sched_lock);
	if (sleepers) {
		uint64_t now = time_monotonic_ns();
		while (sleepers && sleepers->wake_deadline <= now) {
			struct thread *t = sleepers;
			sleepers = t->timer_next;
			t->timer_next = 0;
			t->state = THREAD_RUNNABLE;
			rq_push(t);
		}
	}
	struct percpu *cpu = this_cpu();
	if (cpu->current == cpu->idle) {
		if (rq_head)
			cpu->need_resched = 1;
	} else {
		/* A spent slice stays spent until the next switch: a thread that never blocks (an
		 * event loop polling with timeout 0) must still give way to one that wakes later. */
		if (slice_left)
			slice_left--;
		if (slice_left == 0 && rq_head)
			cpu->need_resched = 1;
	}
	spin_unlock(&sched_lock);
}

void sched_preempt_check(void)
{
	if (this_cpu()->need_resched)
		schedule();
}

void sched_exit_current(void)
{
	irq_disable();
	spin_lock(&sched_lock);
	struct thread *cur = current();
	cur->state = THREAD_DEAD;
	zombie = cur;
	switch_locked();
	panic("a dead thread was scheduled");
}

/* The boot thread's last job: run whatever is runnable, halt otherwise. */
__attribute__((noreturn)) void sched_idle_loop(void)
{
	for (;;) {
		irq_disable();
		if (rq_head) {
			irq_enable();
			schedule();
			continue;
		}
		cpu_idle_wait();
		irq_enable();
	}
}
