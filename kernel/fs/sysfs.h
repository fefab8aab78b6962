/* sysfs at /sys: the few generated files that libc and runtimes read to
 * learn the machine's CPUs. */
#ifndef FS_SYSFS_H
#define FS_SYSFS_H

struct super;

#define SYSFS_MAGIC 0x62656572

struct super *sysfs_new(void);

#endif
