/* snprintf-style formatting for the kernel (no floating point). Supports the
 * flags - 0 + space #, width and precision (also *), the length modifiers
 * hh h l ll z t j and the conversions d i u x X o p s c %. Host-testable. */
#ifndef LIB_PRINTF_H
#define LIB_PRINTF_H
#include <stdarg.h>
#include <stddef.h>

/* Returns the length the full output would have, like C's vsnprintf. */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
