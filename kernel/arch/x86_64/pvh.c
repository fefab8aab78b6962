/* Reads the PVH hvm_start_info (xen/include/public/arch-x86/hvm/start_info.h,
 * version 1) into struct boot_info. Runs with the boot page tables, where the
 * direct map covers the low 4 GiB that QEMU places all of this in. */
#include "core/bootinfo.h"
#include "core/panic.h"
#include "arch/x86_64/layout.h"
#include "lib/string.h"

#define HVM_START_MAGIC 0x336ec578

struct hvm_start_info {
	uint32_t magic, version, flags, nr_modules;
	uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
	uint32_t memmap_entries, reserved;
};
struct hvm_modlist_entry { uint64_t paddr, size, cmdline_paddr, reserved; };
struct hvm_memmap_entry { uint64_t addr, size; uint32_t type, reserved; };
_Static_assert(sizeof(struct hvm_start_info) == 56, "start_info v1 layout");

struct boot_info boot_info;

void pvh_parse(uint64_t start_info_phys)
{
	const struct hvm_start_info *si = phys_to_virt(start_info_phys);
	if (si->magic != HVM_START_MAGIC)
		panic("not started through PVH (start_info magic %#x)", si->magic);
	boot_info.start_info_phys = start_info_phys;
	boot_info.cmdline = "";
	if (si->cmdline_paddr) {
		boot_info.cmdline = phys_to_virt(si->cmdline_paddr);
		boot_info.cmdline_phys = si->cmdline_paddr;
		boot_info.cmdline_len = strlen(boot_info.cmdline) + 1;
	}
	if (si->nr_modules && si->modlist_paddr) {
		const struct hvm_modlist_entry *m = phys_to_virt(si->modlist_paddr);
		boot_info.modlist_phys = si->modlist_paddr;
		boot_info.modlist_len = si->nr_modules * sizeof(*m);
		boot_info.initrd_phys = m[0].paddr;
		boot_info.initrd_size = m[0].size;
	}
	boot_info.rsdp_phys = si->rsdp_paddr;
	if (si->version < 1 || !si->memmap_paddr || !si->memmap_entries)
		panic("the loader passed no memory map (start_info version %u)", si->version);
	const struct hvm_memmap_entry *mm = phys_to_virt(si->memmap_paddr);
	boot_info.memmap_phys = si->memmap_paddr;
	boot_info.memmap_len = si->memmap_entries * sizeof(*mm);
	for (uint32_t i = 0; i < si->memmap_entries && boot_info.memmap_count < BOOT_MAX_MEMMAP; i++) {
		if (mm[i].size == 0)   /* qboot ends its map with an all-zero entry */
			continue;
		boot_info.memmap[boot_info.memmap_count++] =
			(struct boot_memmap_entry){ mm[i].addr, mm[i].size, mm[i].type };
	}
}
