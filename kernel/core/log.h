/* The kernel log: everything the kernel says goes to QEMU's debug console
 * (port 0xe9), never to the app's stdout/stderr. Lines that start with
 * "unipack: " are machine-readable records (DESIGN.md, boot contract). */
#ifndef CORE_LOG_H
#define CORE_LOG_H
#include <stdarg.h>
#include <stddef.h>

void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvprintf(const char *fmt, va_list ap);
/* Writes one record line: "unipack: " fmt "\n". */
void krecord(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void klog_write(const char *s, size_t n);

#endif
