/* PVH entry: the hypervisor (QEMU -kernel, Firecracker) starts us here in
 * 32-bit protected mode, paging off, %ebx = physical address of
 * hvm_start_info. We clear .bss, build boot page tables (identity 1 GiB for
 * the jump, a 4 GiB direct map at DMAP_BASE, the kernel image at KERNEL_VMA),
 * enter long mode and call kmain(start_info_phys) on the boot stack.
 * mm/vmm.c replaces these tables once the memory map is known. */
#include "arch/x86_64/layout.h"

#define PHYS(x) ((x) - KERNEL_VMA)

        .section .note.pvh, "a"
        .balign 4
        .long 4                 /* namesz */
        .long 8                 /* descsz */
        .long 18                /* XEN_ELFNOTE_PHYS32_ENTRY */
        .asciz "Xen"
        .balign 4
        .quad pvh_entry

        .section .boot.text, "ax"
        .code32
        .globl pvh_entry
pvh_entry:
        cli
        cld
        mov     %ebx, %esi              /* start_info, survives the switch */
        rdtsc
        mov     %eax, %ebp
        mov     %edx, %ecx

        /* Zero .bss (the loader zero-fills p_memsz, but PVH does not promise it). */
        mov     $PHYS(__bss_start), %edi
        mov     %ecx, %edx
        mov     $PHYS(__bss_end), %ecx
        sub     %edi, %ecx
        shr     $2, %ecx
        xor     %eax, %eax
        rep stosl
        mov     %edx, %ecx
        mov     %ebp, PHYS(boot_tsc)
        mov     %ecx, PHYS(boot_tsc) + 4

        /* PD0..PD3: 2 MiB pages covering 0..4 GiB. */
        mov     $PHYS(boot_pd), %edi
        xor     %ecx, %ecx
1:      mov     %ecx, %eax
        shl     $21, %eax
        or      $0x83, %eax             /* present, writable, 2 MiB */
        mov     %eax, (%edi,%ecx,8)
        movl    $0, 4(%edi,%ecx,8)
        inc     %ecx
        cmp     $2048, %ecx
        jne     1b

        /* Direct-map PDPT: 4 entries, one per PD. */
        mov     $PHYS(boot_pdpt_dmap), %edi
        mov     $PHYS(boot_pd) + 3, %eax
        mov     %eax, 0(%edi)
        add     $4096, %eax
        mov     %eax, 8(%edi)
        add     $4096, %eax
        mov     %eax, 16(%edi)
        add     $4096, %eax
        mov     %eax, 24(%edi)

        /* Identity PDPT[0] and kernel PDPT[510] both point at PD0 (0..1 GiB). */
        mov     $PHYS(boot_pd) + 3, %eax
        mov     %eax, PHYS(boot_pdpt_low)
        mov     %eax, PHYS(boot_pdpt_high) + 510*8

        mov     $PHYS(boot_pml4), %edi
        mov     $PHYS(boot_pdpt_low) + 3, %eax
        mov     %eax, 0(%edi)
        mov     $PHYS(boot_pdpt_dmap) + 3, %eax
        mov     %eax, PML4_DMAP_INDEX*8(%edi)
        mov     $PHYS(boot_pdpt_high) + 3, %eax
        mov     %eax, 511*8(%edi)

        mov     %edi, %cr3
        mov     %cr4, %eax
        or      $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
        mov     %eax, %cr4
        mov     $0xC0000080, %ecx       /* EFER */
        rdmsr
        or      $(EFER_LME | EFER_NXE | EFER_SCE), %eax
        wrmsr
        mov     %cr0, %eax
        and     $~(CR0_EM | CR0_TS), %eax
        or      $(CR0_PG | CR0_WP | CR0_PE | CR0_MP | CR0_NE), %eax
        mov     %eax, %cr0

        lgdt    boot_gdt_ptr
        ljmp    $0x08, $long_entry

        .code64
long_entry:
        mov     $0x10, %ax
        mov     %ax, %ds
        mov     %ax, %es
        mov     %ax, %ss
        xor     %eax, %eax
        mov     %ax, %fs
        mov     %ax, %gs
        movabs  $high_entry, %rax
        jmp     *%rax

        .section .boot.data, "aw"
        .balign 16
boot_gdt:
        .quad 0
        .quad 0x00af9a000000ffff        /* 0x08: 64-bit code */
        .quad 0x00cf92000000ffff        /* 0x10: data */
boot_gdt_ptr:
        .word boot_gdt_ptr - boot_gdt - 1
        .long boot_gdt

        .section .text.entry, "ax"
high_entry:
        movabs  $boot_stack_top, %rsp
        xor     %ebp, %ebp
        mov     %esi, %edi
        call    kmain
2:      cli
        hlt
        jmp     2b

        .section .bss
        .balign 4096
        .globl boot_pml4, boot_pd
boot_pml4:      .skip 4096
boot_pdpt_low:  .skip 4096
boot_pdpt_dmap: .skip 4096
boot_pdpt_high: .skip 4096
boot_pd:        .skip 4096*4
        .globl boot_stack_top
boot_stack:     .skip BOOT_STACK_SIZE
boot_stack_top:
        .balign 8
        .globl boot_tsc
boot_tsc:       .quad 0
