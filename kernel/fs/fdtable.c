/* The fd table: arrays of file pointers and close-on-exec flags grown by
 * doubling (outside the lock, then swapped in). Closing drops the slot under
 * the lock and the reference after it, so a call in flight on another thread
 * keeps its file alive until it returns. */
#include "fs/fdtable.h"
#include "fs/file.h"
#include "fs/vfs.h"
#include "fs/locks.h"
#include "lib/spinlock.h"
#include "mm/kmalloc.h"
#include "lib/string.h"
#include "lib/errno.h"

#define NR_OPEN 1048576   /* fs.nr_open: the highest hard limit */

static struct spinlock fdt_lock;
static struct file **fdt_files;
static uint8_t *fdt_cloexec;
static uint32_t fdt_cap;
static uint64_t fdt_soft = FDTABLE_SOFT_DEFAULT, fdt_hard = FDTABLE_HARD_DEFAULT;

/* Makes room for fd; called without the lock. */
static int grow(uint32_t need)
{
	uint64_t fl = spin_lock_irqsave(&fdt_lock);
	uint32_t cap = fdt_cap;
	spin_unlock_irqrestore(&fdt_lock, fl);
	if (need < cap)
		return 0;
	uint32_t ncap = cap ? cap : 64;
	while (ncap <= need)
		ncap *= 2;
	struct file **nf = kzalloc(ncap * sizeof(*nf));
	uint8_t *nc = kzalloc(ncap);
	if (!nf || !nc) {
		kfree(nf);
		kfree(nc);
		return -ENOMEM;
	}
	fl = spin_lock_irqsave(&fdt_lock);
	if (fdt_cap >= ncap) {   /* someone else grew it */
		spin_unlock_irqrestore(&fdt_lock, fl);
		kfree(nf);
		kfree(nc);
		return 0;
	}
	struct file **of = fdt_files;
	uint8_t *oc = fdt_cloexec;
	if (fdt_cap) {
		memcpy(nf, fdt_files, fdt_cap * sizeof(*nf));
		memcpy(nc, fdt_cloexec, fdt_cap);
	}
	fdt_files = nf;
	fdt_cloexec = nc;
	fdt_cap = ncap;
	spin_unlock_irqrestore(&fdt_lock, fl);
	kfree(of);
	kfree(oc);
	return 0;
}

int fdtable_install(struct file *f, int min, bool cloexec)
{
	if (min < 0)
		return -EINVAL;
	for (;;) {
		uint64_t fl = spin_lock_irqsave(&fdt_lock);
		uint64_t limit = fdt_soft;
		uint32_t fd = (uint32_t)min;
		while (fd < fdt_cap && fd < limit && fdt_files[fd])
			fd++;
		if (fd >= limit) {
			spin_unlock_irqrestore(&fdt_lock, fl);
			return -EMFILE;
		}
		if (fd < fdt_cap) {
			fdt_files[fd] = f;
			fdt_cloexec[fd] = cloexec;
			spin_unlock_irqrestore(&fdt_lock, fl);
			return (int)fd;
		}
		spin_unlock_irqrestore(&fdt_lock, fl);
		int err = grow(fd);
		if (err)
			return err;
	}
}

struct file *fdtable_get(int fd)
{
	struct file *f = NULL;
	if (fd < 0)
		return NULL;
	uint64_t fl = spin_lock_irqsave(&fdt_lock);
	if ((uint32_t)fd < fdt_cap && fdt_files[fd])
		f = file_get(fdt_files[fd]);
	spin_unlock_irqrestore(&fdt_lock, fl);
	return f;
}

static void close_file(struct file *f)
{
	if (f->inode)
		locks_release_posix(f->inode);
	file_put(f);
}

int fdtable_close(int fd)
{
	struct file *f = NULL;
	if (fd < 0)
		return -EBADF;
	uint64_t fl = spin_lock_irqsave(&fdt_lock);
	if ((uint32_t)fd < fdt_cap) {
		f = fdt_files[fd];
		fdt_files[fd] = NULL;
		fdt_cloexec[fd] = 0;
	}
	spin_unlock_irqrestore(&fdt_lock, fl);
	if (!f)
		return -EBADF;
	close_file(f);
	return 0;
}

