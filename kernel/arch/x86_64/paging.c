#include "arch/x86_64/paging.h"
#include "arch/x86_64/layout.h"
#include "arch/x86_64/cpu.h"
#include "core/bootinfo.h"
#include "core/panic.h"
#include "mm/page.h"
#include "lib/errno.h"
#include "lib/string.h"

bool cpu_has_smap, cpu_has_smep, cpu_has_nx, cpu_has_1g_pages;
static uint64_t kernel_root;
static uint64_t dmap_end;   /* physical end of the direct map */

extern char _text[], _etext[], _rodata[], _erodata[], _data[], _kernel_end[];

uint64_t paging_kernel_root(void) { return kernel_root; }

static uint64_t *table(uint64_t entry) { return phys_to_virt(entry & PTE_ADDR); }

static uint64_t *next_level(uint64_t *t, int idx, bool create, uint64_t va)
{
	if (!(t[idx] & PTE_P)) {
		if (!create)
			return 0;
		void *p = page_alloc(1);
		if (!p)
			return 0;
		/* Intermediate levels allow everything; the leaf decides. */
		t[idx] = virt_to_phys(p) | PTE_P | PTE_W | (va < DMAP_BASE ? PTE_U : 0);
	}
	if (t[idx] & PTE_PS)
		return 0;
	return table(t[idx]);
}

uint64_t *paging_pte(uint64_t root, uint64_t va, bool create)
{
	uint64_t *t = phys_to_virt(root);
	for (int shift = 39; shift > 12; shift -= 9) {
		t = next_level(t, (va >> shift) & 511, create, va);
		if (!t)
			return 0;
	}
	return &t[(va >> 12) & 511];
}

int paging_map(uint64_t root, uint64_t va, uint64_t pa, uint64_t flags)
{
	uint64_t *pte = paging_pte(root, va, true);
	if (!pte)
		return -ENOMEM;
	*pte = (pa & PTE_ADDR) | flags | PTE_P;
	return 0;
}

static bool overlaps_ram(uint64_t a, uint64_t b)
{
	for (int i = 0; i < boot_info.memmap_count; i++) {
		const struct boot_memmap_entry *m = &boot_info.memmap[i];
		if (m->type == MEMMAP_RAM && a < m->addr + m->len && m->addr < b)
			return true;
	}
	return false;
}

/* Direct map with 2 MiB pages: RAM write-back; below 4 GiB the non-RAM
 * holes are device memory and mapped uncached. */
static void map_direct(uint64_t *pml4)
{
	uint64_t end = 1ULL << 32;
	for (int i = 0; i < boot_info.memmap_count; i++) {
		uint64_t e = boot_info.memmap[i].addr + boot_info.memmap[i].len;
		if (boot_info.memmap[i].type == MEMMAP_RAM && e > end)
			end = e;
	}
	end = (end + (2ULL << 20) - 1) & ~((2ULL << 20) - 1);
	dmap_end = end;
	for (uint64_t pa = 0; pa < end; pa += 2ULL << 20) {
		bool ram = overlaps_ram(pa, pa + (2ULL << 20));
		if (!ram && pa >= (1ULL << 32))
			continue;
		uint64_t va = DMAP_BASE + pa;
		uint64_t *pdpt = next_level(pml4, (va >> 39) & 511, true, va);
		uint64_t *pd = pdpt ? next_level(pdpt, (va >> 30) & 511, true, va) : 0;
		if (!pd)
			panic("out of memory building the direct map");
		pd[(va >> 21) & 511] = pa | PTE_P | PTE_W | PTE_PS | PTE_G | PTE_NX | (ram ? 0 : PTE_PCD | PTE_PWT);
	}
}

static void map_image(uint64_t root, const char *from, const char *to, uint64_t flags)
{
	for (uint64_t va = (uint64_t)from; va < (uint64_t)to; va += PAGE_SIZE)
		if (paging_map(root, va, va - KERNEL_VMA, flags | PTE_G))
			panic("out of memory mapping the kernel");
}

void paging_init(void)
{
	uint32_t a, b, c, d;
	cpuid(7, 0, &a, &b, &c, &d);
	cpu_has_smep = b & (1 << 7);
	cpu_has_smap = b & (1 << 20);
	cpuid(0x80000001, 0, &a, &b, &c, &d);
	cpu_has_nx = d & (1 << 20);
	cpu_has_1g_pages = d & (1 << 26);

	uint64_t *pml4 = page_alloc(1);
	if (!pml4)
		panic("out of memory for the kernel page tables");
	kernel_root = virt_to_phys(pml4);
	/* One process, one address space: the app's lower half lives in this
	 * same PML4, so the kernel half needs no pre-created, shared PDPTs. */
	map_direct(pml4);
	map_image(kernel_root, _text, _etext, 0);
	map_image(kernel_root, _rodata, _erodata, PTE_NX);
	map_image(kernel_root, _data, _kernel_end, PTE_W | PTE_NX);

	uint64_t cr4 = read_cr4() | CR4_PGE;
	if (cpu_has_smep)
		cr4 |= CR4_SMEP;
	if (cpu_has_smap)
		cr4 |= CR4_SMAP;
	write_cr3(kernel_root);
	write_cr4(cr4);
}

void *paging_map_mmio(uint64_t pa, uint64_t len)
{
	/* Below 4 GiB the direct map already covers device holes, uncached. */
	if (pa + len <= (1ULL << 32) && !overlaps_ram(pa, pa + len))
		return phys_to_virt(pa);
	for (uint64_t p = pa & ~(uint64_t)(PAGE_SIZE - 1); p < pa + len; p += PAGE_SIZE) {
		if (p < dmap_end && overlaps_ram(p, p + PAGE_SIZE))
			panic("mmio %#lx overlaps RAM", p);
		if (paging_map(kernel_root, DMAP_BASE + p, p, PTE_W | PTE_NX | PTE_PCD | PTE_PWT | PTE_G))
			panic("out of memory mapping mmio");
		paging_flush(DMAP_BASE + p);
	}
	return phys_to_virt(pa);
}

void paging_walk_range(uint64_t root, uint64_t start, uint64_t end,
		       void (*fn)(uint64_t va, uint64_t *pte, void *ctx), void *ctx)
{
	uint64_t va = start & ~(uint64_t)(PAGE_SIZE - 1);
	uint64_t *pml4 = phys_to_virt(root);
	while (va < end) {
		uint64_t e4 = pml4[(va >> 39) & 511];
		if (!(e4 & PTE_P)) {
			va = (va | ((1ULL << 39) - 1)) + 1;
			continue;
		}
		uint64_t e3 = table(e4)[(va >> 30) & 511];
		if (!(e3 & PTE_P) || (e3 & PTE_PS)) {
			va = (va | ((1ULL << 30) - 1)) + 1;
			continue;
		}
		uint64_t e2 = table(e3)[(va >> 21) & 511];
		if (!(e2 & PTE_P) || (e2 & PTE_PS)) {
			va = (va | ((1ULL << 21) - 1)) + 1;
			continue;
		}
		uint64_t *pt = table(e2);
		for (int i = (va >> 12) & 511; i < 512 && va < end; i++, va += PAGE_SIZE)
			if (pt[i] & PTE_P)
				fn(va, &pt[i], ctx);
	}
}
