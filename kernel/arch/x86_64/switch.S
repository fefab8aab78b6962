/* Kernel context switch and new-thread trampolines.
 * void arch_switch(uint64_t *save_rsp, uint64_t load_rsp): saves the
 * callee-saved registers on the current stack, stores rsp, loads the other
 * thread's rsp and pops its registers. A new thread's stack is laid out by
 * thread.c to "return" into one of the trampolines below. */
        .text
        .globl arch_switch
arch_switch:
        pushq   %rbp
        pushq   %rbx
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
        movq    %rsp, (%rdi)
        movq    %rsi, %rsp
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %rbx
        popq    %rbp
        ret

/* Kernel thread: r12 = fn, r13 = arg. */
        .globl thread_kernel_trampoline
thread_kernel_trampoline:
        call    sched_after_switch_new
        sti
        movq    %r13, %rdi
        call    *%r12
        xorl    %edi, %edi
        call    thread_exit

/* User thread: r12 = its trap frame; leave through the interrupt return path. */
        .globl thread_user_trampoline
thread_user_trampoline:
        call    sched_after_switch_new
        movq    %r12, %rsp
        jmp     trap_return
