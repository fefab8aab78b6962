/* tmpfs file data: a per-file array of page pointers (NULL = hole), grown
 * by doubling. Files that came from the initrd keep pointing into the archive
 * (u.reg.lower) until a write, truncate or writable mapping copies them up;
 * that copy-up is the overlay's "upper layer". Above: the regular-file
 * file_ops at the end of this file; below: page_alloc. */
#include "fs/tmpfs.h"
#include "fs/inotify.h"
#include "fs/vfs.h"
#include "mm/page.h"
#include "mm/kmalloc.h"
#include "lib/string.h"
#include "lib/errno.h"
#include "arch/x86_64/layout.h"

__attribute__((weak)) void mm_file_pages_released(struct inode *ino, uint64_t pgoff) { }

struct super *tmpfs_new(const char *type, uint64_t size_max, uint32_t root_mode)
{
	return vfs_super_new(type, type, TMPFS_MAGIC, size_max, root_mode);
}

static uint64_t npages_for(uint64_t size) { return (size + PAGE_SIZE - 1) / PAGE_SIZE; }

static int ensure_slots(struct inode *ino, uint64_t n)
{
	if (n <= ino->u.reg.npages)
		return 0;
	uint64_t cap = ino->u.reg.npages ? ino->u.reg.npages : 4;
	while (cap < n)
		cap *= 2;
	uint8_t **p = kzalloc(cap * sizeof(*p));
	if (!p)
		return -ENOMEM;
	if (ino->u.reg.npages)
		memcpy(p, ino->u.reg.pages, ino->u.reg.npages * sizeof(*p));
	kfree(ino->u.reg.pages);
	ino->u.reg.pages = p;
	ino->u.reg.npages = cap;
	return 0;
}

static uint8_t *page_for_write(struct inode *ino, uint64_t idx, int *err)
{
	if ((*err = ensure_slots(ino, idx + 1)))
		return NULL;
	uint8_t *pg = ino->u.reg.pages[idx];
	if (pg)
		return pg;
	struct super *sb = ino->sb;
	if (sb->size_max && sb->bytes_used + PAGE_SIZE > sb->size_max) {
		*err = -ENOSPC;
		return NULL;
	}
	pg = page_alloc(1);
	if (!pg) {
		*err = -ENOMEM;
		return NULL;
	}
	__atomic_fetch_add(&sb->bytes_used, PAGE_SIZE, __ATOMIC_RELAXED);
	ino->u.reg.pages[idx] = pg;
	return pg;
}

static void free_pages_from(struct inode *ino, uint64_t first)
{
	for (uint64_t i = first; i < ino->u.reg.npages; i++)
		if (ino->u.reg.pages[i]) {
			page_free(ino->u.reg.pages[i], 1);
			ino->u.reg.pages[i] = NULL;
			__atomic_fetch_sub(&ino->sb->bytes_used, PAGE_SIZE, __ATOMIC_RELAXED);
		}
}

void tmpfs_free_data(struct inode *ino)
{
	if (ino->u.reg.pages) {
		mm_file_pages_released(ino, 0);
		free_pages_from(ino, 0);
		kfree(ino->u.reg.pages);
		ino->u.reg.pages = NULL;
	}
	ino->u.reg.npages = 0;
}

long tmpfs_read(struct inode *ino, void *buf, size_t n, uint64_t off)
{
	if (off >= ino->size)
		return 0;
	if (n > ino->size - off)
		n = ino->size - off;
	if (ino->u.reg.lower) {
		memcpy(buf, ino->u.reg.lower + off, n);
		return (long)n;
	}
	size_t done = 0;
	while (done < n) {
		uint64_t pos = off + done, idx = pos / PAGE_SIZE, in = pos % PAGE_SIZE;
		size_t chunk = PAGE_SIZE - in;
		if (chunk > n - done)
			chunk = n - done;
		uint8_t *pg = idx < ino->u.reg.npages ? ino->u.reg.pages[idx] : NULL;
		if (pg)
			memcpy((uint8_t *)buf + done, pg + in, chunk);
		else
			memset((uint8_t *)buf + done, 0, chunk);
		done += chunk;
	}
	return (long)n;
}

