#include "mm/vm.h"
#include "mm/pmm.h"
#include "mm/kmalloc.h"
#include "mm/page.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/layout.h"
#include "fs/file.h"
#include "fs/tmpfs.h"
#include "fs/vfs.h"
#include "sched/mutex.h"
#include "core/log.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "lib/printf.h"

struct vm_space vm;
static struct mutex vm_lock;

#define PF_PRESENT 0x1
#define PF_WRITE   0x2
#define PF_INSTR   0x10

struct vma *vma_alloc(void) { return kzalloc(sizeof(struct vma)); }
void vma_free(struct vma *v) { kfree(v); }
void vma_file_ref(struct file *f) { file_get(f); }
void vma_file_unref(struct file *f) { file_put(f); }

void vm_init(void)
{
	mutex_init(&vm_lock);
}

static uint64_t pte_flags(uint32_t prot)
{
	uint64_t f = PTE_U | PTE_P;
	if (prot & VMA_WRITE)
		f |= PTE_W;
	if (!(prot & VMA_EXEC))
		f |= PTE_NX;
	return f;
}

static uint64_t root(void) { return paging_kernel_root(); }

static int map_page(uint64_t va, uint64_t pa, uint64_t flags)
{
	if (paging_map(root(), va, pa, flags))
		return -ENOMEM;
	paging_flush(va);
	return 0;
}

/* Fills the missing page at va of area v. */
static int fill_page(struct vma *v, uint64_t va, bool write)
{
	uint32_t prot = v->flags;
	if (!v->file) {
		uint64_t pa = pmm_alloc_page();
		if (!pa)
			return -ENOMEM;
		memset(phys_to_virt(pa), 0, PAGE_SIZE);
		vm.pages_resident++;
		return map_page(va, pa, pte_flags(prot));
	}
	uint64_t off = v->offset + (va - v->start);
	struct file *f = v->file;
	uint64_t pa;
	if (v->flags & VMA_SHARED) {
		if (!f->ops->get_page)
			return -ENODEV;
		long err = f->ops->get_page(f, off / PAGE_SIZE, (prot & VMA_WRITE) != 0, &pa);
		if (err)
			return err == -ENXIO ? -ENXIO : (int)err;
		vm.pages_file++;
		return map_page(va, pa, pte_flags(prot) | PTE_FOREIGN);
	}
	/* Private: share the file's page read-only until written (copy on write). */
	if (!write && f->ops->get_page && f->ops->get_page(f, off / PAGE_SIZE, false, &pa) == 0) {
		vm.pages_file++;
		return map_page(va, pa, (pte_flags(prot) & ~PTE_W) | PTE_FOREIGN);
	}
	pa = pmm_alloc_page();
	if (!pa)
		return -ENOMEM;
	void *page = phys_to_virt(pa);
	long n = f->ops->pread ? f->ops->pread(f, page, PAGE_SIZE, off) : -ENODEV;
	if (n <= 0) {
		pmm_free_page(pa);
		return n == 0 ? -ENXIO : (int)n;   /* past the end of the file: SIGBUS */
	}
	if (n < PAGE_SIZE)
		memset((char *)page + n, 0, PAGE_SIZE - n);
	vm.pages_resident++;
	return map_page(va, pa, pte_flags(prot));
}

static int fault_locked(uint64_t addr, uint64_t error)
{
	struct vma *v = vma_find(&vm.vmas, addr);
	if (!v)
		return -EFAULT;
	/* A mapping that forbids the access: -EACCES (SEGV_ACCERR), not -EFAULT (SEGV_MAPERR). */
	bool write = error & PF_WRITE;
	if (write && !(v->flags & VMA_WRITE))
		return -EACCES;
	if ((error & PF_INSTR) && !(v->flags & VMA_EXEC))
		return -EACCES;
	if (!(v->flags & (VMA_READ | VMA_WRITE | VMA_EXEC)))
		return -EACCES;
	uint64_t va = addr & ~(uint64_t)(PAGE_SIZE - 1);
	uint64_t *pte = paging_pte(root(), va, false);
	if (pte && (*pte & PTE_P)) {
		if (write && (*pte & PTE_FOREIGN) && !(v->flags & VMA_SHARED)) {
			/* Copy on write of a file page mapped privately. */
			uint64_t pa = pmm_alloc_page();
			if (!pa)
				return -ENOMEM;
			memcpy(phys_to_virt(pa), phys_to_virt(*pte & PTE_ADDR), PAGE_SIZE);
			vm.pages_file--;
			vm.pages_resident++;
			return map_page(va, pa, pte_flags(v->flags));
		}
		/* Present and allowed: another thread filled it first, or a stale TLB entry. */
		paging_flush(va);
		return 0;
	}
	return fill_page(v, va, write);
}

