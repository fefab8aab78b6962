/* memfd: anonymous tmpfs files (memfd_create(2)) and their seals. */
#ifndef FS_MEMFD_H
#define FS_MEMFD_H
#include <stdbool.h>
#include <stdint.h>
struct file;
struct inode;

/* A new O_RDWR file of mode 0777 (0666 with noexec) named "/memfd:<name>",
 * linked nowhere; initial seals as given. *err says why on NULL. */
struct file *memfd_create_file(const char *name, uint32_t seals, bool noexec, int *err);
bool memfd_is(const struct inode *ino);
/* fcntl F_GET_SEALS / F_ADD_SEALS: -EINVAL for a file that cannot carry seals. */
long memfd_get_seals(struct inode *ino);
long memfd_add_seals(struct inode *ino, bool writable, uint32_t seals);
#endif
