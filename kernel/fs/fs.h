/* Filesystem start-up: the mount table as the app sees it and the console
 * fds. kmain calls fs_init once, after initrd_init. */
#ifndef FS_FS_H
#define FS_FS_H
#include <stdint.h>

/* Mounts / (the initrd's tree, writable in memory), /proc, /dev, /dev/shm
 * and /tmp, sets the cwd to / and opens fds 0, 1 and 2. Panics only if
 * memory runs out this early. */
void fs_init(void);
/* Mounts a tmpfs of at most size_max bytes (0 = no limit) at path, creating
 * the directory; for boot.json "mounts". Returns 0 or -E*. */
int fs_mount_tmpfs(const char *path, uint64_t size_max);

#endif