int vm_fault(uint64_t addr, uint64_t error)
{
	mutex_lock(&vm_lock);
	int r = fault_locked(addr, error);
	mutex_unlock(&vm_lock);
	return r;
}

static void drop_pte(uint64_t va, uint64_t *pte, void *ctx)
{
	if (*pte & PTE_FOREIGN) {
		vm.pages_file--;
	} else {
		pmm_free_page(*pte & PTE_ADDR);
		vm.pages_resident--;
	}
	*pte = 0;
	paging_flush(va);
}

static void unmap_locked(uint64_t start, uint64_t end)
{
	paging_walk_range(root(), start, end, drop_pte, 0);
	vma_remove_range(&vm.vmas, start, end);
}

static bool range_ok(uint64_t addr, uint64_t len)
{
	return !(addr & (PAGE_SIZE - 1)) && len && addr < VM_USER_TOP && len <= VM_USER_TOP - addr;
}

static uint64_t page_round(uint64_t len) { return (len + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1); }

int64_t vm_map(uint64_t addr, uint64_t len, uint32_t prot, uint32_t flags, struct file *file, uint64_t offset,
	       bool fixed, bool noreplace)
{
	if (!len)
		return -EINVAL;
	len = page_round(len);
	if (!len || (offset & (PAGE_SIZE - 1)))
		return -EINVAL;
	struct vma *v = vma_alloc();
	if (!v)
		return -ENOMEM;
	mutex_lock(&vm_lock);
	int64_t ret;
	if (fixed || noreplace) {
		if (!range_ok(addr, len) || addr < VM_MMAP_MIN) {
			ret = (addr & (PAGE_SIZE - 1)) ? -EINVAL : -ENOMEM;
			goto fail;
		}
		if (vma_overlaps(&vm.vmas, addr, addr + len)) {
			if (noreplace) {
				ret = -EEXIST;
				goto fail;
			}
			if (vma_split_at(&vm.vmas, addr, addr + len)) {
				ret = -ENOMEM;
				goto fail;
			}
			unmap_locked(addr, addr + len);
		}
	} else {
		/* A hint is honoured when the range is free, as on Linux. */
		addr &= ~(uint64_t)(PAGE_SIZE - 1);
		if (!(addr >= VM_MMAP_MIN && range_ok(addr, len) && !vma_overlaps(&vm.vmas, addr, addr + len)))
			addr = vma_find_gap_topdown(&vm.vmas, len, PAGE_SIZE, VM_MMAP_MIN, vm.mmap_base);
		if (!addr) {
			ret = -ENOMEM;
			goto fail;
		}
	}
	v->start = addr;
	v->end = addr + len;
	v->flags = prot | flags;
	v->file = file;
	v->offset = offset;
	if (file)
		file_get(file);
	vma_insert(&vm.vmas, v);
	mutex_unlock(&vm_lock);
	return (int64_t)addr;
fail:
	mutex_unlock(&vm_lock);
	vma_free(v);
	return ret;
}

int vm_unmap(uint64_t addr, uint64_t len)
{
	if ((addr & (PAGE_SIZE - 1)) || !len)
		return -EINVAL;
	len = page_round(len);
	if (!range_ok(addr, len))
		return -EINVAL;
	mutex_lock(&vm_lock);
	int r = vma_split_at(&vm.vmas, addr, addr + len);
	if (!r)
		unmap_locked(addr, addr + len);
	mutex_unlock(&vm_lock);
	return r;
}

struct protect_ctx { uint32_t prot; bool shared; };

static void protect_pte(uint64_t va, uint64_t *pte, void *ctx)
{
	struct protect_ctx *c = ctx;
	uint64_t fl = pte_flags(c->prot);
	if ((*pte & PTE_FOREIGN) && !c->shared)
		fl &= ~PTE_W;   /* still copy-on-write */
	*pte = (*pte & (PTE_ADDR | PTE_FOREIGN)) | fl;
	paging_flush(va);
}

