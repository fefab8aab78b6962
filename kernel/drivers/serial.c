#include "drivers/serial.h"
#include "arch/x86_64/cpu.h"

enum { THR = 0, RBR = 0, IER = 1, FCR = 2, LCR = 3, MCR = 4, LSR = 5, DLL = 0, DLM = 1 };
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY  0x20

void serial_init(uint16_t port)
{
	outb(port + IER, 0);
	outb(port + LCR, 0x80);         /* DLAB: set the divisor */
	outb(port + DLL, 1);            /* 115200 baud */
	outb(port + DLM, 0);
	outb(port + LCR, 0x03);         /* 8N1 */
	/* Enable the FIFOs without clearing them (bits 1-2): bytes the host sent
	 * before boot (stdin) must not be lost. */
	outb(port + FCR, 0x01);
	outb(port + MCR, 0x0b);         /* DTR, RTS, OUT2 (routes the IRQ) */
}

void serial_write(uint16_t port, const void *buf, size_t n)
{
	const uint8_t *p = buf;
	for (size_t i = 0; i < n; i++) {
		while (!(inb(port + LSR) & LSR_THR_EMPTY))
			cpu_relax();
		outb(port + THR, p[i]);
	}
}

int serial_read_byte(uint16_t port)
{
	if (!(inb(port + LSR) & LSR_DATA_READY))
		return -1;
	return inb(port + RBR);
}

void serial_enable_rx_irq(uint16_t port)
{
	outb(port + IER, 0x01);   /* received data available */
}
