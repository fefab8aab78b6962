/* /sys as a single-CPU machine shows it. glibc's get_nprocs() reads
 * devices/system/cpu/online and get_nprocs_conf() reads .../possible (then
 * counts the cpuN directories); without them both fall back to slower or
 * vaguer sources. Only what a real kernel would show goes here: no cgroup
 * files, since a Linux VM's root cgroup has no memory.max or cpu.max either. */
#include "fs/sysfs.h"
#include "fs/procfs.h"
#include "fs/vfs.h"
#include "lib/printf.h"

static long gen_cpu_list(char *buf, size_t size) { return ksnprintf(buf, size, "0\n"); }
static long gen_zero(char *buf, size_t size) { return ksnprintf(buf, size, "0\n"); }

static const struct { const char *path; long (*gen)(char *buf, size_t size); } files[] = {
	{ "devices/system/cpu/online", gen_cpu_list },
	{ "devices/system/cpu/possible", gen_cpu_list },
	{ "devices/system/cpu/present", gen_cpu_list },
	{ "devices/system/cpu/kernel_max", gen_zero },
	{ "devices/system/cpu/cpu0/topology/core_id", gen_zero },
	{ "devices/system/cpu/cpu0/topology/physical_package_id", gen_zero },
	{ "devices/system/cpu/cpu0/topology/thread_siblings_list", gen_cpu_list },
	{ "devices/system/cpu/cpu0/topology/core_siblings_list", gen_cpu_list },
};

struct super *sysfs_new(void)
{
	struct super *sb = vfs_super_new("sysfs", "sysfs", SYSFS_MAGIC, 0);
	if (!sb)
		return NULL;
	struct inode *root = vfs_inode_new(sb, S_IFDIR | 0555);
	if (!root)
		return NULL;
	root->nlink = 2;
	root->u.dir.parent = root;
	sb->root = root;
	for (unsigned i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (genfs_add(root, files[i].path, files[i].gen))
			return NULL;
	sb->nocreate = true;
	return sb;
}
