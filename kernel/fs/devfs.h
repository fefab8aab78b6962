/* devfs at /dev: the character devices an app expects (null zero full
 * random urandom tty console ttyS0 ttyS1), the stdin/stdout/stderr/fd links
 * into /proc/self/fd, and /dev/shm (a tmpfs). Device nodes anywhere (also
 * ones from the image) find their driver by device number. */
#ifndef FS_DEVFS_H
#define FS_DEVFS_H
#include <stdint.h>

struct super;
struct file_ops;

/* Builds /dev's filesystem (with /dev/shm mounted later by fs_init). */
struct super *devfs_new(void);
/* The driver of a character device number, or NULL (open gives ENXIO). */
const struct file_ops *devfs_driver(uint64_t rdev);

#endif
