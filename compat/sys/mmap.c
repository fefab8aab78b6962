/* Memory syscalls: argument decoding and Linux's checks over mm/vm.c. */
#include "fs/tmpfs.h"
#include "mm/vm.h"
#include "fs/file.h"
#include "fs/fdtable.h"
#include "fs/vfs.h"
#include "lib/string.h"
#include "lib/errno.h"
#include <stdint.h>

#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define PROT_GROWSDOWN 0x01000000
#define PROT_GROWSUP 0x02000000
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_TYPE 0x0f
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_32BIT 0x40
#define MAP_GROWSDOWN 0x100
#define MAP_DENYWRITE 0x800
#define MAP_EXECUTABLE 0x1000
#define MAP_LOCKED 0x2000
#define MAP_NORESERVE 0x4000
#define MAP_POPULATE 0x8000
#define MAP_NONBLOCK 0x10000
#define MAP_STACK 0x20000
#define MAP_HUGETLB 0x40000
#define MAP_SYNC 0x80000
#define MAP_FIXED_NOREPLACE 0x100000
#define MAP_KNOWN (MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_32BIT | MAP_GROWSDOWN | MAP_DENYWRITE | \
		   MAP_EXECUTABLE | MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | \
		   MAP_HUGETLB | MAP_SYNC | MAP_FIXED_NOREPLACE)

static uint32_t prot_to_vma(unsigned long prot)
{
	uint32_t v = 0;
	if (prot & PROT_READ)
		v |= VMA_READ;
	if (prot & PROT_WRITE)
		v |= VMA_WRITE | VMA_READ;   /* x86 cannot map write-only */
	if (prot & PROT_EXEC)
		v |= VMA_EXEC | VMA_READ;
	return v;
}

long sys_mmap(uint64_t addr, uint64_t len, unsigned long prot, unsigned long flags, int fd, uint64_t off)
{
	if (prot & ~(unsigned long)(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	int type = flags & MAP_TYPE;
	if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE)
		return -EINVAL;
	if (type == MAP_SHARED_VALIDATE && (flags & ~(unsigned long)MAP_KNOWN))
		return -EOPNOTSUPP;
	if (flags & MAP_HUGETLB)
		return -EINVAL;   /* no hugetlbfs pages to give */
	if (off & 4095)
		return -EINVAL;
	bool shared = type != MAP_PRIVATE;
	struct file *f = 0;
	if (!(flags & MAP_ANONYMOUS)) {
		f = fdtable_get(fd);
		if (!f)
			return -EBADF;
		int acc = f->flags & O_ACCMODE;
		if (acc == O_WRONLY || (shared && (prot & PROT_WRITE) && acc != O_RDWR)) {
			file_put(f);
			return -EACCES;
		}
		/* A write-sealed memfd cannot gain a writable shared view (memfd_create(2)). */
		if (shared && (prot & PROT_WRITE) && f->inode &&
		    (f->inode->seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE))) {
			file_put(f);
			return -EPERM;
		}
		uint32_t mode = f->inode ? f->inode->mode : 0;
		if (S_ISCHR(mode) && f->path && !strcmp(f->path, "/dev/zero")) {
			/* Mapping /dev/zero is how old code asks for anonymous memory. */
			file_put(f);
			f = 0;
		} else if (!S_ISREG(mode) || (!f->ops->pread && !f->ops->get_page)) {
			file_put(f);
			return -ENODEV;   /* directories, pipes, sockets, other devices */
		}
	}
	uint32_t vflags = shared ? VMA_SHARED : 0;
	if (shared && !f)
		vflags = 0;   /* shared anonymous memory: one process, so private is equivalent */
	int64_t r = vm_map(addr, len, prot_to_vma(prot), vflags, f, off, (flags & MAP_FIXED) != 0,
			   (flags & MAP_FIXED_NOREPLACE) != 0);
	if (f)
		file_put(f);
	if (r >= 0 && (flags & MAP_POPULATE))
		vm_populate((uint64_t)r, len, (prot & PROT_WRITE) != 0);
	return r;
}

long sys_munmap(uint64_t addr, uint64_t len) { return vm_unmap(addr, len); }

