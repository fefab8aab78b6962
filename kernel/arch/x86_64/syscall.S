/* The syscall instruction lands here (LSTAR). We switch to the thread's
 * kernel stack, save the app's registers as a struct trap_frame (the same
 * layout interrupts save, so signals and clone see one format), run
 * syscall_handle(frame) with interrupts on, and return with sysretq when the
 * frame allows it (rcx = rip, r11 = rflags, rip canonical), else through iretq (trap_return). */
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/frame.h"

#define SEL_UCODE 0x2b
#define SEL_UDATA 0x23

        .text
        .globl syscall_entry
syscall_entry:
        swapgs
        movq    %rsp, %gs:PERCPU_USER_RSP
        movq    %gs:PERCPU_KSTACK_TOP, %rsp
        pushq   $SEL_UDATA              /* ss */
        pushq   %gs:PERCPU_USER_RSP     /* rsp */
        pushq   %r11                    /* rflags */
        pushq   $SEL_UCODE              /* cs */
        pushq   %rcx                    /* rip */
        pushq   $0                      /* error */
        pushq   $0x80                   /* vector: marks a syscall frame */
        PUSH_GPRS
        xorl    %ebp, %ebp
        movq    %rsp, %rdi
        sti
        call    syscall_handle
        cli
        /* sysret loads rip from rcx and rflags from r11, so it can only return to a frame
         * whose rcx and r11 still hold those (what the syscall instruction left). A frame the
         * call rewrote — rt_sigreturn back into code a signal interrupted mid-computation, a
         * restarted call — must get every register back: iretq (as Linux checks too). */
        movq    17*8(%rsp), %rcx        /* frame rip */
        cmpq    12*8(%rsp), %rcx        /* frame rcx */
        jne     1f
        movq    19*8(%rsp), %r11        /* frame rflags */
        cmpq    4*8(%rsp), %r11         /* frame r11 */
        jne     1f
        /* sysret needs rip canonical (a non-canonical rcx would fault in ring 0). */
        movq    %rcx, %r11
        sarq    $47, %r11
        jnz     1f
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %r11                    /* overwritten below */
        popq    %r10
        popq    %r9
        popq    %r8
        popq    %rbp
        popq    %rdi
        popq    %rsi
        popq    %rdx
        popq    %rcx                    /* overwritten below */
        popq    %rbx
        popq    %rax
        addq    $16, %rsp               /* vector, error */
        popq    %rcx                    /* rip */
        addq    $8, %rsp                /* cs */
        popq    %r11                    /* rflags */
        popq    %rsp                    /* user rsp: last use of the kernel stack */
        swapgs
        sysretq
1:      jmp     trap_return
