#include "arch/x86_64/pit.h"
#include "arch/x86_64/cpu.h"

void pit_start(void)
{
	outb(0x43, 0x34);   /* channel 0, lobyte/hibyte, mode 2 (rate generator) */
	outb(0x40, 0);
	outb(0x40, 0);
}

uint16_t pit_read(void)
{
	outb(0x43, 0x00);   /* latch channel 0 */
	uint8_t lo = inb(0x40);
	uint8_t hi = inb(0x40);
	return (uint16_t)(hi << 8 | lo);
}
