/* The faultable user-memory primitives behind compat/uaccess.c. Each
 * access that may fault is listed in __ex_table with a fixup that returns
 * an error; SMAP is lifted (stac) only inside them. */
        .text

.macro SMAP_OPEN
        testb   $1, uaccess_smap(%rip)
        jz      100f
        stac
100:
.endm
.macro SMAP_CLOSE
        testb   $1, uaccess_smap(%rip)
        jz      101f
        clac
101:
.endm

/* size_t uaccess_copy(void *dst, const void *src, size_t n): bytes NOT copied. */
        .globl uaccess_copy
uaccess_copy:
        SMAP_OPEN
        movq    %rdx, %rcx
1:      rep movsb
        SMAP_CLOSE
        xorl    %eax, %eax
        ret
2:      SMAP_CLOSE
        movq    %rcx, %rax
        ret
        .section __ex_table, "a"
        .quad   1b, 2b
        .text

/* size_t uaccess_clear(void *dst, size_t n): bytes NOT cleared. */
        .globl uaccess_clear
uaccess_clear:
        SMAP_OPEN
        movq    %rsi, %rcx
        xorl    %eax, %eax
3:      rep stosb
        SMAP_CLOSE
        xorl    %eax, %eax
        ret
4:      SMAP_CLOSE
        movq    %rcx, %rax
        ret
        .section __ex_table, "a"
        .quad   3b, 4b
        .text

/* long uaccess_strncpy(char *dst, const char *src, size_t max): length
 * before the NUL, max when none was found, -EFAULT on a fault. */
        .globl uaccess_strncpy
uaccess_strncpy:
        SMAP_OPEN
        xorl    %eax, %eax
5:      cmpq    %rdx, %rax
        jae     7f
6:      movb    (%rsi,%rax), %cl
        movb    %cl, (%rdi,%rax)
        testb   %cl, %cl
        jz      7f
        incq    %rax
        jmp     5b
7:      SMAP_CLOSE
        ret
8:      SMAP_CLOSE
        movq    $-14, %rax
        ret
        .section __ex_table, "a"
        .quad   6b, 8b
