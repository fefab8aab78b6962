/* Trap dispatch: IRQs go to registered handlers; exceptions go to a fixup
 * (uaccess, probes), the self-test hook, or a readable report and panic. */
#include "arch/x86_64/trap.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/lapic.h"
#include "core/log.h"
#include "core/panic.h"
#include "core/ksyms.h"

static irq_handler_fn irq_handlers[256];
int (*trap_test_hook)(struct trap_frame *f);
int (*trap_page_fault_hook)(uint64_t addr, uint64_t error);
void (*trap_user_exception_hook)(struct trap_frame *f, uint64_t addr, int fault);
void (*trap_user_return_hook)(struct trap_frame *f);

extern const struct ex_entry __ex_table_start[], __ex_table_end[];

static const char *const exception_names[32] = {
	"divide-error", "debug", "nmi", "breakpoint", "overflow", "bound-range", "invalid-opcode",
	"device-not-available", "double-fault", "coprocessor-overrun", "invalid-tss", "segment-not-present",
	"stack-fault", "general-protection", "page-fault", "reserved-15", "x87-fpu", "alignment-check",
	"machine-check", "simd-fp", "virtualization", "control-protection", "reserved-22", "reserved-23",
	"reserved-24", "reserved-25", "reserved-26", "reserved-27", "hypervisor-injection",
	"vmm-communication", "security", "reserved-31",
};

int irq_alloc_vector(void)
{
	static int next = 0x30;
	return next <= 0xef ? next++ : -1;
}

void irq_register(int vector, irq_handler_fn handler)
{
	irq_handlers[vector] = handler;
}

static int apply_fixup(struct trap_frame *f)
{
	for (const struct ex_entry *e = __ex_table_start; e < __ex_table_end; e++) {
		if (e->insn == f->rip) {
			f->rip = e->fixup;
			return 1;
		}
	}
	return 0;
}

static void report_exception(struct trap_frame *f)
{
	const char *name = exception_names[f->vector & 31];
	int user = (f->cs & 3) != 0;
	krecord("fault vector=%lu name=%s error=%#lx rip=%#lx cr2=%#lx mode=%s", f->vector, name, f->error,
		f->rip, read_cr2(), user ? "user" : "kernel");
	kprintf("  rax=%016lx rbx=%016lx rcx=%016lx rdx=%016lx\n", f->rax, f->rbx, f->rcx, f->rdx);
	kprintf("  rsi=%016lx rdi=%016lx rbp=%016lx rsp=%016lx\n", f->rsi, f->rdi, f->rbp, f->rsp);
	kprintf("  r8 =%016lx r9 =%016lx r10=%016lx r11=%016lx\n", f->r8, f->r9, f->r10, f->r11);
	kprintf("  r12=%016lx r13=%016lx r14=%016lx r15=%016lx\n", f->r12, f->r13, f->r14, f->r15);
	kprintf("  rflags=%016lx cs=%#lx ss=%#lx cr3=%#lx\n", f->rflags, f->cs, f->ss, read_cr3());
	if (!user)
		ksyms_backtrace_ex(f->rip, f->rbp, f->rsp);
}

#define USER_HALF_END 0x0000800000000000ULL

static void handle_exception(struct trap_frame *f)
{
	int user = (f->cs & 3) != 0;
	uint64_t addr = f->vector == VEC_PAGE_FAULT ? read_cr2() : 0;
	int fault = 0;
	/* Reserved-bit faults are kernel bugs, not demand paging. */
	if (f->vector == VEC_PAGE_FAULT && addr < USER_HALF_END && trap_page_fault_hook && !(f->error & 8)) {
		/* User faults, and kernel faults inside uaccess, may sleep (file reads, locks). */
		irq_enable();
		fault = trap_page_fault_hook(addr, f->error);
		irq_disable();
		if (fault == 0)
			return;
	}
	if (user && trap_user_exception_hook) {
		trap_user_exception_hook(f, addr, fault);
		return;
	}
	if (!user) {
		if (apply_fixup(f))
			return;
		if (trap_test_hook && trap_test_hook(f))
			return;
	}
	report_exception(f);
	panic("unhandled %s in %s mode", exception_names[f->vector & 31], (f->cs & 3) ? "user" : "kernel");
}

void trap_dispatch(struct trap_frame *f)
{
	if (f->vector < 32) {
		handle_exception(f);
		if ((f->cs & 3) && trap_user_return_hook)
			trap_user_return_hook(f);
		return;
	}
	if (f->vector == VEC_SPURIOUS)
		return;
	irq_handler_fn h = irq_handlers[f->vector];
	if (h)
		h(f);
	lapic_eoi();
	if ((f->cs & 3) && trap_user_return_hook)
		trap_user_return_hook(f);
}
