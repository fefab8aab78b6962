/* /sys as a single-CPU machine shows it. glibc's get_nprocs() reads
 * devices/system/cpu/online and get_nprocs_conf() reads .../possible (then
 * counts the cpuN directories); without them both fall back to slower or
 * vaguer sources. Only what a real kernel would show goes here: no cgroup
 * files, since a Linux VM's root cgroup has no memory.max or cpu.max either. */
#include "fs/sysfs.h"
#include "fs/procfs.h"
#include "fs/vfs.h"
#include "lib/printf.h"

/* One CPU, number 0: its list ("0") and every id file read the same. */
static long gen_cpu0(char *buf, size_t size) { return ksnprintf(buf, size, "0\n"); }

static const struct { const char *path; long (*gen)(char *buf, size_t size); } files[] = {
	{ "devices/system/cpu/online", gen_cpu0 },
	{ "devices/system/cpu/possible", gen_cpu0 },
	{ "devices/system/cpu/present", gen_cpu0 },
	{ "devices/system/cpu/kernel_max", gen_cpu0 },
	{ "devices/system/cpu/cpu0/topology/core_id", gen_cpu0 },
	{ "devices/system/cpu/cpu0/topology/physical_package_id", gen_cpu0 },
	{ "devices/system/cpu/cpu0/topology/thread_siblings_list", gen_cpu0 },
	{ "devices/system/cpu/cpu0/topology/core_siblings_list", gen_cpu0 },
};

struct super *sysfs_new(void)
{
	struct super *sb = vfs_super_new("sysfs", "sysfs", SYSFS_MAGIC, 0, 0555);
	if (!sb)
		return NULL;
	for (unsigned i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (genfs_add(sb->root, files[i].path, files[i].gen))
			return NULL;
	sb->nocreate = true;
	return sb;
}
