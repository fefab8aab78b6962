#ifndef FS_EVENTFD_H
#define FS_EVENTFD_H
#include <stdint.h>
struct file;
/* flags: EFD_SEMAPHORE (1) and O_NONBLOCK; returns NULL when out of memory. */
struct file *eventfd_create(uint64_t initval, int flags);
#endif
