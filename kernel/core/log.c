#include "core/log.h"
#include "arch/x86_64/cpu.h"
#include "lib/printf.h"
#include "lib/spinlock.h"

#define DEBUGCON 0xe9

static struct spinlock log_lock = SPINLOCK_INIT;

void klog_write(const char *s, size_t n)
{
	/* One rep outsb per write: far fewer exits than a loop of outb. */
	outsb(DEBUGCON, s, n);
}

void kvprintf(const char *fmt, va_list ap)
{
	char buf[512];
	va_list cp;
	va_copy(cp, ap);
	int n = kvsnprintf(buf, sizeof(buf), fmt, cp);
	va_end(cp);
	uint64_t f = spin_lock_irqsave(&log_lock);
	klog_write(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	spin_unlock_irqrestore(&log_lock, f);
}

void kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}

void krecord(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = ksnprintf(buf, sizeof(buf), "unipack: ");
	n += kvsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	uint64_t f = spin_lock_irqsave(&log_lock);
	klog_write(buf, n);
	spin_unlock_irqrestore(&log_lock, f);
}
