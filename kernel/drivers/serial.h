/* 16550 UARTs: COM1 (0x3f8) carries the app's stdout and stdin, COM2
 * (0x2f8) its stderr (DESIGN.md, output channels). */
#ifndef DRIVERS_SERIAL_H
#define DRIVERS_SERIAL_H
#include <stddef.h>
#include <stdint.h>

#define COM1 0x3f8
#define COM2 0x2f8

void serial_init(uint16_t port);
void serial_write(uint16_t port, const void *buf, size_t n);
/* Interrupt on received data (the line's IRQ must be routed). */
void serial_enable_rx_irq(uint16_t port);
/* Returns a byte, or -1 when none is waiting. */
int serial_read_byte(uint16_t port);

#endif
