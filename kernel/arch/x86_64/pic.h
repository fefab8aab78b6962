#ifndef ARCH_X86_64_PIC_H
#define ARCH_X86_64_PIC_H
/* Remaps and masks the 8259 PICs (absent on microvm: the writes are harmless). */
void pic_disable(void);
#endif
