/* Spinlocks. One CPU runs today, but locks are written for SMP from the
 * start; the irqsave forms also keep interrupt handlers out. */
#ifndef LIB_SPINLOCK_H
#define LIB_SPINLOCK_H
#include <stdint.h>
#include "arch/x86_64/cpu.h"

struct spinlock { volatile uint32_t locked; };
#define SPINLOCK_INIT { 0 }

static inline void spin_lock(struct spinlock *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (l->locked)
			cpu_relax();
}
static inline void spin_unlock(struct spinlock *l) { __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE); }
#ifdef UNIPACK_HOST_TEST
/* Host unit tests run in user mode, where cli/sti would fault. */
static inline uint64_t spin_lock_irqsave(struct spinlock *l) { spin_lock(l); return 0; }
static inline void spin_unlock_irqrestore(struct spinlock *l, uint64_t f) { spin_unlock(l); }
#else
static inline uint64_t spin_lock_irqsave(struct spinlock *l)
{
	uint64_t f = irq_save();
	spin_lock(l);
	return f;
}
static inline void spin_unlock_irqrestore(struct spinlock *l, uint64_t f)
{
	spin_unlock(l);
	irq_restore(f);
}
#endif
#endif