int vm_protect(uint64_t addr, uint64_t len, uint32_t prot)
{
	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	if (!len)
		return 0;
	len = page_round(len);
	if (!range_ok(addr, len))
		return -ENOMEM;
	uint64_t end = addr + len;
	mutex_lock(&vm_lock);
	/* Linux: the whole range must be mapped, else ENOMEM. */
	uint64_t cur = addr;
	for (struct vma *v = vma_find(&vm.vmas, addr); v && cur < end; v = v->next) {
		if (v->start > cur)
			break;
		cur = v->end;
	}
	if (cur < end) {
		mutex_unlock(&vm_lock);
		return -ENOMEM;
	}
	if (vma_split_at(&vm.vmas, addr, end)) {
		mutex_unlock(&vm_lock);
		return -ENOMEM;
	}
	for (struct vma *v = vma_find(&vm.vmas, addr); v && v->start < end; v = v->next) {
		if ((v->flags & VMA_SHARED) && v->file && (prot & VMA_WRITE) &&
		    (!(v->file->flags & 3) || (v->file->inode && (v->file->inode->seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE))))) {
			/* A shared map of a read-only descriptor, or of a write-sealed
			 * memfd, cannot become writable. */
			mutex_unlock(&vm_lock);
			return -EACCES;
		}
		v->flags = (v->flags & ~(VMA_READ | VMA_WRITE | VMA_EXEC)) | prot;
		struct protect_ctx c = { prot, (v->flags & VMA_SHARED) != 0 };
		paging_walk_range(root(), v->start, v->end, protect_pte, &c);
	}
	/* V8 flips protections on many small ranges: keep the list short. */
	vma_merge_adjacent(&vm.vmas);
	mutex_unlock(&vm_lock);
	return 0;
}

int vm_discard(uint64_t addr, uint64_t len)
{
	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	len = page_round(len);
	if (!len)
		return 0;
	if (!range_ok(addr, len))
		return -EINVAL;
	mutex_lock(&vm_lock);
	paging_walk_range(root(), addr, addr + len, drop_pte, 0);
	mutex_unlock(&vm_lock);
	return 0;
}

struct move_ctx { uint64_t delta; int err; };

static void move_pte(uint64_t va, uint64_t *pte, void *ctx)
{
	struct move_ctx *c = ctx;
	uint64_t *dst = paging_pte(root(), va + c->delta, true);
	if (!dst) {
		c->err = -ENOMEM;
		return;
	}
	*dst = *pte;
	*pte = 0;
	paging_flush(va);
	paging_flush(va + c->delta);
}

int64_t vm_remap(uint64_t old_addr, uint64_t old_len, uint64_t new_len, bool may_move, bool fixed, uint64_t new_addr)
{
	if ((old_addr & (PAGE_SIZE - 1)) || !new_len)
		return -EINVAL;
	old_len = page_round(old_len);
	new_len = page_round(new_len);
	if (fixed && (!may_move || (new_addr & (PAGE_SIZE - 1))))
		return -EINVAL;
	if (!old_len)
		return -EINVAL;   /* duplicating a shared mapping (old_len 0) is not supported */
	mutex_lock(&vm_lock);
	int64_t ret;
	struct vma *v = vma_find(&vm.vmas, old_addr);
	if (!v || old_addr + old_len > v->end) {
		ret = -EFAULT;
		goto out;
	}
	if (!fixed && new_len <= old_len) {
		if (new_len < old_len && !vma_split_at(&vm.vmas, old_addr + new_len, old_addr + old_len))
			unmap_locked(old_addr + new_len, old_addr + old_len);
		ret = (int64_t)old_addr;
		goto out;
	}
	if (!fixed && old_addr + old_len == v->end && !vma_overlaps(&vm.vmas, v->end, old_addr + new_len) &&
	    old_addr + new_len <= VM_USER_TOP) {
		v->end = old_addr + new_len;   /* grow in place */
		ret = (int64_t)old_addr;
		goto out;
	}
	if (!may_move) {
		ret = -ENOMEM;
		goto out;
	}
	uint64_t dst = new_addr;
	if (fixed) {
		if (!range_ok(dst, new_len) || (dst < old_addr + old_len && old_addr < dst + new_len)) {
			ret = -EINVAL;
			goto out;
		}
		if (vma_split_at(&vm.vmas, dst, dst + new_len)) {
			ret = -ENOMEM;
			goto out;
		}
		unmap_locked(dst, dst + new_len);
	} else {
		dst = vma_find_gap_topdown(&vm.vmas, new_len, PAGE_SIZE, VM_MMAP_MIN, vm.mmap_base);
		if (!dst) {
			ret = -ENOMEM;
			goto out;
		}
	}
	if (vma_split_at(&vm.vmas, old_addr, old_addr + old_len)) {
		ret = -ENOMEM;
		goto out;
	}
	v = vma_find(&vm.vmas, old_addr);
	struct vma *nv = vma_alloc();
	if (!nv) {
		ret = -ENOMEM;
		goto out;
	}
	*nv = *v;
	nv->start = dst;
	nv->end = dst + new_len;
	if (nv->file)
		file_get(nv->file);
	struct move_ctx c = { dst - old_addr, 0 };
	paging_walk_range(root(), old_addr, old_addr + old_len, move_pte, &c);
	vma_remove_range(&vm.vmas, old_addr, old_addr + old_len);
	vma_insert(&vm.vmas, nv);
	ret = c.err ? c.err : (int64_t)dst;
out:
	mutex_unlock(&vm_lock);
	return ret;
}

