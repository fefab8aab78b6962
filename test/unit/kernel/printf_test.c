/* Differential test of kernel/lib/printf.c against the C library's snprintf:
 * for every format the kernel supports, both must produce the same bytes and
 * the same return value, including on truncation. */
#include "check.h"
#include "lib/printf.h"
#include <limits.h>
#include <stdint.h>
#include <string.h>

#define T(fmt, ...)                                                                  \
	do {                                                                         \
		char want[256], got[256];                                            \
		int wn = snprintf(want, sizeof(want), fmt, __VA_ARGS__);             \
		int gn = ksnprintf(got, sizeof(got), fmt, __VA_ARGS__);              \
		CHECK("format " fmt, wn == gn && !strcmp(want, got),                 \
		      "libc \"%s\" (%d) kernel \"%s\" (%d)", want, wn, got, gn);     \
	} while (0)

int main(void)
{
	T("%d", 0);
	T("%d", -1);
	T("%d", INT_MIN);
	T("%i|%u", INT_MAX, UINT_MAX);
	T("%5d|%-5d|%05d", 42, 42, 42);
	T("%+d|% d|%+d", 5, 5, -5);
	T("%x|%X|%#x|%#X|%#x", 255u, 255u, 255u, 255u, 0u);
	T("%o|%#o|%#o", 8u, 8u, 0u);
	T("%lx|%lu|%ld", ULONG_MAX, ULONG_MAX, LONG_MIN);
	T("%llx|%lld", 0x123456789abcdefULL, -1234567890123LL);
	T("%zu|%zx", (size_t)SIZE_MAX, (size_t)4096);
	T("%hhd|%hhu|%hd|%hu", 300, 300, 70000, 70000);
	T("%08lx|%-8lx|", 0xabcUL, 0xabcUL);
	T("%.3d|%.0d|%5.3d", 7, 0, 7);
	T("%s|%10s|%-10s|", "a", "bcd", "efg");
	T("%.2s|%.*s|%*s|%-*s|", "abcdef", 3, "xyzw", 6, "r", -4, "l");
	T("%c%c%c|%3c|%-3c|", 'a', 'b', 'c', 'z', 'y');
	T("%%|%d%%", 5);
	T("%p", (void *)0x1234);
	T("%#018lx", 0xffffffff80001000UL);
	T("%016lx|%#lx", 0UL, 0UL);

	/* Truncation: the return value is the untruncated length, output is terminated. */
	char small[5];
	int n = ksnprintf(small, sizeof(small), "%s", "abcdefgh");
	CHECK("truncation-return", n == 8, "got %d", n);
	CHECK("truncation-terminated", !strcmp(small, "abcd"), "got \"%s\"", small);
	n = ksnprintf(NULL, 0, "%d", 12345);
	CHECK("size-zero", n == 5, "got %d", n);
	return check_done();
}
