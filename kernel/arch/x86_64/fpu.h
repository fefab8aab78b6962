/* Extended CPU state (x87, SSE, AVX...) per thread via XSAVE. The kernel is
 * built with -mgeneral-regs-only, so user state stays live in the registers
 * until a context switch or a signal frame saves it. */
#ifndef ARCH_X86_64_FPU_H
#define ARCH_X86_64_FPU_H
#include <stdint.h>

/* Enables XSAVE with every user feature the CPU has; records the area size. */
void fpu_init(void);
extern uint32_t fpu_state_size;    /* bytes of an XSAVE area for our XCR0 */
extern uint64_t fpu_xcr0;
/* A clean state (FNINIT, MXCSR 0x1f80), for new programs. */
extern const void *fpu_init_state;
void fpu_save(void *area);           /* area: fpu_state_size bytes, 64-aligned */
void fpu_restore(const void *area);

#endif
