/* clone and clone3 for threads (glibc's pthread_create). One process:
 * a clone without CLONE_VM (fork) or with CLONE_VFORK returns -ENOSYS and
 * is counted as unsupported, which Node's spawn turns into an error. */
#include "compat/uaccess.h"
#include "sched/thread.h"
#include "arch/x86_64/fpu.h"
#include "core/log.h"
#include "mm/kmalloc.h"
#include "lib/errno.h"
#include "lib/string.h"

#define CLONE_VM 0x100
#define CLONE_FS 0x200
#define CLONE_FILES 0x400
#define CLONE_SIGHAND 0x800
#define CLONE_PIDFD 0x1000
#define CLONE_PTRACE 0x2000
#define CLONE_VFORK 0x4000
#define CLONE_PARENT 0x8000
#define CLONE_THREAD 0x10000
#define CLONE_NEWNS 0x20000
#define CLONE_SYSVSEM 0x40000
#define CLONE_SETTLS 0x80000
#define CLONE_PARENT_SETTID 0x100000
#define CLONE_CHILD_CLEARTID 0x200000
#define CLONE_DETACHED 0x400000
#define CLONE_UNTRACED 0x800000
#define CLONE_CHILD_SETTID 0x01000000
#define CLONE_IO 0x80000000ULL

void sched_enqueue(struct thread *t);

static long do_clone(uint64_t flags, uint64_t stack, uint64_t parent_tid, uint64_t child_tid, uint64_t tls)
{
	const uint64_t need = CLONE_VM | CLONE_THREAD | CLONE_SIGHAND;
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	if ((flags & need) != need || (flags & CLONE_VFORK)) {
		/* A second process: fork, vfork, posix_spawn. */
		return -ENOSYS;
	}
	struct thread *parent = current();
	void *fpu = kzalloc(fpu_state_size + 64);   /* header bytes 8-63 must be zero for XRSTOR */
	if (!fpu)
		return -ENOMEM;
	void *aligned = (void *)(((uintptr_t)fpu + 63) & ~(uintptr_t)63);
	fpu_save(aligned);   /* the child starts with the parent's FPU/SSE/AVX registers */
	struct trap_frame regs = *parent->uframe;
	regs.rax = 0;
	if (stack)
		regs.rsp = stack;
	struct thread *t = thread_create_user(&regs, aligned, (flags & CLONE_SETTLS) ? tls : parent->fs_base);
	kfree(fpu);
	if (!t)
		return -EAGAIN;
	t->sigmask = parent->sigmask;
	t->nice = parent->nice;
	if (flags & CLONE_CHILD_CLEARTID)
		t->clear_child_tid = child_tid;
	if ((flags & CLONE_PARENT_SETTID) && put_user(t->tid, (int *)parent_tid)) {
		t->state = THREAD_DEAD;   /* never ran */
		return -EFAULT;
	}
	if (flags & CLONE_CHILD_SETTID)
		put_user(t->tid, (int *)child_tid);
	sched_enqueue(t);
	return t->tid;
}

long sys_clone(uint64_t flags, uint64_t stack, uint64_t parent_tid, uint64_t child_tid, uint64_t tls)
{
	long r = do_clone(flags & ~0xffULL, stack, parent_tid, child_tid, tls);
	return r;
}

struct clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size,
		cgroup;
};

long sys_clone3(const struct clone_args *uargs, size_t size)
{
	struct clone_args a;
	memset(&a, 0, sizeof(a));
	if (size < 64 || size > 4096)
		return -EINVAL;
	if (copy_from_user(&a, uargs, size < sizeof(a) ? size : sizeof(a)))
		return -EFAULT;
	if (a.set_tid || a.set_tid_size || (a.exit_signal & ~0xffULL))
		return -EINVAL;
	if ((a.stack == 0) != (a.stack_size == 0))
		return -EINVAL;
	uint64_t top = a.stack ? a.stack + a.stack_size : 0;
	return do_clone(a.flags, top, a.parent_tid, a.child_tid, a.tls);
}