int tmpfs_copy_up(struct inode *ino)
{
	const uint8_t *src = ino->u.reg.lower;
	if (!src)
		return 0;
	uint64_t n = npages_for(ino->size);
	int err = ensure_slots(ino, n);
	for (uint64_t i = 0; !err && i < n; i++) {
		uint8_t *pg = page_for_write(ino, i, &err);
		if (pg) {
			uint64_t len = ino->size - i * PAGE_SIZE;
			memcpy(pg, src + i * PAGE_SIZE, len < PAGE_SIZE ? len : PAGE_SIZE);
		}
	}
	if (err) {
		free_pages_from(ino, 0);
		return err;
	}
	ino->u.reg.lower = NULL;
	return 0;
}

long tmpfs_write(struct inode *ino, const void *buf, size_t n, uint64_t off)
{
	if (n == 0)
		return 0;
	if (off >= MAX_FILE_SIZE || n > MAX_FILE_SIZE - off)
		return -EFBIG;
	if (ino->seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE))
		return -EPERM;
	if ((ino->seals & F_SEAL_GROW) && off + n > ino->size)
		return -EPERM;   /* Linux refuses the whole write, not just the part past EOF */
	fsnotify_file(ino, IN_MODIFY);
	int err = tmpfs_copy_up(ino);
	if (err)
		return err;
	size_t done = 0;
	while (done < n) {
		uint64_t pos = off + done, idx = pos / PAGE_SIZE, in = pos % PAGE_SIZE;
		size_t chunk = PAGE_SIZE - in;
		if (chunk > n - done)
			chunk = n - done;
		uint8_t *pg = page_for_write(ino, idx, &err);
		if (!pg)
			break;
		memcpy(pg + in, (const uint8_t *)buf + done, chunk);
		done += chunk;
	}
	if (done == 0)
		return err;
	if (off + done > ino->size)
		ino->size = off + done;
	return (long)done;
}

int tmpfs_truncate(struct inode *ino, uint64_t size)
{
	if (size > MAX_FILE_SIZE)
		return -EFBIG;
	if (((ino->seals & F_SEAL_SHRINK) && size < ino->size) || ((ino->seals & F_SEAL_GROW) && size > ino->size))
		return -EPERM;
	if (ino->u.reg.lower) {
		if (size == 0)
			ino->u.reg.lower = NULL;   /* O_TRUNC of a lower file: nothing to copy */
		else {
			int err = tmpfs_copy_up(ino);
			if (err)
				return err;
		}
	}
	if (size < ino->size) {
		uint64_t keep = npages_for(size);
		if (ino->u.reg.pages) {
			mm_file_pages_released(ino, keep);
			free_pages_from(ino, keep);
		}
		if (size % PAGE_SIZE && keep - 1 < ino->u.reg.npages && ino->u.reg.pages[keep - 1])
			memset(ino->u.reg.pages[keep - 1] + size % PAGE_SIZE, 0, PAGE_SIZE - size % PAGE_SIZE);
	}
	ino->size = size;
	return 0;
}

long tmpfs_get_page(struct inode *ino, uint64_t pgoff, bool write, uint64_t *phys)
{
	if (pgoff >= npages_for(ino->size))
		return -ENXIO;
	if (ino->u.reg.lower && !write) {
		/* Shared with the archive only when the page is whole and aligned:
		 * bytes past the end of file must read as zeros, not as the next header. */
		if (ino->u.reg.lower_off % PAGE_SIZE || (pgoff + 1) * PAGE_SIZE > ino->size)
			return -EOPNOTSUPP;
		*phys = virt_to_phys(ino->u.reg.lower + pgoff * PAGE_SIZE);
		return 0;
	}
	int err = tmpfs_copy_up(ino);
	if (err)
		return err;
	uint8_t *pg = page_for_write(ino, pgoff, &err);
	if (!pg)
		return err;
	*phys = virt_to_phys(pg);
	return 0;
}

