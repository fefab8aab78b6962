/* pipe, pipe2: both ends into the fd table, or neither. */
#include "compat/sys/fs_args.h"
#include "fs/pipe.h"

long sys_pipe2(int *ufds, int flags)
{
	if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
		return -EINVAL;
	if (!user_range_ok((uint64_t)ufds, 2 * sizeof(int)))
		return -EFAULT;
	struct file *r, *w;
	long err = pipe_create(flags, &r, &w);
	if (err)
		return err;
	bool cloexec = (flags & O_CLOEXEC) != 0;
	int fds[2];
	fds[0] = fdtable_install(r, 0, cloexec);
	if (fds[0] < 0) {
		file_put(r);
		file_put(w);
		return fds[0];
	}
	fds[1] = fdtable_install(w, 0, cloexec);
	if (fds[1] < 0) {
		file_put(w);
		fdtable_close(fds[0]);
		return fds[1];
	}
	if (copy_to_user(ufds, fds, sizeof(fds))) {
		fdtable_close(fds[0]);
		fdtable_close(fds[1]);
		return -EFAULT;
	}
	return 0;
}

long sys_pipe(int *ufds) { return sys_pipe2(ufds, 0); }
