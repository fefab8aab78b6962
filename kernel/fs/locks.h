/* Advisory file locks: fcntl record locks (process-owned "POSIX" locks and
 * open-file-description "OFD" locks) and flock(2) locks, per inode. One
 * process runs here, so POSIX locks never conflict with each other; they
 * conflict with OFD locks, and OFD locks of different open files conflict
 * (fcntl(2), "Open file description locks"). flock locks are a separate
 * space, as on Linux. Host-testable core; fcntl.c decodes struct flock. */
#ifndef FS_LOCKS_H
#define FS_LOCKS_H
#include <stdint.h>
#include <stdbool.h>

struct inode;
struct file;

#define F_RDLCK 0
#define F_WRLCK 1
#define F_UNLCK 2
#define LOCK_SH 1
#define LOCK_EX 2
#define LOCK_NB 4
#define LOCK_UN 8
#define OFFSET_MAX 0x7fffffffffffffffULL

/* The owner of every POSIX (process-associated) lock: our one process. */
#define LOCK_OWNER_PROCESS ((void *)1)

struct lock_range {
	int type;               /* F_RDLCK, F_WRLCK, F_UNLCK */
	uint64_t start, end;    /* inclusive; end == OFFSET_MAX means "to end of file and beyond" */
	bool ofd;               /* owned by an open file description (else the process) */
};

/* F_GETLK: fills *out with the first lock of another owner that conflicts
 * with req (out->type = F_UNLCK when none). owner is LOCK_OWNER_PROCESS or the file. */
void locks_test(struct inode *ino, void *owner, const struct lock_range *req, struct lock_range *out);
/* F_SETLK(W): sets, converts or (F_UNLCK) removes owner's locks over the
 * range, splitting and merging like Linux. Returns 0, -EAGAIN on a conflict
 * without wait, -EINTR, or -ENOLCK/-ENOMEM. */
int locks_set(struct inode *ino, void *owner, const struct lock_range *req, bool wait);
/* Releases the process's POSIX locks on ino: any close() of the file does that (POSIX). */
void locks_release_posix(struct inode *ino);
/* Releases the OFD and flock locks of f (its last reference went). */
void locks_release_file(struct file *f);
/* flock(2): op is LOCK_SH/LOCK_EX/LOCK_UN, optionally | LOCK_NB. */
int locks_flock(struct file *f, int op);
/* Frees the lock state of an inode being freed. */
void locks_free(struct inode *ino);

#endif
