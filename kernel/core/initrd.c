#include "core/initrd.h"
#include "core/bootinfo.h"
#include "core/log.h"
#include "arch/x86_64/layout.h"
#include "lib/tar.h"
#include "mm/kmalloc.h"

const uint8_t *initrd_base;
uint64_t initrd_size;

void initrd_init(bool list)
{
	if (!boot_info.initrd_size) {
		krecord("initrd none");
		return;
	}
	initrd_base = phys_to_virt(boot_info.initrd_phys);
	initrd_size = boot_info.initrd_size;
	struct tar_mem mem = { initrd_base, initrd_size };
	struct tar_reader *r = kmalloc(sizeof(*r));
	struct tar_entry *e = kmalloc(sizeof(*e));
	if (!r || !e) {
		krecord("initrd error=nomem");
		return;
	}
	tar_reader_init(r, tar_mem_read, &mem, initrd_size);
	int n = 0, err;
	while ((err = tar_next(r, e)) == 1) {
		n++;
		if (!list)
			continue;
		if (e->type == TAR_FILE)
			krecord("initrd-entry type=f size=%lu offset=%lu path=%s", e->size, e->data_offset, e->path);
		else if (e->type == TAR_SYMLINK || e->type == TAR_HARDLINK)
			krecord("initrd-entry type=%c size=0 link=%s path=%s", e->type, e->link, e->path);
		else
			krecord("initrd-entry type=%c size=0 path=%s", e->type, e->path);
	}
	if (err < 0)
		krecord("initrd error=corrupt at=%lu", r->off);
	krecord("initrd addr=%#lx size=%lu entries=%d", boot_info.initrd_phys, initrd_size, n);
	kfree(r);
	kfree(e);
}
