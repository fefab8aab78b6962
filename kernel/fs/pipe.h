/* Pipes: a 64 KiB ring shared by a read end and a write end. Blocking on a
 * waitq, O_NONBLOCK, EPIPE without readers, PIPE_BUF atomicity (pipe(7)).
 * The ring logic is host-testable. */
#ifndef FS_PIPE_H
#define FS_PIPE_H
#include <stdint.h>

struct file;

#define PIPE_SIZE 65536
#define PIPE_BUF 4096
#define SIGPIPE 13

/* Makes both ends; flags may hold O_NONBLOCK (O_CLOEXEC is the caller's). */
int pipe_create(int flags, struct file **rd, struct file **wr);
/* F_GETPIPE_SZ: the capacity, or -EBADF when f is not a pipe. */
long pipe_capacity(struct file *f);

#endif
