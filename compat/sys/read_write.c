/* read, write, readv, writev, pread64, pwrite64, preadv, pwritev, lseek.
 * Data moves through a kernel bounce buffer in IO_CHUNK pieces; a regular
 * file's position advances only by what reached the app (a fault midway
 * returns the bytes copied so far, as Linux does). */
#include "compat/sys/fs_args.h"
#include "compat/iobuf.h"

_Static_assert(IO_CHUNK <= IO_BUF, "a chunk fits the thread's bounce buffer");

struct iovec_k { uint64_t base, len; };
_Static_assert(sizeof(struct iovec_k) == 16, "struct iovec is 16 bytes on x86-64");
#define UIO_MAXIOV 1024

static bool is_regular(struct file *f) { return f->inode && S_ISREG(f->inode->mode) && !f->inode->fops; }

/* Reads into user memory at offset off (or the file position when off < 0). */
static long do_read(struct file *f, char *ubuf, size_t n, int64_t off)
{
	/* Linux refuses positional I/O on unseekable files (pipes, sockets: no
	 * FMODE_PREAD) before it checks the access mode. */
	if (off >= 0 && !f->ops->pread && !f->ops->lseek)
		return -ESPIPE;
	if (!file_readable(f))
		return -EBADF;
	if (!user_range_ok((uint64_t)ubuf, n))
		return -EFAULT;
	if (n > MAX_RW_COUNT)
		n = MAX_RW_COUNT;
	bool positional = off >= 0;
	if (positional && !f->ops->pread)
		return -ESPIPE;
	if (!positional && !f->ops->read)
		return -EINVAL;
	size_t cap = n < IO_CHUNK ? (n ? n : 1) : IO_CHUNK;
	char *kbuf = iobuf_get(cap);
	if (!kbuf)
		return -ENOMEM;
	bool regular = is_regular(f);
	size_t done = 0;
	long r = 0;
	do {
		size_t chunk = n - done < cap ? n - done : cap;
		if (positional)
			r = f->ops->pread(f, kbuf, chunk, (uint64_t)off + done);
		else if (regular)
			r = f->ops->pread(f, kbuf, chunk, f->pos);
		else
			r = f->ops->read(f, kbuf, chunk);
		if (r <= 0)
			break;
		if (copy_to_user(ubuf + done, kbuf, (size_t)r)) {
			r = -EFAULT;   /* stream bytes already consumed are lost, as on Linux */
			break;
		}
		done += (size_t)r;
		if (!positional && regular)
			f->pos += (uint64_t)r;
		if ((size_t)r < chunk || !regular)
			break;
	} while (done < n);
	iobuf_put(kbuf);
	if (done)
		return (long)done;
	return r;
}

static long do_write(struct file *f, const char *ubuf, size_t n, int64_t off)
{
	/* As in do_read: unseekable files give ESPIPE before the mode check. */
	if (off >= 0 && !f->ops->pwrite && !f->ops->lseek)
		return -ESPIPE;
	if (!file_writable(f))
		return -EBADF;
	if (!user_range_ok((uint64_t)ubuf, n))
		return -EFAULT;
	if (n > MAX_RW_COUNT)
		n = MAX_RW_COUNT;
	bool positional = off >= 0;
	if (positional && !f->ops->pwrite)
		return -ESPIPE;
	if (!positional && !f->ops->write)
		return -EINVAL;
	if (n == 0)
		return 0;
	size_t cap = n < IO_CHUNK ? n : IO_CHUNK;
	char *kbuf = iobuf_get(cap);
	if (!kbuf)
		return -ENOMEM;
	size_t done = 0;
	long r = 0;
	while (done < n) {
		size_t chunk = n - done < cap ? n - done : cap;
		if (copy_from_user(kbuf, ubuf + done, chunk)) {
			r = -EFAULT;
			break;
		}
		r = positional ? f->ops->pwrite(f, kbuf, chunk, (uint64_t)off + done) : f->ops->write(f, kbuf, chunk);
		if (r <= 0)
			break;
		done += (size_t)r;
		if ((size_t)r < chunk)
			break;
	}
	iobuf_put(kbuf);
	return done ? (long)done : r;
}

long sys_read(int fd, char *buf, size_t count)
{
	struct file *f = file_for_io(fd);
	if (!f)
		return -EBADF;
	long r = do_read(f, buf, count, -1);
	file_put(f);
	return r;
}

long sys_write(int fd, const char *buf, size_t count)
{
	struct file *f = file_for_io(fd);
	if (!f)
		return -EBADF;
	long r = do_write(f, buf, count, -1);
	file_put(f);
	return r;
}

long sys_pread64(int fd, char *buf, size_t count, int64_t off)
{
	struct file *f = file_for_io(fd);
	if (!f)
		return -EBADF;
	long r = off < 0 ? -EINVAL : do_read(f, buf, count, off);
	file_put(f);
	return r;
}

long sys_pwrite64(int fd, const char *buf, size_t count, int64_t off)
{
	struct file *f = file_for_io(fd);
	if (!f)
		return -EBADF;
	long r = off < 0 ? -EINVAL : do_write(f, buf, count, off);
	file_put(f);
	return r;
}

/* Copies and checks an iovec array: EINVAL for a bad count or a total past SSIZE_MAX. */
static long get_iov(const struct iovec_k *uiov, int cnt, struct iovec_k **out)
{
	if (cnt < 0 || cnt > UIO_MAXIOV)
		return -EINVAL;
	struct iovec_k *iov = kmalloc((size_t)(cnt ? cnt : 1) * sizeof(*iov));
	if (!iov)
		return -ENOMEM;
	if (copy_from_user(iov, uiov, (size_t)cnt * sizeof(*iov))) {
		kfree(iov);
		return -EFAULT;
	}
	uint64_t total = 0;
	for (int i = 0; i < cnt; i++) {
		if (iov[i].len > 0x7fffffffffffffffULL - total) {
			kfree(iov);
			return -EINVAL;
		}
		total += iov[i].len;
	}
	*out = iov;
	return 0;
}

#define VEC_STREAM_MAX (1u << 20)

/* readv/writev on a stream (pipe, socket, device): one bounce buffer. A read
 * takes at most VEC_STREAM_MAX bytes (a short read is allowed); a longer write
 * goes out in pieces until one is short. */
static long vec_stream(struct file *f, const struct iovec_k *iov, int cnt, uint64_t total, bool write)
{
	if (write ? !f->ops->write : !f->ops->read)
		return -EINVAL;   /* epoll, timerfd for writes...: as Linux */
	if (total == 0)
		return 0;
	if (write && total > VEC_STREAM_MAX) {
		long done = 0;
		for (int i = 0; i < cnt; i++) {
			for (uint64_t o = 0; o < iov[i].len;) {
				uint64_t n = iov[i].len - o < VEC_STREAM_MAX ? iov[i].len - o : VEC_STREAM_MAX;
				struct iovec_k one = { iov[i].base + o, n };
				long r = vec_stream(f, &one, 1, n, true);
				if (r < 0)
					return done ? done : r;
				done += r;
				o += (uint64_t)r;
				if ((uint64_t)r < n)
					return done;
			}
		}
		return done;
	}
	if (total > VEC_STREAM_MAX)
		total = VEC_STREAM_MAX;
	char *kbuf = iobuf_get(total);
	if (!kbuf)
		return -ENOMEM;
	long r = 0;
	uint64_t at = 0;
	if (write) {
		for (int i = 0; i < cnt && !r; i++, at += iov[i - 1].len)
			if (copy_from_user(kbuf + at, (const void *)iov[i].base, iov[i].len))
				r = -EFAULT;
		if (!r)
			r = f->ops->write(f, kbuf, total);
	} else {
		r = f->ops->read(f, kbuf, total);
		for (int i = 0; i < cnt && r > 0 && at < (uint64_t)r; i++) {
			uint64_t n = (uint64_t)r - at < iov[i].len ? (uint64_t)r - at : iov[i].len;
			if (copy_to_user((void *)iov[i].base, kbuf + at, n)) {
				r = at ? (long)at : -EFAULT;
				break;
			}
			at += n;
		}
	}
	iobuf_put(kbuf);
	return r;
}

static long do_vec(int fd, const struct iovec_k *uiov, int cnt, int64_t off, bool write, bool positional)
{
	if (positional && off < 0)
		return -EINVAL;
	struct file *f = file_for_io(fd);
	if (!f)
		return -EBADF;
	struct iovec_k *iov;
	long r = get_iov(uiov, cnt, &iov);
	if (r) {
		file_put(f);
		return r;
	}
	if (write ? !file_writable(f) : !file_readable(f)) {
		kfree(iov);
		file_put(f);
		return -EBADF;
	}
	long done = 0;
	r = 0;
	uint64_t total = 0;
	for (int i = 0; i < cnt; i++)
		total += iov[i].len;
	if (!is_regular(f) && !positional && total <= IO_CHUNK) {
		/* One call for streams: a pipe write stays atomic up to PIPE_BUF and
		 * a read never blocks for a second buffer once data arrived. */
		r = vec_stream(f, iov, cnt, total, write);
		kfree(iov);
		file_put(f);
		return r;
	}
	for (int i = 0; i < cnt; i++) {
		if (!iov[i].len)
			continue;
		int64_t o = positional ? off + done : -1;
		r = write ? do_write(f, (const char *)iov[i].base, iov[i].len, o)
			  : do_read(f, (char *)iov[i].base, iov[i].len, o);
		if (r <= 0)
			break;
		done += r;
		if ((uint64_t)r < iov[i].len)
			break;
	}
	kfree(iov);
	file_put(f);
	return done ? done : r;
}

long sys_readv(int fd, const struct iovec_k *iov, int cnt) { return do_vec(fd, iov, cnt, -1, false, false); }
long sys_writev(int fd, const struct iovec_k *iov, int cnt) { return do_vec(fd, iov, cnt, -1, true, false); }
/* x86-64 passes the whole offset in pos_l; pos_h is ignored (fs/read_write.c pos_from_hilo). */
long sys_preadv(int fd, const struct iovec_k *iov, int cnt, int64_t pos_l, int64_t pos_h)
{
	return do_vec(fd, iov, cnt, pos_l, false, true);
}
long sys_pwritev(int fd, const struct iovec_k *iov, int cnt, int64_t pos_l, int64_t pos_h)
{
	return do_vec(fd, iov, cnt, pos_l, true, true);
}

long sys_lseek(int fd, int64_t off, unsigned whence)
{
	struct file *f = fdtable_get(fd);
	if (!f)
		return -EBADF;
	long r;
	if (whence > SEEK_HOLE)
		r = -EINVAL;
	else if (f->flags & O_PATH)
		r = -EBADF;
	else if (!f->ops->lseek)
		r = -ESPIPE;
	else
		r = f->ops->lseek(f, off, (int)whence);
	file_put(f);
	return r;
}
