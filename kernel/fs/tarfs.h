/* tarfs: builds the root's lower layer from the initrd tar. Directories,
 * symlinks and inodes are made in memory; regular-file data stays in the
 * archive (no copy) until a write copies it up (tmpfs.c). */
#ifndef FS_TARFS_H
#define FS_TARFS_H
#include <stdint.h>

struct super;

#define OVERLAYFS_MAGIC 0x794c7630

struct tarfs_stats { uint64_t files, dirs, symlinks, hardlinks, skipped; };

/* Adds every entry of the archive at base (size bytes, in memory) to sb's
 * tree. Later entries replace earlier ones of the same path; directories a
 * path implies but the archive lacks are made with mode 0755. Returns 0 or
 * -EINVAL for a corrupt archive (what was read before stays), -ENOMEM. */
int tarfs_populate(struct super *sb, const uint8_t *base, uint64_t size, struct tarfs_stats *st);

#endif
