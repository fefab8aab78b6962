/* fcntl, dup, dup2, dup3, flock. Record locks decode struct flock here and
 * call kernel/fs/locks.c; F_GETLK reports a process lock's l_pid as 1 (our
 * pid) and an OFD lock's as -1 (fcntl(2), "Open file description locks"). */
#include "compat/sys/fs_args.h"
#include "fs/locks.h"
#include "fs/pipe.h"
#include "fs/memfd.h"

#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_GETLK 5
#define F_SETLK 6
#define F_SETLKW 7
#define F_SETOWN 8
#define F_GETOWN 9
#define F_SETSIG 10
#define F_GETSIG 11
#define F_OFD_GETLK 36
#define F_OFD_SETLK 37
#define F_OFD_SETLKW 38
#define F_DUPFD_CLOEXEC 1030
#define F_SETPIPE_SZ 1031
#define F_GETPIPE_SZ 1032
#define F_ADD_SEALS 1033
#define F_GET_SEALS 1034
#define SETFL_MASK (O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME)

struct flock_k {
	int16_t l_type, l_whence;
	int64_t l_start, l_len;
	int32_t l_pid;
};
_Static_assert(sizeof(struct flock_k) == 32, "struct flock");
_Static_assert(__builtin_offsetof(struct flock_k, l_start) == 8, "l_start");
_Static_assert(__builtin_offsetof(struct flock_k, l_len) == 16, "l_len");
_Static_assert(__builtin_offsetof(struct flock_k, l_pid) == 24, "l_pid");

/* struct flock -> an inclusive byte range (fs/locks.c flock_to_posix_lock). */
static long to_range(struct file *f, const struct flock_k *fl, struct lock_range *r)
{
	int64_t base;
	switch (fl->l_whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = (int64_t)f->pos; break;
	case SEEK_END: base = f->inode ? (int64_t)f->inode->size : 0; break;
	default: return -EINVAL;
	}
	int64_t start;
	if (__builtin_add_overflow(base, fl->l_start, &start))
		return -EOVERFLOW;
	if (start < 0)
		return -EINVAL;
	int64_t end;
	if (fl->l_len > 0) {
		if (__builtin_add_overflow(start, fl->l_len - 1, &end))
			return -EOVERFLOW;
	} else if (fl->l_len < 0) {
		end = start - 1;
		start += fl->l_len;
		if (start < 0)
			return -EINVAL;
	} else {
		end = (int64_t)OFFSET_MAX;
	}
	r->start = (uint64_t)start;
	r->end = (uint64_t)end;
	r->type = fl->l_type;
	return 0;
}

static long do_lock(struct file *f, int cmd, struct flock_k *ufl)
{
	struct flock_k fl;
	if (copy_from_user(&fl, ufl, sizeof(fl)))
		return -EFAULT;
	bool ofd = cmd >= F_OFD_GETLK && cmd <= F_OFD_SETLKW;
	if (ofd && fl.l_pid != 0)
		return -EINVAL;
	if (fl.l_type != F_RDLCK && fl.l_type != F_WRLCK && fl.l_type != F_UNLCK)
		return -EINVAL;
	if (!f->inode)
		return -EINVAL;
	struct lock_range r;
	long err = to_range(f, &fl, &r);
	if (err)
		return err;
	r.ofd = ofd;
	void *owner = ofd ? (void *)f : LOCK_OWNER_PROCESS;
	if (cmd == F_GETLK || cmd == F_OFD_GETLK) {
		if (fl.l_type == F_UNLCK)
			return -EINVAL;
		struct lock_range c;
		locks_test(f->inode, owner, &r, &c);
		if (c.type == F_UNLCK) {
			fl.l_type = F_UNLCK;
		} else {
			fl.l_type = (int16_t)c.type;
			fl.l_whence = SEEK_SET;
			fl.l_start = (int64_t)c.start;
			fl.l_len = c.end == OFFSET_MAX ? 0 : (int64_t)(c.end - c.start + 1);
			fl.l_pid = c.ofd ? -1 : 1;
		}
		return copy_to_user(ufl, &fl, sizeof(fl)) ? -EFAULT : 0;
	}
	if (fl.l_type == F_RDLCK && !file_readable(f))
		return -EBADF;
	if (fl.l_type == F_WRLCK && !file_writable(f))
		return -EBADF;
	return locks_set(f->inode, owner, &r, cmd == F_SETLKW || cmd == F_OFD_SETLKW);
}