int fdtable_dup_to(int oldfd, int newfd, bool cloexec)
{
	if (newfd < 0 || (uint64_t)newfd >= fdt_soft)
		return -EBADF;
	int err = grow((uint32_t)newfd);
	if (err)
		return err;
	struct file *old = NULL;
	uint64_t fl = spin_lock_irqsave(&fdt_lock);
	if (oldfd < 0 || (uint32_t)oldfd >= fdt_cap || !fdt_files[oldfd]) {
		spin_unlock_irqrestore(&fdt_lock, fl);
		return -EBADF;
	}
	struct file *f = file_get(fdt_files[oldfd]);
	old = fdt_files[newfd];
	fdt_files[newfd] = f;
	fdt_cloexec[newfd] = cloexec;
	spin_unlock_irqrestore(&fdt_lock, fl);
	if (old)
		close_file(old);
	return newfd;
}

int fdtable_get_flags(int fd)
{
	int r = -EBADF;
	uint64_t fl = spin_lock_irqsave(&fdt_lock);
	if (fd >= 0 && (uint32_t)fd < fdt_cap && fdt_files[fd])
		r = fdt_cloexec[fd] ? FD_CLOEXEC : 0;
	spin_unlock_irqrestore(&fdt_lock, fl);
	return r;
}

int fdtable_set_flags(int fd, int flags)
{
	int r = -EBADF;
	uint64_t fl = spin_lock_irqsave(&fdt_lock);
	if (fd >= 0 && (uint32_t)fd < fdt_cap && fdt_files[fd]) {
		fdt_cloexec[fd] = (flags & FD_CLOEXEC) != 0;
		r = 0;
	}
	spin_unlock_irqrestore(&fdt_lock, fl);
	return r;
}

int fdtable_close_range(unsigned first, unsigned last, unsigned flags)
{
	if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC))
		return -EINVAL;
	if (first > last)
		return -EINVAL;
	for (unsigned fd = first; fd <= last; fd++) {
		struct file *f = NULL;
		uint64_t fl = spin_lock_irqsave(&fdt_lock);
		if (fd >= fdt_cap) {
			spin_unlock_irqrestore(&fdt_lock, fl);
			break;
		}
		if (flags & CLOSE_RANGE_CLOEXEC) {
			if (fdt_files[fd])
				fdt_cloexec[fd] = 1;
		} else {
			f = fdt_files[fd];
			fdt_files[fd] = NULL;
			fdt_cloexec[fd] = 0;
		}
		spin_unlock_irqrestore(&fdt_lock, fl);
		if (f)
			close_file(f);
		if (fd == ~0u)
			break;
	}
	return 0;
}

int fdtable_next(int from)
{
	int r = -1;
	uint64_t fl = spin_lock_irqsave(&fdt_lock);
	for (uint32_t fd = from < 0 ? 0 : (uint32_t)from; fd < fdt_cap; fd++)
		if (fdt_files[fd]) {
			r = (int)fd;
			break;
		}
	spin_unlock_irqrestore(&fdt_lock, fl);
	return r;
}

void fdtable_get_limit(uint64_t *soft, uint64_t *hard)
{
	*soft = fdt_soft;
	*hard = fdt_hard;
}

int fdtable_set_limit(uint64_t soft, uint64_t hard)
{
	if (soft > hard)
		return -EINVAL;
	if (hard > NR_OPEN)
		return -EPERM;
	fdt_soft = soft;
	fdt_hard = hard;
	return 0;
}

int fdtable_count(void)
{
	int n = 0;
	uint64_t fl = spin_lock_irqsave(&fdt_lock);
	for (uint32_t fd = 0; fd < fdt_cap; fd++)
		n += fdt_files[fd] != NULL;
	spin_unlock_irqrestore(&fdt_lock, fl);
	return n;
}
