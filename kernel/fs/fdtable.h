/* The file descriptor table: one process, so one table shared by every
 * thread. Slots hold a file reference; the table's spinlock covers slot
 * changes only, so lookups are cheap. Limits follow RLIMIT_NOFILE (1024 soft,
 * 65536 hard by default; prlimit sets them through fdtable_set_limit). */
#ifndef FS_FDTABLE_H
#define FS_FDTABLE_H
#include <stdbool.h>
#include <stdint.h>

struct file;

#define FD_CLOEXEC 1
#define FDTABLE_SOFT_DEFAULT 1024
#define FDTABLE_HARD_DEFAULT 65536
#define CLOSE_RANGE_UNSHARE (1U << 1)
#define CLOSE_RANGE_CLOEXEC (1U << 2)

/* Installs f (taking over the caller's reference) at the lowest free fd >= min,
 * below the soft limit. Returns the fd or -EMFILE (-ENOMEM). */
int fdtable_install(struct file *f, int min, bool cloexec);
/* The file at fd with a new reference (file_put it), or NULL. */
struct file *fdtable_get(int fd);
/* Closes fd: -EBADF when not open. Drops the process's record locks on the file (POSIX). */
int fdtable_close(int fd);
/* dup2/dup3 core: puts oldfd's file at newfd, closing what was there. Returns newfd, -EBADF. */
int fdtable_dup_to(int oldfd, int newfd, bool cloexec);
/* FD_CLOEXEC of fd, or -EBADF. */
int fdtable_get_flags(int fd);
int fdtable_set_flags(int fd, int flags);
/* close_range core. */
int fdtable_close_range(unsigned first, unsigned last, unsigned flags);
/* The next open fd >= from, or -1 (procfs listing). */
int fdtable_next(int from);
void fdtable_get_limit(uint64_t *soft, uint64_t *hard);
/* Sets RLIMIT_NOFILE: -EINVAL if soft > hard, -EPERM if hard > 1048576 (nr_open). */
int fdtable_set_limit(uint64_t soft, uint64_t hard);
/* Number of open fds (tests). */
int fdtable_count(void);

#endif
