/* The built vDSO, embedded in the kernel image. */
        .section .rodata
        .balign 4096
        .globl vdso_image_start, vdso_image_end
vdso_image_start:
        .incbin VDSO_SO
vdso_image_end:
