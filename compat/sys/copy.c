/* sendfile and copy_file_range: in-kernel copies (fs.copyFileSync needs one
 * of them). Both move data through a bounce buffer with pread/write. */
#include "compat/sys/fs_args.h"

static bool copy_is_regular(struct file *f) { return f->inode && S_ISREG(f->inode->mode) && !f->inode->fops; }

/* Copies up to len bytes from in (at *in_off) to out (at *out_off, or its
 * position when out_off is NULL). Returns bytes copied or -E*. */
static long copy_loop(struct file *in, uint64_t *in_off, struct file *out, uint64_t *out_off, size_t len)
{
	size_t cap = len < IO_CHUNK ? (len ? len : 1) : IO_CHUNK;
	char *buf = kmalloc(cap);
	if (!buf)
		return -ENOMEM;
	size_t done = 0;
	long r = 0;
	while (done < len) {
		size_t chunk = len - done < cap ? len - done : cap;
		r = in->ops->pread(in, buf, chunk, *in_off);
		if (r <= 0)
			break;
		size_t got = (size_t)r;
		r = out_off ? out->ops->pwrite(out, buf, got, *out_off) : out->ops->write(out, buf, got);
		if (r <= 0)
			break;
		*in_off += (uint64_t)r;
		if (out_off)
			*out_off += (uint64_t)r;
		done += (size_t)r;
		if ((size_t)r < got || got < chunk)
			break;
	}
	kfree(buf);
	return done ? (long)done : r;
}

long sys_sendfile(int out_fd, int in_fd, int64_t *uoff, size_t count)
{
	struct file *in = file_for_io(in_fd), *out = file_for_io(out_fd);
	long r;
	if (!in || !out || !file_readable(in) || !file_writable(out)) {
		r = -EBADF;
		goto done;
	}
	if (!in->ops->pread || (in->inode && S_ISDIR(in->inode->mode)) || (out->flags & O_APPEND) || !out->ops->write) {
		r = -EINVAL;   /* sendfile(2): the input must be mmap-able; O_APPEND output is refused */
		goto done;
	}
	if (count > MAX_RW_COUNT)
		count = MAX_RW_COUNT;
	int64_t off;
	if (uoff) {
		if (copy_from_user(&off, uoff, sizeof(off))) {
			r = -EFAULT;
			goto done;
		}
		if (off < 0) {
			r = -EINVAL;
			goto done;
		}
	} else {
		off = (int64_t)in->pos;
	}
	uint64_t pos = (uint64_t)off;
	r = copy_loop(in, &pos, out, NULL, count);
	if (r > 0) {
		if (uoff) {
			int64_t np = (int64_t)pos;
			if (copy_to_user(uoff, &np, sizeof(np)))
				r = -EFAULT;
		} else {
			in->pos = pos;
		}
	}
done:
	if (in)
		file_put(in);
	if (out)
		file_put(out);
	return r;
}

long sys_copy_file_range(int fd_in, int64_t *uoff_in, int fd_out, int64_t *uoff_out, size_t len, unsigned flags)
{
	if (flags)
		return -EINVAL;
	struct file *in = file_for_io(fd_in), *out = file_for_io(fd_out);
	long r;
	int64_t oin = 0, oout = 0;
	if (!in || !out || !file_readable(in) || !file_writable(out) || (out->flags & O_APPEND)) {
		r = -EBADF;
		goto done;
	}
	if ((in->inode && S_ISDIR(in->inode->mode)) || (out->inode && S_ISDIR(out->inode->mode))) {
		r = -EISDIR;
		goto done;
	}
	if (!copy_is_regular(in) || !copy_is_regular(out)) {
		r = -EINVAL;
		goto done;
	}
	if ((uoff_in && copy_from_user(&oin, uoff_in, sizeof(oin))) ||
	    (uoff_out && copy_from_user(&oout, uoff_out, sizeof(oout)))) {
		r = -EFAULT;
		goto done;
	}
	uint64_t pin = uoff_in ? (uint64_t)oin : in->pos, pout = uoff_out ? (uint64_t)oout : out->pos;
	if ((int64_t)pin < 0 || (int64_t)pout < 0) {
		r = -EINVAL;
		goto done;
	}
	if (len > MAX_RW_COUNT)
		len = MAX_RW_COUNT;
	/* copy_file_range(2): overlapping ranges of one file are EINVAL. */
	if (in->inode == out->inode && pin < pout + len && pout < pin + len) {
		r = -EINVAL;
		goto done;
	}
	r = copy_loop(in, &pin, out, &pout, len);
	if (r > 0) {
		int64_t a = (int64_t)pin, b = (int64_t)pout;
		if (uoff_in)
			copy_to_user(uoff_in, &a, sizeof(a));
		else
			in->pos = pin;
		if (uoff_out)
			copy_to_user(uoff_out, &b, sizeof(b));
		else
			out->pos = pout;
	}
done:
	if (in)
		file_put(in);
	if (out)
		file_put(out);
	return r;
}
