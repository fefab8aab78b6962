/* Virtual memory areas of the app's address space: a sorted list of
 * non-overlapping [start, end) ranges with protections and backing. This
 * file is pure bookkeeping (host-tested); mm/vm.c applies it to page tables. */
#ifndef MM_VMA_H
#define MM_VMA_H
#include <stdint.h>
#include <stdbool.h>

struct file;

#define VMA_READ    0x1
#define VMA_WRITE   0x2
#define VMA_EXEC    0x4
#define VMA_SHARED  0x100   /* MAP_SHARED: writes go to the file's own pages */
#define VMA_STACK   0x200   /* the main thread's stack ([stack] in maps) */
#define VMA_HEAP    0x400   /* brk area ([heap]) */
#define VMA_VDSO    0x800
#define VMA_VVAR    0x1000

struct vma {
	uint64_t start, end;
	uint32_t flags;          /* VMA_* */
	struct file *file;       /* NULL: anonymous */
	uint64_t offset;         /* file offset of start */
	struct vma *next;
};

struct vma_list {
	struct vma *head;
	struct vma *cache;       /* last lookup hit */
	uint64_t count;
};

/* Hooks so the same code runs in the kernel and in host tests. */
struct vma *vma_alloc(void);
void vma_free(struct vma *v);
void vma_file_ref(struct file *f);     /* a new vma shares f */
void vma_file_unref(struct file *f);

/* The area containing addr, or NULL. */
struct vma *vma_find(struct vma_list *l, uint64_t addr);
/* True when some area overlaps [start, end). */
bool vma_overlaps(struct vma_list *l, uint64_t start, uint64_t end);
/* Inserts v (must not overlap); merges with equal neighbours. */
void vma_insert(struct vma_list *l, struct vma *v);
/* Merges every pair of adjacent areas that are alike. */
void vma_merge_adjacent(struct vma_list *l);
/* Splits areas so that start and end fall on area boundaries; -ENOMEM on failure. */
int vma_split_at(struct vma_list *l, uint64_t start, uint64_t end);
/* Removes and frees every area inside [start, end) (call vma_split_at first). */
void vma_remove_range(struct vma_list *l, uint64_t start, uint64_t end);
/* Highest free gap of len bytes, aligned to align, inside [lo, hi); 0 if none. */
uint64_t vma_find_gap_topdown(struct vma_list *l, uint64_t len, uint64_t align, uint64_t lo, uint64_t hi);

#endif