uint64_t tmpfs_blocks(struct inode *ino)
{
	if (ino->u.reg.lower)
		return npages_for(ino->size) * (PAGE_SIZE / 512);
	uint64_t n = 0;
	for (uint64_t i = 0; i < ino->u.reg.npages; i++)
		n += ino->u.reg.pages[i] != NULL;
	return n * (PAGE_SIZE / 512);
}

/* --- regular-file file_ops --- */

static long reg_pread(struct file *f, void *buf, size_t n, uint64_t off)
{
	struct inode *ino = f->inode;
	mutex_lock(&ino->lock);
	long r = tmpfs_read(ino, buf, n, off);
	if (r >= 0 && !(f->flags & O_NOATIME))
		vfs_touch_atime(ino);
	mutex_unlock(&ino->lock);
	return r;
}

static long reg_pwrite(struct file *f, const void *buf, size_t n, uint64_t off)
{
	struct inode *ino = f->inode;
	mutex_lock(&ino->lock);
	/* pwrite on an O_APPEND file appends anyway (pwrite(2), BUGS). */
	long r = tmpfs_write(ino, buf, n, (f->flags & O_APPEND) ? ino->size : off);
	if (r > 0) {
		vfs_touch(ino, false, true, true);
		ino->mode &= ~(uint32_t)(S_ISUID | ((ino->mode & 010) ? S_ISGID : 0));
	}
	mutex_unlock(&ino->lock);
	return r;
}

static long reg_read(struct file *f, void *buf, size_t n)
{
	struct inode *ino = f->inode;
	mutex_lock(&ino->lock);
	long r = tmpfs_read(ino, buf, n, f->pos);
	if (r > 0)
		f->pos += (uint64_t)r;
	if (r >= 0 && !(f->flags & O_NOATIME))
		vfs_touch_atime(ino);
	mutex_unlock(&ino->lock);
	return r;
}

static long reg_write(struct file *f, const void *buf, size_t n)
{
	struct inode *ino = f->inode;
	mutex_lock(&ino->lock);
	uint64_t off = (f->flags & O_APPEND) ? ino->size : f->pos;
	long r = tmpfs_write(ino, buf, n, off);
	if (r > 0) {
		f->pos = off + (uint64_t)r;
		vfs_touch(ino, false, true, true);
		ino->mode &= ~(uint32_t)(S_ISUID | ((ino->mode & 010) ? S_ISGID : 0));
	}
	mutex_unlock(&ino->lock);
	return r;
}

static long reg_lseek(struct file *f, int64_t off, int whence)
{
	struct inode *ino = f->inode;
	mutex_lock(&ino->lock);
	long r = vfs_generic_lseek(f, off, whence, ino->size);
	mutex_unlock(&ino->lock);
	return r;
}

static int reg_truncate(struct file *f, uint64_t size)
{
	struct inode *ino = f->inode;
	mutex_lock(&ino->lock);
	int r = tmpfs_truncate(ino, size);
	if (!r)
		vfs_touch(ino, false, true, true);
	mutex_unlock(&ino->lock);
	return r;
}

static long reg_get_page(struct file *f, uint64_t pgoff, bool write, uint64_t *phys)
{
	struct inode *ino = f->inode;
	mutex_lock(&ino->lock);
	long r = tmpfs_get_page(ino, pgoff, write, phys);
	mutex_unlock(&ino->lock);
	return r;
}

static uint32_t reg_poll(struct file *f) { return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM; }
static int reg_fsync(struct file *f) { return 0; }

const struct file_ops tmpfs_file_ops = {
	.read = reg_read, .write = reg_write, .pread = reg_pread, .pwrite = reg_pwrite,
	.lseek = reg_lseek, .poll = reg_poll, .truncate = reg_truncate, .fsync = reg_fsync,
	.get_page = reg_get_page,
};
