/* rseq(2): restartable sequences. glibc registers one area per thread and
 * reads cpu_id from it (sched_getcpu). One CPU here, so cpu_id is always 0;
 * what remains is the abort rule: a thread preempted or signalled inside a
 * registered critical section resumes at its abort handler. */
#include "compat/uaccess.h"
#include "sched/thread.h"
#include "lib/errno.h"
#include "lib/string.h"

#define RSEQ_FLAG_UNREGISTER 1

struct rseq_k { uint32_t cpu_id_start, cpu_id; uint64_t rseq_cs; uint32_t flags, node_id, mm_cid; uint32_t pad; };
struct rseq_cs_k { uint32_t version, flags; uint64_t start_ip, post_commit_offset, abort_ip; };
_Static_assert(sizeof(struct rseq_k) == 32, "struct rseq (with mm_cid)");

long sys_rseq(struct rseq_k *u, uint32_t len, int flags, uint32_t sig)
{
	struct thread *t = current();
	if (flags & RSEQ_FLAG_UNREGISTER) {
		if (flags & ~RSEQ_FLAG_UNREGISTER)
			return -EINVAL;
		if (!t->rseq || (uint64_t)u != t->rseq)
			return -EINVAL;
		if (len != t->rseq_len)
			return -EINVAL;
		if (sig != t->rseq_sig)
			return -EPERM;
		t->rseq = 0;
		return 0;
	}
	if (flags)
		return -EINVAL;
	if (t->rseq) {
		if ((uint64_t)u != t->rseq || len != t->rseq_len)
			return -EINVAL;
		return sig == t->rseq_sig ? -EBUSY : -EPERM;
	}
	if (((uint64_t)u & 31) || len < 32)
		return -EINVAL;
	struct rseq_k init = { 0, 0, 0, 0, 0, 0, 0 };
	if (copy_to_user(u, &init, 4) || copy_to_user(&u->cpu_id, &init.cpu_id, 4) ||
	    (len >= 28 && copy_to_user(&u->node_id, &init.node_id, 8)))
		return -EFAULT;
	t->rseq = (uint64_t)u;
	t->rseq_len = len;
	t->rseq_sig = sig;
	return 0;
}

/* Called before returning to ring 3 after a preemption or with a signal to
 * deliver: moves rip to the abort handler if it is inside a critical section. */
void rseq_fixup(struct trap_frame *f)
{
	struct thread *t = current();
	if (!t->rseq)
		return;
	uint64_t csp;
	if (get_user(&csp, &((struct rseq_k *)t->rseq)->rseq_cs) || !csp)
		return;
	struct rseq_cs_k cs;
	if (copy_from_user(&cs, (void *)csp, sizeof(cs)))
		return;
	if (f->rip - cs.start_ip < cs.post_commit_offset) {
		uint32_t s;
		/* The abort handler is preceded by the signature the thread registered. */
		if (get_user(&s, (uint32_t *)(cs.abort_ip - 4)) || s != t->rseq_sig)
			return;
		f->rip = cs.abort_ip;
	}
	put_user(0UL, &((struct rseq_k *)t->rseq)->rseq_cs);
}