long sys_mprotect(uint64_t addr, uint64_t len, unsigned long prot)
{
	if (prot & (PROT_GROWSDOWN | PROT_GROWSUP))
		prot &= ~(unsigned long)(PROT_GROWSDOWN | PROT_GROWSUP);   /* no grows-down areas here */
	if (prot & ~(unsigned long)(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	return vm_protect(addr, len, prot_to_vma(prot));
}

#define MADV_NORMAL 0
#define MADV_RANDOM 1
#define MADV_SEQUENTIAL 2
#define MADV_WILLNEED 3
#define MADV_DONTNEED 4
#define MADV_FREE 8
#define MADV_REMOVE 9
#define MADV_DONTFORK 10
#define MADV_DOFORK 11
#define MADV_MERGEABLE 12
#define MADV_UNMERGEABLE 13
#define MADV_HUGEPAGE 14
#define MADV_NOHUGEPAGE 15
#define MADV_DONTDUMP 16
#define MADV_DODUMP 17
#define MADV_WIPEONFORK 18
#define MADV_KEEPONFORK 19
#define MADV_COLD 20
#define MADV_PAGEOUT 21

long sys_madvise(uint64_t addr, uint64_t len, int advice)
{
	if (addr & 4095)
		return -EINVAL;
	switch (advice) {
	case MADV_DONTNEED:
	case MADV_FREE:
	case MADV_REMOVE:
		/* Linux zero-fills anonymous pages after DONTNEED; FREE may too. */
		return vm_discard(addr, len);
	case MADV_NORMAL: case MADV_RANDOM: case MADV_SEQUENTIAL: case MADV_WILLNEED:
	case MADV_DONTFORK: case MADV_DOFORK: case MADV_MERGEABLE: case MADV_UNMERGEABLE:
	case MADV_HUGEPAGE: case MADV_NOHUGEPAGE: case MADV_DONTDUMP: case MADV_DODUMP:
	case MADV_WIPEONFORK: case MADV_KEEPONFORK: case MADV_COLD: case MADV_PAGEOUT:
		return 0;
	default:
		return -EINVAL;
	}
}

#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2
#define MREMAP_DONTUNMAP 4

long sys_mremap(uint64_t old_addr, uint64_t old_len, uint64_t new_len, unsigned long flags, uint64_t new_addr)
{
	if (flags & ~(unsigned long)(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP))
		return -EINVAL;
	if (flags & MREMAP_DONTUNMAP)
		return -EINVAL;   /* only for private anonymous maps on Linux; not supported here */
	return vm_remap(old_addr, old_len, new_len, flags & MREMAP_MAYMOVE, flags & MREMAP_FIXED, new_addr);
}

long sys_brk(uint64_t addr) { return vm_set_brk(addr); }

#define MS_ASYNC 1
#define MS_INVALIDATE 2
#define MS_SYNC 4

long sys_msync(uint64_t addr, uint64_t len, int flags)
{
	if ((addr & 4095) || (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) ||
	    ((flags & MS_ASYNC) && (flags & MS_SYNC)))
		return -EINVAL;
	/* Shared maps use the tmpfs file's own pages: nothing to write back.
	 * Linux answers ENOMEM when part of the range is unmapped. */
	uint64_t end = addr + ((len + 4095) & ~4095ULL);
	for (uint64_t a = addr; a < end;) {
		struct vma *v = vma_find(&vm.vmas, a);
		if (!v)
			return -ENOMEM;
		a = v->end;
	}
	return 0;
}

long sys_mlock(uint64_t addr, uint64_t len) { return 0; }
long sys_munlock(uint64_t addr, uint64_t len) { return 0; }
long sys_mlockall(int flags) { return flags & ~7 ? -EINVAL : 0; }
long sys_munlockall(void) { return 0; }

/* Memory protection keys: we do not enable PKU (CR4.PKE stays clear), so
 * these behave as Linux does on a CPU without it: no key can be allocated
 * (ENOSPC), and pkey_mprotect accepts only key -1, which is plain mprotect.
 * V8 then protects wasm code without keys. */
long sys_pkey_alloc(unsigned long flags, unsigned long init_rights)
{
	if (flags || init_rights > 3)
		return -EINVAL;
	return -ENOSPC;
}

long sys_pkey_free(int pkey) { return -EINVAL; }

long sys_pkey_mprotect(uint64_t addr, uint64_t len, unsigned long prot, int pkey)
{
	if (pkey != -1)
		return -EINVAL;
	return sys_mprotect(addr, len, prot);
}
