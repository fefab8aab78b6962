/* Console files over the 16550s: writes go straight out (serial_write
 * polls the transmitter); received bytes arrive by IRQ 4 into a 4 KiB ring
 * decoded by the unipack.stdin protocol, and readers sleep on a waitq. */
#include "fs/console.h"
#ifndef UNIPACK_HOST_TEST
#include "compat/signal.h"
#endif
#include "fs/vfs.h"
#include "drivers/serial.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#include "lib/errno.h"
#ifndef UNIPACK_HOST_TEST
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/ioapic.h"
#include "arch/x86_64/trap.h"
#endif

#define RING 4096

static struct spinlock rx_lock;
static struct waitq rx_wq;
static uint8_t ring[RING];
static uint32_t r_head, r_count;
static bool rx_eof, esc_pending;
static enum console_stdin_mode mode = STDIN_NULL;

static bool push(uint8_t c)
{
	if (r_count == RING)
		return false;
	ring[(r_head + r_count) % RING] = c;
	r_count++;
	return true;
}

/* Decodes one received byte by the stdin mode. Caller holds rx_lock. After
 * end of file, data is dropped but 0xFF N still delivers signals. */
static void rx_byte(uint8_t c, uint64_t *signals)
{
	if (mode != STDIN_FRAMED) {
		if (!rx_eof)
			push(c);
	} else if (esc_pending) {
		esc_pending = false;
		if (c == 0x00)
			rx_eof = true;
		else if (c >= 1 && c <= 64)
			*signals |= 1ULL << (c - 1);   /* 0xFF N: the host sends signal N (Ctrl-C, stop) */
		else if (!rx_eof)
			push(c);   /* 0xFF 0xFF: a literal 0xFF (other escapes pass the byte through) */
	} else if (c == 0xff) {
		esc_pending = true;
	} else if (!rx_eof) {
		push(c);
	}
}

static void deliver(uint64_t signals)
{
	waitq_wake_all(&rx_wq, POLLIN | POLLRDNORM);
#ifndef UNIPACK_HOST_TEST
	for (int sig = 1; signals; sig++, signals >>= 1)
		if (signals & 1)
			signal_send_process(sig, SI_KERNEL);
#else
	(void)signals;
#endif
}

/* For tests and feeds that are not the UART: bytes past a full ring are dropped. */
void console_rx_bytes(const uint8_t *b, size_t n)
{
	uint64_t signals = 0;
	uint64_t fl = spin_lock_irqsave(&rx_lock);
	for (size_t i = 0; i < n; i++)
		rx_byte(b[i], &signals);
	spin_unlock_irqrestore(&rx_lock, fl);
	deliver(signals);
}

/* Moves bytes from the UART into the ring while it has room; the rest stays
 * in the UART (QEMU then holds the host's data back: flow control, nothing
 * lost). Interrupts off, so the IRQ handler and a reader never both read
 * the UART between its status and data registers. */
static void uart_pull(void)
{
#ifndef UNIPACK_HOST_TEST
	uint64_t signals = 0;
	uint64_t fl = spin_lock_irqsave(&rx_lock);
	int c;
	while (r_count < RING && (c = serial_read_byte(COM1)) >= 0)
		rx_byte((uint8_t)c, &signals);
	spin_unlock_irqrestore(&rx_lock, fl);
	deliver(signals);
#endif
}

#ifndef UNIPACK_HOST_TEST
static void com1_irq(struct trap_frame *f) { uart_pull(); }
#endif

void console_init(const char *m, int hw)
{
	waitq_init(&rx_wq);
	if (m && !strcmp(m, "raw"))
		mode = STDIN_RAW;
	else if (m && !strcmp(m, "framed"))
		mode = STDIN_FRAMED;
	else
		mode = STDIN_NULL;
#ifndef UNIPACK_HOST_TEST
	if (hw && mode != STDIN_NULL) {
		irq_register(CONSOLE_VECTOR, com1_irq);
		ioapic_route_isa(4, CONSOLE_VECTOR);
		serial_enable_rx_irq(COM1);
		uart_pull();
	}
#endif
}

static bool rx_ready(void *arg) { return r_count > 0 || rx_eof; }

static long con_read(struct file *f, void *buf, size_t n)
{
	if (mode == STDIN_NULL || n == 0)
		return 0;
	for (;;) {
		uart_pull();
		uint64_t fl = spin_lock_irqsave(&rx_lock);
		if (r_count) {
			size_t got = n < r_count ? n : r_count;
			for (size_t i = 0; i < got; i++)
				((uint8_t *)buf)[i] = ring[(r_head + i) % RING];
			r_head = (r_head + (uint32_t)got) % RING;
			r_count -= (uint32_t)got;
			spin_unlock_irqrestore(&rx_lock, fl);
			uart_pull();   /* room again: take what the UART held back */
			return (long)got;
		}
		bool eof = rx_eof;
		spin_unlock_irqrestore(&rx_lock, fl);
		if (eof)
			return 0;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		int err = waitq_wait(&rx_wq, rx_ready, NULL, 0, true);
		if (err)
			return err;
	}
}

static long com1_write(struct file *f, const void *buf, size_t n)
{
	serial_write(COM1, buf, n);
	return (long)n;
}

static long com2_write(struct file *f, const void *buf, size_t n)
{
	serial_write(COM2, buf, n);
	return (long)n;
}

static long com2_read(struct file *f, void *buf, size_t n) { return 0; }
static long con_lseek(struct file *f, int64_t off, int whence) { return -ESPIPE; }
static long con_pread(struct file *f, void *buf, size_t n, uint64_t off) { return -ESPIPE; }
static long con_pwrite(struct file *f, const void *buf, size_t n, uint64_t off) { return -ESPIPE; }
static long con_nread(struct file *f) { return mode == STDIN_NULL ? 0 : r_count; }
static long err_nread(struct file *f) { return 0; }

static uint32_t con_poll(struct file *f)
{
	uint32_t ev = POLLOUT | POLLWRNORM;
	if (mode == STDIN_NULL || r_count || rx_eof)
		ev |= POLLIN | POLLRDNORM;
	return ev;
}

static uint32_t err_poll(struct file *f) { return POLLOUT | POLLWRNORM | POLLIN | POLLRDNORM; }
static int con_fsync(struct file *f) { return -EINVAL; }   /* fsync(2) on a character device */
static int con_open(struct inode *ino, struct file *f)
{
	f->wq = &rx_wq;
	return 0;
}

const struct file_ops console_out_ops = {
	.open = con_open, .read = con_read, .write = com1_write, .pread = con_pread, .pwrite = con_pwrite,
	.lseek = con_lseek, .nread = con_nread, .poll = con_poll, .fsync = con_fsync,
};

const struct file_ops console_err_ops = {
	.read = com2_read, .write = com2_write, .pread = con_pread, .pwrite = con_pwrite,
	.lseek = con_lseek, .nread = err_nread, .poll = err_poll, .fsync = con_fsync,
};
