/* procfs at /proc: files whose content is generated when they are opened,
 * and links computed when read. Our process is pid 1: /proc/self -> 1.
 * fs provides /proc/self/{fd/,exe,cwd,mounts}, /proc/mounts and
 * /proc/filesystems; other subsystems add their files with procfs_register. */
#ifndef FS_PROCFS_H
#define FS_PROCFS_H
#include <stddef.h>

struct super;

#define PROC_SUPER_MAGIC 0x9fa0

/* The program path (/proc/self/exe); set by the ELF loader. NULL: ENOENT. */
extern const char *proc_exe_path;

struct super *procfs_new(void);
/* Adds a generated file at path under /proc ("meminfo", "self/maps" — "self/"
 * means "1/"), making directories as needed. gen writes the content into buf
 * and returns its full length, like snprintf: when that is >= size it is
 * called again with a bigger buffer (up to 16 MiB). gen runs with vfs_lock
 * held: it must not open files. Returns 0, -EEXIST, -ENOMEM. */
int procfs_register(const char *path, long (*gen)(char *buf, size_t size));

struct inode;
/* The same for any directory of a generated filesystem (sysfs): path is
 * relative to dir. Caller holds vfs_lock or runs before anything else does. */
int genfs_add(struct inode *dir, const char *path, long (*gen)(char *buf, size_t size));

#endif
