#include "core/panic.h"
#include "core/log.h"
#include "core/ksyms.h"
#include "arch/x86_64/cpu.h"
#include "lib/printf.h"

#define DEBUG_EXIT_PORT 0xf4
#define PANIC_EXIT_CODE 0x7f   /* QEMU exits (code << 1) | 1; the record is what counts */

static int panicking;

void power_off(uint32_t code)
{
	irq_disable();
	outl(DEBUG_EXIT_PORT, code);
	/* No isa-debug-exit: a triple fault, which -no-reboot turns into an exit. */
	struct { uint16_t limit; uint64_t base; } __attribute__((packed)) null_idt = { 0, 0 };
	__asm__ volatile("lidt %0; int3" ::"m"(null_idt));
	for (;;)
		__asm__ volatile("hlt");
}

void panic(const char *fmt, ...)
{
	irq_disable();
	if (panicking++)
		power_off(PANIC_EXIT_CODE);   /* a panic while panicking: just stop */
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	uint64_t rbp;
	__asm__ volatile("mov %%rbp, %0" : "=r"(rbp));
	kprintf("kernel panic: %s\n", msg);
	ksyms_backtrace(0, rbp);
	krecord("panic reason=\"%s\"", msg);
	power_off(PANIC_EXIT_CODE);
}

void machine_exit(int status)
{
	krecord("exit status=%d", status & 0xff);
	power_off(status & 0xff);
}

void machine_exit_signal(int sig, const char *detail)
{
	krecord("signal sig=%d %s", sig, detail ? detail : "");
	power_off(128 + sig);
}
