/* Memory bring-up: turns the boot memory map into the physical allocator,
 * reserving what the kernel and the loader already occupy, then switches to
 * the kernel's own page tables. Prints the memmap and memory records. */
#include "mm/meminit.h"
#include "mm/pmm.h"
#include "core/bootinfo.h"
#include "core/log.h"
#include "core/panic.h"
#include "arch/x86_64/layout.h"
#include "arch/x86_64/paging.h"

extern char _kernel_phys_start[], _kernel_end[];

void mem_init(void)
{
	struct phys_range ram[BOOT_MAX_MEMMAP], resv[16];
	int nram = 0, nresv = 0;
	uint64_t max = 0;
	for (int i = 0; i < boot_info.memmap_count; i++) {
		const struct boot_memmap_entry *m = &boot_info.memmap[i];
		krecord("memmap addr=%#lx len=%#lx type=%u", m->addr, m->len, m->type);
		if (m->type != MEMMAP_RAM)
			continue;
		ram[nram++] = (struct phys_range){ m->addr, m->addr + m->len };
		if (m->addr + m->len > max)
			max = m->addr + m->len;
	}
	if (!nram)
		panic("the memory map has no RAM");
	/* Low 1 MiB: real-mode data, the MP table, firmware; never worth the risk. */
	resv[nresv++] = (struct phys_range){ 0, 0x100000 };
	resv[nresv++] = (struct phys_range){ (uint64_t)_kernel_phys_start, (uint64_t)_kernel_end - KERNEL_VMA };
	resv[nresv++] = (struct phys_range){ boot_info.start_info_phys, boot_info.start_info_phys + 4096 };
	if (boot_info.cmdline_len)
		resv[nresv++] = (struct phys_range){ boot_info.cmdline_phys, boot_info.cmdline_phys + boot_info.cmdline_len };
	if (boot_info.modlist_len)
		resv[nresv++] = (struct phys_range){ boot_info.modlist_phys, boot_info.modlist_phys + boot_info.modlist_len };
	resv[nresv++] = (struct phys_range){ boot_info.memmap_phys, boot_info.memmap_phys + boot_info.memmap_len };
	if (boot_info.initrd_size)
		resv[nresv++] = (struct phys_range){ boot_info.initrd_phys, boot_info.initrd_phys + boot_info.initrd_size };

	uint64_t bytes = pmm_bitmap_bytes(max);
	/* The boot page tables map only the low 4 GiB. */
	uint64_t at = pmm_find_region(ram, nram, resv, nresv, bytes, 0x100000);
	if (!at || at + bytes > (1ULL << 32))
		panic("no room for the page bitmap (%lu bytes)", bytes);
	resv[nresv++] = (struct phys_range){ at, at + bytes };
	pmm_init(phys_to_virt(at), ram, nram, resv, nresv);

	struct pmm_stats s;
	pmm_get_stats(&s);
	krecord("memory ram=%lu free=%lu reserved=%lu", s.ram_bytes, s.free_bytes, s.reserved_bytes);
	paging_init();
}
