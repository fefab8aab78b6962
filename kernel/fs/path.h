/* Path resolution: turns a path (relative to a start directory, the cwd or
 * a dirfd) into an inode, following symlinks (ELOOP after 40), crossing
 * mount points both ways, and applying Linux's trailing-slash rules. Callers
 * hold vfs_lock for the whole walk and while they use the result; no
 * references are taken. Host-testable. */
#ifndef FS_PATH_H
#define FS_PATH_H
#include <stdbool.h>
#include <stdint.h>
#include "fs/vfs.h"

#define LOOKUP_FOLLOW    1   /* follow a symlink in the last component */
#define LOOKUP_DIRECTORY 2   /* the result must be a directory (ENOTDIR) */
#define LOOKUP_PARENT    4   /* stop at the parent: dir + last; inode = the child or NULL, not followed */
#define LOOKUP_EMPTY     8   /* "" names the start directory (AT_EMPTY_PATH) */

enum { LAST_NORM, LAST_DOT, LAST_DOTDOT, LAST_ROOT };

struct nameidata {
	struct inode *dir;        /* the directory holding the last component */
	struct inode *inode;      /* what the path names; NULL if absent (LOOKUP_PARENT only) */
	struct file *file;        /* set instead when a /proc/self/fd magic link named an open file (referenced) */
	int last_type;
	bool trailing_slash;      /* the path ended in '/' */
	int links;                /* symlinks followed so far */
	char last[NAME_MAX + 1];
};

/* Returns 0 or -ENOENT, -ENOTDIR, -ELOOP, -ENAMETOOLONG, -ENOMEM. On success
 * with nd->file set, the caller owns that file reference. */
int path_walk(struct inode *start, const char *path, unsigned flags, struct nameidata *nd);
/* The child name of dir, crossing into a filesystem mounted on it; "." and ".." handled. NULL when absent. */
struct inode *path_lookup_child(struct inode *dir, const char *name, size_t len);

#endif
