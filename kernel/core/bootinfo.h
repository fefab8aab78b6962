/* What the boot protocol told us, in a protocol-neutral form: filled by
 * arch/x86_64/pvh.c, read by memory set-up, the command line and the root
 * filesystem. Physical addresses throughout. */
#ifndef CORE_BOOTINFO_H
#define CORE_BOOTINFO_H
#include <stdint.h>

#define BOOT_MAX_MEMMAP 64
#define MEMMAP_RAM 1

struct boot_memmap_entry { uint64_t addr, len; uint32_t type; };

struct boot_info {
	struct boot_memmap_entry memmap[BOOT_MAX_MEMMAP];
	int memmap_count;
	uint64_t start_info_phys;
	uint64_t cmdline_phys, cmdline_len;
	uint64_t modlist_phys, modlist_len;
	uint64_t memmap_phys, memmap_len;
	uint64_t initrd_phys, initrd_size;   /* 0 when none */
	uint64_t rsdp_phys;                  /* 0 when the loader gave none */
	const char *cmdline;                 /* direct-map pointer, or "" */
};

extern struct boot_info boot_info;

#endif
