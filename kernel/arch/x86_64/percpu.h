/* Per-CPU data, reached through GS in kernel mode (swapgs on every entry
 * from ring 3). The first fields are at fixed offsets that the syscall
 * entry assembly uses. */
#ifndef ARCH_X86_64_PERCPU_H
#define ARCH_X86_64_PERCPU_H

#define PERCPU_SELF        0
#define PERCPU_KSTACK_TOP  8
#define PERCPU_USER_RSP    16
#define PERCPU_CURRENT     24

#ifndef __ASSEMBLY__
#include <stdint.h>
struct thread;

struct percpu {
	struct percpu *self;
	uint64_t kstack_top;       /* of the running thread: syscall entry switches to it */
	uint64_t user_rsp;         /* scratch for the syscall entry */
	struct thread *current;
	uint32_t cpu_id;
	volatile uint32_t need_resched;
	struct thread *idle;
	uint64_t irq_depth;
};

_Static_assert(__builtin_offsetof(struct percpu, kstack_top) == PERCPU_KSTACK_TOP, "percpu layout");
_Static_assert(__builtin_offsetof(struct percpu, user_rsp) == PERCPU_USER_RSP, "percpu layout");
_Static_assert(__builtin_offsetof(struct percpu, current) == PERCPU_CURRENT, "percpu layout");

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;
	__asm__ volatile("mov %%gs:0, %0" : "=r"(p));
	return p;
}

void percpu_init_boot(void);
#endif
#endif
