/* The legacy 8259 PICs: q35 and pc firmware leave them delivering IRQ 0-7
 * on vectors 8-15, which collide with CPU exceptions. We use the IOAPIC, so
 * remap them out of the way (0x20-0x2f, ICW2) and mask every line. */
#include "arch/x86_64/pic.h"
#include "arch/x86_64/cpu.h"

void pic_disable(void)
{
	outb(0x20, 0x11);   /* ICW1: init, ICW4 follows */
	outb(0xa0, 0x11);
	outb(0x21, 0x20);   /* ICW2: vector base */
	outb(0xa1, 0x28);
	outb(0x21, 0x04);   /* ICW3: slave on IRQ2 */
	outb(0xa1, 0x02);
	outb(0x21, 0x01);   /* ICW4: 8086 mode */
	outb(0xa1, 0x01);
	outb(0x21, 0xff);   /* mask all */
	outb(0xa1, 0xff);
}
