#include "arch/x86_64/frame.h"
/* Interrupt entry: 256 stubs of 16 bytes each (idt.c computes their
 * addresses), all funnelling into isr_common, which saves the registers as a
 * struct trap_frame (trap.h), swaps GS when coming from ring 3, and calls
 * trap_dispatch(frame). */

        .text
        .balign 16
        .globl isr_stubs
isr_stubs:
        .set vec, 0
        .rept 256
        .balign 16
        .if (vec == 8) || (vec == 10) || (vec == 11) || (vec == 12) || (vec == 13) || (vec == 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
        .else
        pushq   $0
        .endif
        pushq   $vec
        jmp     isr_common
        .set vec, vec + 1
        .endr

        .globl isr_common
isr_common:
        testb   $3, 24(%rsp)            /* saved CS: did we come from ring 3? */
        jz      1f
        swapgs
1:      PUSH_GPRS
        cld
        mov     %rsp, %rdi
        call    trap_dispatch
        .globl trap_return
trap_return:
        POP_GPRS
        testb   $3, 24(%rsp)
        jz      2f
        swapgs
2:      addq    $16, %rsp
        iretq

/* int probe_read_u64(const uint64_t *addr, uint64_t *out): 0, or -EFAULT
 * when addr faults. Lets the fault reporter walk a possibly broken stack. */
        .globl probe_read_u64
probe_read_u64:
3:      movq    (%rdi), %rax
        movq    %rax, (%rsi)
        xorl    %eax, %eax
        ret
4:      movl    $-14, %eax
        ret
        .section __ex_table, "a"
        .quad   3b, 4b

/* int probe_write_u64(uint64_t *addr, uint64_t v): 0, or -EFAULT. */
        .text
        .globl probe_write_u64
probe_write_u64:
5:      movq    %rsi, (%rdi)
        xorl    %eax, %eax
        ret
6:      movl    $-14, %eax
        ret
        .section __ex_table, "a"
        .quad   5b, 6b

/* Self-test target: a load at a known instruction that trap_test_hook can
 * step over by moving rip to selftest_touch_resume. */
        .text
        .globl selftest_touch, selftest_touch_insn, selftest_touch_resume
selftest_touch:
        xorl    %eax, %eax
selftest_touch_insn:
        movq    (%rdi), %rax
selftest_touch_resume:
        ret
