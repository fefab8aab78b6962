/* User-memory access with range checks (compat/uaccess.h). A fault inside
 * the primitives first goes through the page-fault handler, which fills
 * demand-zero and file pages of valid mappings; only what stays unmapped
 * reaches the __ex_table fixup and becomes -EFAULT. */
#include "compat/uaccess.h"
#include "arch/x86_64/paging.h"
#include "lib/errno.h"

uint8_t uaccess_smap;   /* read by uaccess_asm.S */
size_t uaccess_copy(void *dst, const void *src, size_t n);
size_t uaccess_clear(void *dst, size_t n);
long uaccess_strncpy(char *dst, const char *src, size_t max);

void uaccess_init(void)
{
	uaccess_smap = cpu_has_smap;
}

int copy_from_user(void *dst, const void *usrc, size_t n)
{
	if (!user_range_ok((uint64_t)usrc, n))
		return -EFAULT;
	return uaccess_copy(dst, usrc, n) ? -EFAULT : 0;
}

int copy_to_user(void *udst, const void *src, size_t n)
{
	if (!user_range_ok((uint64_t)udst, n))
		return -EFAULT;
	return uaccess_copy(udst, src, n) ? -EFAULT : 0;
}

int clear_user(void *udst, size_t n)
{
	if (!user_range_ok((uint64_t)udst, n))
		return -EFAULT;
	return uaccess_clear(udst, n) ? -EFAULT : 0;
}

long strncpy_from_user(char *dst, const char *usrc, size_t max)
{
	if (max == 0)
		return -ENAMETOOLONG;
	uint64_t a = (uint64_t)usrc;
	if (a >= USER_TOP)
		return -EFAULT;
	/* Never read past the user half, even when max would allow it. */
	size_t lim = max;
	if (lim > USER_TOP - a)
		lim = USER_TOP - a;
	long n = uaccess_strncpy(dst, usrc, lim);
	if (n < 0)
		return n;
	if ((size_t)n == lim) {
		dst[max - 1] = 0;
		return lim == max ? -ENAMETOOLONG : -EFAULT;
	}
	return n;
}