int64_t vm_set_brk(uint64_t addr)
{
	mutex_lock(&vm_lock);
	uint64_t old = vm.brk;
	if (addr >= vm.brk_start && addr < vm.brk_start + (1ULL << 40)) {
		uint64_t old_end = page_round(vm.brk), new_end = page_round(addr);
		if (new_end > old_end) {
			if (vma_overlaps(&vm.vmas, old_end, new_end))
				goto out;
			struct vma *v = vma_alloc();
			if (!v)
				goto out;
			*v = (struct vma){ .start = old_end, .end = new_end, .flags = VMA_READ | VMA_WRITE | VMA_HEAP };
			vma_insert(&vm.vmas, v);
		} else if (new_end < old_end) {
			if (vma_split_at(&vm.vmas, new_end, old_end))
				goto out;
			unmap_locked(new_end, old_end);
		}
		vm.brk = addr;
	}
out:
	(void)old;
	uint64_t r = vm.brk;
	mutex_unlock(&vm_lock);
	return (int64_t)r;
}

int vm_populate(uint64_t addr, uint64_t len, bool write)
{
	for (uint64_t va = addr & ~(uint64_t)(PAGE_SIZE - 1); va < addr + len; va += PAGE_SIZE) {
		int r = vm_fault(va, write ? PF_WRITE : 0);
		if (r)
			return r;
	}
	return 0;
}

long vm_format_maps(char *buf, size_t size)
{
	size_t o = 0;
	mutex_lock(&vm_lock);
	for (struct vma *v = vm.vmas.head; v && o < size; v = v->next) {
		const char *name = "";
		if (v->flags & VMA_STACK)
			name = "[stack]";
		else if (v->flags & VMA_HEAP)
			name = "[heap]";
		else if (v->flags & VMA_VDSO)
			name = "[vdso]";
		else if (v->flags & VMA_VVAR)
			name = "[vvar]";
		else if (v->file && v->file->path)
			name = v->file->path;
		int n = ksnprintf(buf + o, size - o, "%012lx-%012lx %c%c%c%c %08lx 00:00 %lu %s%s\n", v->start, v->end,
				  v->flags & VMA_READ ? 'r' : '-', v->flags & VMA_WRITE ? 'w' : '-',
				  v->flags & VMA_EXEC ? 'x' : '-', v->flags & VMA_SHARED ? 's' : 'p', v->offset,
				  v->file ? 1UL : 0UL, *name ? "                          " : "", name);
		o += n;
	}
	mutex_unlock(&vm_lock);
	return o < size ? (long)o : (long)size;
}

struct release_ctx { struct inode *ino; uint64_t pgoff; struct vma *v; };

static void drop_if_released(uint64_t va, uint64_t *pte, void *ctx)
{
	struct release_ctx *c = ctx;
	uint64_t pg = (c->v->offset + (va - c->v->start)) / PAGE_SIZE;
	/* Only the file's own pages: a private copy already made stays. */
	if (pg >= c->pgoff && (*pte & PTE_FOREIGN))
		drop_pte(va, pte, 0);
}

/* tmpfs is about to free the pages of ino from pgoff on (truncate, last
 * unlink): mappings must stop using them. A later access faults and gets
 * SIGBUS past the new end, or the new page. Lock order: inode, then vm
 * (the fault path takes vm then the inode only without sleeping between,
 * so on one CPU the two never wait on each other). */
/* Linux counts a shared mapping as writable when it *may* become writable
 * (VM_MAYWRITE: the descriptor was O_RDWR), whatever its current protection. */
bool mm_file_shared_writable(struct inode *ino)
{
	bool found = false;
	mutex_lock(&vm_lock);
	for (struct vma *v = vm.vmas.head; v && !found; v = v->next)
		found = v->file && v->file->inode == ino && (v->flags & VMA_SHARED) && (v->file->flags & 3) == 2;
	mutex_unlock(&vm_lock);
	return found;
}

void mm_file_pages_released(struct inode *ino, uint64_t pgoff)
{
	mutex_lock(&vm_lock);
	for (struct vma *v = vm.vmas.head; v; v = v->next) {
		if (!v->file || v->file->inode != ino)
			continue;
		struct release_ctx c = { ino, pgoff, v };
		paging_walk_range(root(), v->start, v->end, drop_if_released, &c);
	}
	mutex_unlock(&vm_lock);
}
