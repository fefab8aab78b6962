/* tmpfs: file data in 4 KiB pages (page_alloc), holes read as zeros, a byte
 * limit per mount (ENOSPC). The same data layer serves the root overlay:
 * a file from the initrd reads straight from the archive until its first
 * write, which copies it up into pages (tarfs.c builds those inodes).
 * Callers hold ino->lock around every call except tmpfs_free_data. */
#ifndef FS_TMPFS_H
#define FS_TMPFS_H
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

struct inode;
struct super;
struct file_ops;

#define TMPFS_MAGIC 0x01021994
#define MAX_FILE_SIZE 0x7fffffffffffffffULL

/* fcntl(2) file seals, as Linux numbers them. */
#define F_SEAL_SEAL         0x0001
#define F_SEAL_SHRINK       0x0002
#define F_SEAL_GROW         0x0004
#define F_SEAL_WRITE        0x0008
#define F_SEAL_FUTURE_WRITE 0x0010
#define F_SEAL_EXEC         0x0020

/* A tmpfs filesystem with a root directory of mode 01777 or 0755 (root_mode); size_max 0 = unlimited. */
struct super *tmpfs_new(const char *type, uint64_t size_max, uint32_t root_mode);
long tmpfs_read(struct inode *ino, void *buf, size_t n, uint64_t off);
/* Writes and extends; returns bytes written, or -ENOSPC/-ENOMEM/-EFBIG when none was. */
long tmpfs_write(struct inode *ino, const void *buf, size_t n, uint64_t off);
int tmpfs_truncate(struct inode *ino, uint64_t size);
/* Moves a file read from the initrd into pages of its own (whole file, same mode and times). */
int tmpfs_copy_up(struct inode *ino);
long tmpfs_get_page(struct inode *ino, uint64_t pgoff, bool write, uint64_t *phys);
uint64_t tmpfs_blocks(struct inode *ino);
void tmpfs_free_data(struct inode *ino);
/* file_ops of regular files (tmpfs and the root). */
extern const struct file_ops tmpfs_file_ops;

/* Called before pages at and after pgoff leave ino (truncate, unlink of the
 * last reference): the memory manager drops its mappings of them. Weak: a
 * no-op until mm implements it. */
void mm_file_pages_released(struct inode *ino, uint64_t pgoff);
/* Whether a MAP_SHARED mapping of ino could write to it (F_SEAL_WRITE's EBUSY). Weak: false. */
bool mm_file_shared_writable(struct inode *ino);

#endif
