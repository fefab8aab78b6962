#ifndef FS_TIMERFD_H
#define FS_TIMERFD_H
#include <stdint.h>
#include <stdbool.h>
struct file;
/* clock: CLOCK_REALTIME (0), CLOCK_MONOTONIC (1), CLOCK_BOOTTIME (7) and the
 * _ALARM variants; flags may hold O_NONBLOCK. */
struct file *timerfd_create_file(int clock, int flags);
bool file_is_timerfd(struct file *f);
/* Values in ns; abs: value is an absolute time on the timer's clock. */
int timerfd_settime_ns(struct file *f, bool abs, int64_t value, int64_t interval, int64_t *old_value,
		       int64_t *old_interval);
void timerfd_gettime_ns(struct file *f, int64_t *value, int64_t *interval);
#endif
