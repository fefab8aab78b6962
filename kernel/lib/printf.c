/* The one formatting engine: the kernel log, records and procfs text all
 * go through kvsnprintf. */
#include "lib/printf.h"
#include "lib/string.h"
#include <stdint.h>

struct out {
	char *buf;
	size_t size;
	size_t len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_repeat(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

enum { F_LEFT = 1, F_ZERO = 2, F_PLUS = 4, F_SPACE = 8, F_ALT = 16 };

static void put_number(struct out *o, unsigned long long v, int neg, unsigned base, int upper,
		       int flags, int width, int prec)
{
	char digits[24];
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0;
	if (v == 0 && prec != 0)
		digits[n++] = '0';
	while (v) {
		digits[n++] = set[v % base];
		v /= base;
	}
	const char *prefix = "";
	if (neg)
		prefix = "-";
	else if (flags & F_PLUS)
		prefix = "+";
	else if (flags & F_SPACE)
		prefix = " ";
	if ((flags & F_ALT) && base == 16 && n && !(n == 1 && digits[0] == '0'))
		prefix = upper ? "0X" : "0x";
	if ((flags & F_ALT) && base == 8 && (n == 0 || digits[n - 1] != '0'))
		prefix = "0";
	int plen = strlen(prefix);
	int zeros = prec > n ? prec - n : 0;
	int body = plen + zeros + n;
	if (prec < 0 && (flags & F_ZERO) && !(flags & F_LEFT) && width > body) {
		zeros += width - body;
		body = width;
	}
	if (!(flags & F_LEFT))
		put_repeat(o, ' ', width - body);
	for (int i = 0; i < plen; i++)
		put(o, prefix[i]);
	put_repeat(o, '0', zeros);
	while (n)
		put(o, digits[--n]);
	if (flags & F_LEFT)
		put_repeat(o, ' ', width - body);
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		int flags = 0, width = 0, prec = -1, lng = 0;
		for (;;) {
			char f = *++fmt;
			if (f == '-') flags |= F_LEFT;
			else if (f == '0') flags |= F_ZERO;
			else if (f == '+') flags |= F_PLUS;
			else if (f == ' ') flags |= F_SPACE;
			else if (f == '#') flags |= F_ALT;
			else break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				flags |= F_LEFT;
				width = -width;
			}
			fmt++;
		} else {
			while (*fmt >= '0' && *fmt <= '9')
				width = width * 10 + (*fmt++ - '0');
		}
		if (*fmt == '.') {
			fmt++;
			prec = 0;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			} else {
				while (*fmt >= '0' && *fmt <= '9')
					prec = prec * 10 + (*fmt++ - '0');
			}
		}
		/* lng: -2 hh, -1 h, 0 int, 1 long, 2 long long (size_t, ptrdiff_t, intmax_t are 64-bit) */
		for (;;) {
			if (*fmt == 'h') lng--;
			else if (*fmt == 'l') lng++;
			else if (*fmt == 'z' || *fmt == 't' || *fmt == 'j') lng = 2;
			else break;
			fmt++;
		}
		char c = *fmt;
		if (!c)
			break;
		switch (c) {
		case 'd':
		case 'i': {
			long long v;
			if (lng >= 1) v = va_arg(ap, long long);
			else v = va_arg(ap, int);
			if (lng == -1) v = (short)v;
			if (lng <= -2) v = (signed char)v;
			unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
			put_number(&o, u, v < 0, 10, 0, flags, width, prec);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
		case 'o': {
			unsigned long long v;
			if (lng >= 1) v = va_arg(ap, unsigned long long);
			else v = va_arg(ap, unsigned int);
			if (lng == -1) v = (unsigned short)v;
			if (lng <= -2) v = (unsigned char)v;
			unsigned base = c == 'u' ? 10 : c == 'o' ? 8 : 16;
			put_number(&o, v, 0, base, c == 'X', flags & ~(F_PLUS | F_SPACE), width, prec);
			break;
		}
		case 'p':
			put_number(&o, (uintptr_t)va_arg(ap, void *), 0, 16, 0, flags | F_ALT, width, prec);
			break;
		case 'c': {
			if (!(flags & F_LEFT))
				put_repeat(&o, ' ', width - 1);
			put(&o, (char)va_arg(ap, int));
			if (flags & F_LEFT)
				put_repeat(&o, ' ', width - 1);
			break;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			int n = prec >= 0 ? (int)strnlen(s, prec) : (int)strlen(s);
			if (!(flags & F_LEFT))
				put_repeat(&o, ' ', width - n);
			for (int i = 0; i < n; i++)
				put(&o, s[i]);
			if (flags & F_LEFT)
				put_repeat(&o, ' ', width - n);
			break;
		}
		case '%':
			put(&o, '%');
			break;
		default:
			put(&o, '%');
			put(&o, c);
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = 0;
	return (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
