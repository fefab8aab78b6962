/* ioctl: the generic requests every fd answers (FIONBIO, FIOASYNC, FIOCLEX,
 * FIONCLEX, FIONREAD, FIOQSIZE), then the file's own ->ioctl. Our console
 * files are not terminals: TCGETS and TIOCGWINSZ give ENOTTY there (Node
 * then treats stdout as a file and writes synchronously). */
#include "compat/sys/fs_args.h"

#define TCGETS     0x5401
#define TIOCGWINSZ 0x5413
#define FIONREAD   0x541b
#define FIONBIO    0x5421
#define FIONCLEX   0x5450
#define FIOCLEX    0x5451
#define FIOASYNC   0x5452
#define FIOQSIZE   0x5460

long sys_ioctl(int fd, unsigned cmd, uint64_t arg)
{
	struct file *f = file_for_io(fd);
	if (!f)
		return -EBADF;
	long r;
	int v;
	switch (cmd) {
	case FIOCLEX:
	case FIONCLEX:
		r = fdtable_set_flags(fd, cmd == FIOCLEX ? FD_CLOEXEC : 0);
		break;
	case FIONBIO:
	case FIOASYNC:
		if (get_user(&v, (int *)arg)) {
			r = -EFAULT;
			break;
		}
		uint32_t bit = cmd == FIONBIO ? O_NONBLOCK : O_ASYNC;
		if (v)
			__atomic_fetch_or(&f->flags, bit, __ATOMIC_RELAXED);
		else
			__atomic_fetch_and(&f->flags, ~bit, __ATOMIC_RELAXED);
		r = 0;
		break;
	case FIOQSIZE:
		if (f->inode && (S_ISREG(f->inode->mode) || S_ISDIR(f->inode->mode) || S_ISLNK(f->inode->mode))) {
			struct kstat st;
			vfs_getattr(f->inode, &st);
			int64_t sz = (int64_t)st.size;
			r = copy_to_user((void *)arg, &sz, sizeof(sz)) ? -EFAULT : 0;
		} else {
			r = -ENOTTY;
		}
		break;
	case FIONREAD:
		if (f->inode && S_ISREG(f->inode->mode) && !f->inode->fops) {
			/* vfs_ioctl: a regular file reports i_size - pos. */
			int64_t left = (int64_t)f->inode->size - (int64_t)f->pos;
			v = left < 0 ? 0 : left > 0x7fffffff ? 0x7fffffff : (int)left;
			r = put_user(v, (int *)arg) ? -EFAULT : 0;
		} else if (f->ops->nread) {
			long n = f->ops->nread(f);
			v = n > 0x7fffffff ? 0x7fffffff : (int)n;
			r = put_user(v, (int *)arg) ? -EFAULT : 0;
		} else {
			r = f->ops->ioctl ? f->ops->ioctl(f, cmd, arg) : -ENOTTY;
		}
		break;
	default:
		r = f->ops->ioctl ? f->ops->ioctl(f, cmd, arg) : -ENOTTY;
	}
	file_put(f);
	return r;
}
