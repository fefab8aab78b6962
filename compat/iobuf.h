/* Bounce buffers for the read/write family: each thread keeps one of IO_BUF bytes for its
 * life, so a read(2) of a socket no longer allocates 64 KiB and gives it back (Node reads
 * every socket with a 64 KiB buffer; the allocation was most of a small read's kernel time).
 * Larger requests get their own allocation. A thread is in at most one syscall, and nothing
 * that holds the buffer calls back into another user of it. */
#ifndef COMPAT_IOBUF_H
#define COMPAT_IOBUF_H
#include <stddef.h>

#define IO_BUF (64 * 1024)

/* A buffer of at least n bytes (the thread's own when n <= IO_BUF), or NULL. */
void *iobuf_get(size_t n);
/* Gives back what iobuf_get returned. */
void iobuf_put(void *p);

#endif
