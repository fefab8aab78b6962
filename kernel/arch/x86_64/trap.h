/* Interrupt and exception dispatch. A struct trap_frame is what isr.S
 * saves; handlers may change it (e.g. a fixup rewrites rip). */
#ifndef ARCH_X86_64_TRAP_H
#define ARCH_X86_64_TRAP_H
#include <stdint.h>

struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};
_Static_assert(sizeof(struct trap_frame) == 22 * 8, "trap_frame matches isr.S");

#define VEC_PAGE_FAULT  14
#define VEC_TIMER       0x20
#define VEC_SPURIOUS    0xff

typedef void (*irq_handler_fn)(struct trap_frame *f);

void idt_init(void);
/* A free device-interrupt vector (0x30..0xef), or -1. */
int irq_alloc_vector(void);
/* Installs handler for vector (32..254); the dispatcher sends the LAPIC EOI. */
void irq_register(int vector, irq_handler_fn handler);
void trap_dispatch(struct trap_frame *f);

/* Exception-table fixups: a faulting kernel instruction listed in
 * __ex_table resumes at its fixup address instead of panicking. */
struct ex_entry { uint64_t insn, fixup; };
int probe_read_u64(const uint64_t *addr, uint64_t *out);
int probe_write_u64(uint64_t *addr, uint64_t v);

/* Test hook for the self-tests: when set, a kernel page fault calls it; if
 * it returns nonzero the fault counts as handled (it must fix f->rip). */
extern int (*trap_test_hook)(struct trap_frame *f);

/* Set by the ABI layer: resolves a page fault on a user address (demand
 * paging); 0 when the page is now mapped. Called with interrupts enabled. */
extern int (*trap_page_fault_hook)(uint64_t addr, uint64_t error);
/* An exception in ring 3 that the fault hook did not resolve: the ABI layer
 * turns it into a signal. fault is the page-fault hook's result (or 0). */
extern void (*trap_user_exception_hook)(struct trap_frame *f, uint64_t addr, int fault);
/* On every return to ring 3 from an interrupt or exception: signals, preemption. */
extern void (*trap_user_return_hook)(struct trap_frame *f);

#endif
