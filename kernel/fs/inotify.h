/* inotify(7): watches on inodes, events queued per instance and read as
 * struct inotify_event records. The VFS reports changes through fsnotify();
 * Node's fs.watch and chokidar are the users. */
#ifndef FS_INOTIFY_H
#define FS_INOTIFY_H
#include <stdint.h>
#include <stddef.h>

struct inode;
struct file;

#define IN_ACCESS 0x001
#define IN_MODIFY 0x002
#define IN_ATTRIB 0x004
#define IN_CLOSE_WRITE 0x008
#define IN_CLOSE_NOWRITE 0x010
#define IN_OPEN 0x020
#define IN_MOVED_FROM 0x040
#define IN_MOVED_TO 0x080
#define IN_CREATE 0x100
#define IN_DELETE 0x200
#define IN_DELETE_SELF 0x400
#define IN_MOVE_SELF 0x800
#define IN_ALL_EVENTS 0xfff
#define IN_UNMOUNT 0x2000
#define IN_Q_OVERFLOW 0x4000
#define IN_IGNORED 0x8000
#define IN_ONLYDIR 0x01000000
#define IN_DONT_FOLLOW 0x02000000
#define IN_EXCL_UNLINK 0x04000000
#define IN_MASK_CREATE 0x10000000
#define IN_MASK_ADD 0x20000000
#define IN_ISDIR 0x40000000
#define IN_ONESHOT 0x80000000

/* Called by the VFS: an event on ino (name set when ino is the directory
 * holding the entry that changed). Cheap when nothing is watched. */
void fsnotify(struct inode *ino, uint32_t mask, const char *name, size_t len, uint32_t cookie);
/* An event on a file, also reported to the watched directories that hold it. */
void fsnotify_file(struct inode *ino, uint32_t mask);
/* A cookie pairing IN_MOVED_FROM with IN_MOVED_TO. */
uint32_t fsnotify_cookie(void);
/* While nonzero, directory adds and removes are the two halves of a rename. */
extern uint32_t fsnotify_rename_cookie;

struct file *inotify_create_file(int flags);
int inotify_add(struct file *f, struct inode *ino, uint32_t mask);
int inotify_rm(struct file *f, int wd);
int file_is_inotify(struct file *f);

#endif
