/* Segments: flat kernel and user segments laid out for syscall/sysret
 * (STAR wants user data right before user 64-bit code), and the TSS that
 * holds the kernel stack for ring-3 interrupts and the double-fault stack. */
#ifndef ARCH_X86_64_GDT_H
#define ARCH_X86_64_GDT_H
#include <stdint.h>

#define SEL_KCODE   0x08
#define SEL_KDATA   0x10
#define SEL_UCODE32 0x1b
#define SEL_UDATA   0x23
#define SEL_UCODE   0x2b
#define SEL_TSS     0x30

#define IST_DOUBLE_FAULT 1
#define IST_NMI          2

void gdt_init(void);
/* The stack the CPU switches to when an interrupt arrives in ring 3. */
void tss_set_kernel_stack(uint64_t rsp0);

#endif
