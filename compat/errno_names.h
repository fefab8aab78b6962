#ifndef COMPAT_ERRNO_NAMES_H
#define COMPAT_ERRNO_NAMES_H
/* "ENOENT" for 2, and back; "E?" / -1 when unknown. */
const char *errno_name(int e);
int errno_from_name(const char *s);
#endif
