/* Glue between CPU exceptions and the ABI: demand paging for user
 * addresses, exceptions in ring 3 become signals (as Linux maps them in
 * arch/x86/kernel/traps.c), and signals plus preemption on the way back. */
#include "compat/signal.h"
#include "mm/vm.h"
#include "sched/thread.h"
#include "lib/errno.h"
#include "mm/pmm.h"
#include "core/log.h"

#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define BUS_ADRERR 2
#define ILL_ILLOPN 2
#define FPE_INTDIV 1
#define TRAP_BRKPT 1

static void user_exception(struct trap_frame *f, uint64_t addr, int fault)
{
	switch (f->vector) {
	case 14:
		if (fault == -ENXIO)
			signal_fault(f, SIGBUS, BUS_ADRERR, addr);
		else if (fault == -ENOMEM) {
			/* Out of memory while filling a page: the app cannot go on (Linux's OOM killer). */
			struct pmm_stats s;
			pmm_get_stats(&s);
			krecord("oom addr=%#lx rss_kib=%lu free_kib=%lu ram_kib=%lu", addr, vm.pages_resident * 4,
				s.free_bytes / 1024, s.ram_bytes / 1024);
			signal_fault(f, SIGKILL, 0, addr);
		}
		else
			signal_fault(f, SIGSEGV, fault == -EACCES || (f->error & 1) ? SEGV_ACCERR : SEGV_MAPERR, addr);
		break;
	case 0: signal_fault(f, SIGFPE, FPE_INTDIV, f->rip); break;
	case 1: case 3: signal_fault(f, SIGTRAP, TRAP_BRKPT, f->rip); break;
	case 6: signal_fault(f, SIGILL, ILL_ILLOPN, f->rip); break;
	case 16: case 19: signal_fault(f, SIGFPE, 0, f->rip); break;
	case 17: signal_fault(f, SIGBUS, 0, 0); break;
	default: signal_fault(f, SIGSEGV, 0x80, 0); break;   /* SI_KERNEL, like #GP */
	}
}

void rseq_fixup(struct trap_frame *f);

static void user_return(struct trap_frame *f)
{
	/* An interrupted rseq critical section restarts at its abort handler
	 * whenever the thread may have lost the CPU or gets a signal. */
	if (current()->rseq && (this_cpu()->need_resched || signal_pending(current())))
		rseq_fixup(f);
	signal_deliver_pending(f, 0);
	sched_preempt_check();
}

void uaccess_init(void);

void compat_init(void)
{
	uaccess_init();
	vm_init();
	trap_page_fault_hook = vm_fault;
	trap_user_exception_hook = user_exception;
	trap_user_return_hook = user_return;
}
