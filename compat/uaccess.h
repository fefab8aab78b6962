/* The only door between the kernel and the app's memory. Every user
 * pointer is range-checked here (lower half only) and every access can
 * fault without harm: a bad pointer gives -EFAULT, never a panic. With
 * SMAP on, user pages are reachable only inside these helpers (stac/clac). */
#ifndef COMPAT_UACCESS_H
#define COMPAT_UACCESS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define USER_TOP 0x0000800000000000ULL   /* first non-canonical address */

/* True when [addr, addr+len) lies entirely in the user half. */
static inline bool user_range_ok(uint64_t addr, uint64_t len)
{
	return addr < USER_TOP && len <= USER_TOP - addr;
}

/* 0, or -EFAULT if any byte is unmapped or not accessible as asked. */
int copy_from_user(void *dst, const void *usrc, size_t n);
int copy_to_user(void *udst, const void *src, size_t n);
int clear_user(void *udst, size_t n);
/* Copies a NUL-terminated string of at most max-1 bytes; returns its length,
 * -EFAULT, or -ENAMETOOLONG when no NUL is found within max bytes. */
long strncpy_from_user(char *dst, const char *usrc, size_t max);

/* Typed single-value helpers: get_user(&kvar, uptr), put_user(value, uptr). */
#define get_user(kptr, uptr) copy_from_user((kptr), (uptr), sizeof(*(kptr)))
#define put_user(val, uptr) ({ __typeof__(*(uptr)) v_ = (val); copy_to_user((uptr), &v_, sizeof(v_)); })

#endif