long sys_fcntl(int fd, int cmd, uint64_t arg)
{
	struct file *f = fdtable_get(fd);
	if (!f)
		return -EBADF;
	long r;
	uint64_t soft, hard;
	/* open(2), O_PATH: only the fd-level commands work on such an fd. */
	if ((f->flags & O_PATH) && cmd != F_DUPFD && cmd != F_DUPFD_CLOEXEC && cmd != F_GETFD &&
	    cmd != F_SETFD && cmd != F_GETFL) {
		file_put(f);
		return -EBADF;
	}
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		fdtable_get_limit(&soft, &hard);
		if ((int64_t)(int)arg < 0 || (uint64_t)(int)arg >= soft) {
			r = -EINVAL;
			break;
		}
		r = fdtable_install(file_get(f), (int)arg, cmd == F_DUPFD_CLOEXEC);
		if (r < 0)
			file_put(f);
		break;
	case F_GETFD:
		r = fdtable_get_flags(fd);
		break;
	case F_SETFD:
		r = fdtable_set_flags(fd, (int)arg);
		break;
	case F_GETFL:
		r = f->flags;
		break;
	case F_SETFL:
		f->flags = (f->flags & ~(uint32_t)SETFL_MASK) | ((uint32_t)arg & SETFL_MASK);
		r = 0;
		break;
	case F_GETLK: case F_SETLK: case F_SETLKW:
	case F_OFD_GETLK: case F_OFD_SETLK: case F_OFD_SETLKW:
		r = do_lock(f, cmd, (struct flock_k *)arg);
		break;
	case F_GETOWN:
	case F_GETSIG:
		r = 0;
		break;
	case F_SETOWN:
	case F_SETSIG:
		r = 0;   /* no SIGIO delivery yet; accepted so libraries that set it go on */
		break;
	case F_ADD_SEALS:
		r = memfd_add_seals(f->inode, file_writable(f), (uint32_t)arg);
		break;
	case F_GET_SEALS:
		r = memfd_get_seals(f->inode);
		break;
	case F_GETPIPE_SZ:
		r = pipe_capacity(f);
		break;
	case F_SETPIPE_SZ:
		/* The ring is fixed at 64 KiB: report it when asked for no more, like a
		 * pipe already that big (pipe(7)). */
		r = pipe_capacity(f);
		if (r >= 0 && arg > (uint64_t)r)
			r = -EPERM;
		break;
	default:
		r = -EINVAL;
	}
	file_put(f);
	return r;
}

long sys_dup(int oldfd)
{
	struct file *f = fdtable_get(oldfd);
	if (!f)
		return -EBADF;
	long r = fdtable_install(f, 0, false);
	if (r < 0)
		file_put(f);
	return r;
}

long sys_dup3(int oldfd, int newfd, int flags)
{
	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	if (oldfd == newfd)
		return -EINVAL;
	return fdtable_dup_to(oldfd, newfd, (flags & O_CLOEXEC) != 0);
}

long sys_dup2(int oldfd, int newfd)
{
	if (oldfd == newfd) {   /* dup2(2): a valid fd to itself is a no-op */
		struct file *f = fdtable_get(oldfd);
		if (!f)
			return -EBADF;
		file_put(f);
		return newfd;
	}
	return fdtable_dup_to(oldfd, newfd, false);
}

long sys_flock(int fd, int op)
{
	struct file *f = fdtable_get(fd);
	if (!f)
		return -EBADF;
	long r = (f->flags & O_PATH) ? -EBADF : !f->inode ? -EINVAL : locks_flock(f, op);
	file_put(f);
	return r;
}
