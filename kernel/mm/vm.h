/* The app's address space: its areas (mm/vma.h), demand paging, and the
 * operations behind mmap, munmap, mprotect, mremap, madvise and brk. One
 * process, so one address space, guarded by one mutex. */
#ifndef MM_VM_H
#define MM_VM_H
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include "mm/vma.h"

struct file;

#define VM_USER_TOP    0x00007ffffffff000ULL   /* like Linux's TASK_SIZE (last page unused) */
#define VM_MMAP_MIN    0x10000ULL              /* vm.mmap_min_addr */

struct vm_space {
	struct vma_list vmas;
	uint64_t mmap_base;      /* top-down allocations start below this */
	uint64_t brk_start, brk;
	uint64_t stack_top;
	uint64_t pages_resident; /* pages this space owns (RSS, minus file pages) */
	uint64_t pages_file;     /* file pages mapped without copying */
};
extern struct vm_space vm;

void vm_init(void);
/* Handles a page fault at addr (error code as the CPU gives it). Returns 0
 * when the page is now mapped, -EFAULT when no mapping covers addr, -EACCES
 * when the mapping forbids the access, -ENXIO past the end of a mapped file
 * (SIGBUS), -ENOMEM when no page is left. */
int vm_fault(uint64_t addr, uint64_t error);

/* mmap's core: prot is VMA_READ|WRITE|EXEC, flags VMA_SHARED etc. file may be
 * NULL. fixed: replace what is there; noreplace: fail with -EEXIST instead.
 * Returns the address or a negative errno. */
int64_t vm_map(uint64_t addr, uint64_t len, uint32_t prot, uint32_t flags, struct file *file, uint64_t offset,
	       bool fixed, bool noreplace);
int vm_unmap(uint64_t addr, uint64_t len);
int vm_protect(uint64_t addr, uint64_t len, uint32_t prot);
/* Drops the pages of [addr, addr+len): anonymous memory reads back as zeros. */
int vm_discard(uint64_t addr, uint64_t len);
int64_t vm_remap(uint64_t old_addr, uint64_t old_len, uint64_t new_len, bool may_move, bool fixed, uint64_t new_addr);
int64_t vm_set_brk(uint64_t addr);
/* Fills every page of [addr, addr+len) now (MAP_POPULATE, the loader). */
int vm_populate(uint64_t addr, uint64_t len, bool write);
/* Writes /proc/self/maps text; returns bytes (truncated at size). */
long vm_format_maps(char *buf, size_t size);

#endif
