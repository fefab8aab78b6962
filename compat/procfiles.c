/* The /proc files that describe the process, memory and CPU, in the
 * formats proc(5) gives them: what libuv (uv_resident_set_memory,
 * uv_get_total/free_memory, uv_cpu_info, uv_uptime), glibc
 * (pthread_getattr_np reads /proc/self/maps) and V8 read. */
#include "fs/procfs.h"
#include "mm/vm.h"
#include "mm/pmm.h"
#include "sched/thread.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/clock.h"
#include "core/time.h"
#include "lib/printf.h"
#include "lib/string.h"

static const char *comm(void)
{
	const char *p = proc_exe_path ? proc_exe_path : "unipack";
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static uint64_t vm_size(void)
{
	uint64_t total = 0;
	for (struct vma *v = vm.vmas.head; v; v = v->next)
		total += v->end - v->start;
	return total;
}

static uint64_t clock_ticks(uint64_t ns) { return ns / (NSEC_PER_SEC / 100); }   /* USER_HZ = 100 */

static long gen_maps(char *buf, size_t size) { return vm_format_maps(buf, size); }

static long gen_stat(char *buf, size_t size)
{
	uint64_t cpu = time_cputime_ns(0);
	struct thread *main = thread_find(1);   /* priority and nice are the main thread's, as on Linux */
	int nice = main ? main->nice : 0;
	return ksnprintf(buf, size,
			 "1 (%.15s) R 0 1 1 0 -1 4194560 0 0 0 0 %lu 0 0 0 %d %d %d 0 0 %lu %lu 18446744073709551615 "
			 "0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
			 comm(), clock_ticks(cpu), 20 + nice, nice, thread_count(), vm_size(), vm.pages_resident + vm.pages_file);
}

static long gen_statm(char *buf, size_t size)
{
	return ksnprintf(buf, size, "%lu %lu %lu 0 0 0 0\n", vm_size() / 4096, vm.pages_resident + vm.pages_file,
			 vm.pages_file);
}

static long gen_status(char *buf, size_t size)
{
	return ksnprintf(buf, size,
			 "Name:\t%.15s\nUmask:\t0022\nState:\tR (running)\nTgid:\t1\nNgid:\t0\nPid:\t1\nPPid:\t0\n"
			 "TracerPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t64\nGroups:\t\n"
			 "VmPeak:\t%8lu kB\nVmSize:\t%8lu kB\nVmRSS:\t%8lu kB\nRssAnon:\t%8lu kB\nRssFile:\t%8lu kB\n"
			 "Threads:\t%d\nSigQ:\t0/63446\nCpus_allowed:\t1\nCpus_allowed_list:\t0\n",
			 comm(), vm_size() / 1024, vm_size() / 1024, (vm.pages_resident + vm.pages_file) * 4,
			 vm.pages_resident * 4, vm.pages_file * 4, thread_count());
}

static long gen_meminfo(char *buf, size_t size)
{
	struct pmm_stats s;
	pmm_get_stats(&s);
	uint64_t total = s.ram_bytes / 1024, free = s.free_bytes / 1024;
	return ksnprintf(buf, size,
			 "MemTotal:       %8lu kB\nMemFree:        %8lu kB\nMemAvailable:   %8lu kB\n"
			 "Buffers:               0 kB\nCached:                0 kB\nSwapCached:            0 kB\n"
			 "Active:         %8lu kB\nInactive:              0 kB\nSwapTotal:             0 kB\n"
			 "SwapFree:              0 kB\nShmem:                 0 kB\nCommitLimit:    %8lu kB\n"
			 "Committed_AS:   %8lu kB\nHugePages_Total:       0\nHugePages_Free:        0\n"
			 "Hugepagesize:       2048 kB\n",
			 total, free, free, total - free, total, total - free);
}

static long gen_cpuinfo(char *buf, size_t size)
{
	uint32_t a, b, c, d;
	char brand[49];
	memset(brand, 0, sizeof(brand));
	cpuid(0x80000000, 0, &a, &b, &c, &d);
	if (a >= 0x80000004)
		for (uint32_t i = 0; i < 3; i++)
			cpuid(0x80000002 + i, 0, (uint32_t *)(brand + 16 * i), (uint32_t *)(brand + 16 * i + 4),
			      (uint32_t *)(brand + 16 * i + 8), (uint32_t *)(brand + 16 * i + 12));
	char vendor[13];
	cpuid(0, 0, &a, &b, &c, &d);
	memcpy(vendor, &b, 4);
	memcpy(vendor + 4, &d, 4);
	memcpy(vendor + 8, &c, 4);
	vendor[12] = 0;
	cpuid(1, 0, &a, &b, &c, &d);
	const char *name = brand;
	while (*name == ' ')
		name++;
	return ksnprintf(buf, size,
			 "processor\t: 0\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\nmodel name\t: %s\n"
			 "stepping\t: %u\ncpu MHz\t\t: %lu.%03lu\ncache size\t: 512 KB\nphysical id\t: 0\n"
			 "siblings\t: 1\ncore id\t\t: 0\ncpu cores\t: 1\napicid\t\t: 0\nfpu\t\t: yes\n"
			 "flags\t\t: fpu sse sse2 ssse3 sse4_1 sse4_2 avx avx2 rdrand\nbogomips\t: %lu.00\n"
			 "clflush size\t: 64\naddress sizes\t: 40 bits physical, 48 bits virtual\n\n",
			 vendor, ((a >> 8) & 15) + ((a >> 20) & 255), ((a >> 4) & 15) | ((a >> 12) & 0xf0),
			 *name ? name : "QEMU Virtual CPU", a & 15, tsc_hz / 1000000, (tsc_hz / 1000) % 1000,
			 2 * tsc_hz / 1000000);
}

static long gen_proc_stat(char *buf, size_t size)
{
	uint64_t up = clock_ticks(time_monotonic_ns());
	uint64_t busy = clock_ticks(time_cputime_ns(0));
	uint64_t idle = up > busy ? up - busy : 0;
	return ksnprintf(buf, size,
			 "cpu  %lu 0 0 %lu 0 0 0 0 0 0\ncpu0 %lu 0 0 %lu 0 0 0 0 0 0\nintr 0\nctxt 0\nbtime %ld\n"
			 "processes 1\nprocs_running 1\nprocs_blocked 0\n",
			 busy, idle, busy, idle, (time_realtime_ns() - (int64_t)time_monotonic_ns()) / (int64_t)NSEC_PER_SEC);
}

static long gen_uptime(char *buf, size_t size)
{
	uint64_t up = time_monotonic_ns(), busy = time_cputime_ns(0);
	uint64_t idle = up > busy ? up - busy : 0;
	uint64_t cs_up = up / 10000000, cs_idle = idle / 10000000;   /* hundredths of a second */
	return ksnprintf(buf, size, "%lu.%02lu %lu.%02lu\n", cs_up / 100, cs_up % 100, cs_idle / 100, cs_idle % 100);
}

static long gen_loadavg(char *buf, size_t size)
{
	return ksnprintf(buf, size, "0.00 0.00 0.00 1/%d 1\n", thread_count());
}

static long gen_version(char *buf, size_t size)
{
	return ksnprintf(buf, size, "Linux version 6.1.0-unipack (unipack " UNIPACK_VERSION ") #1 SMP PREEMPT_DYNAMIC\n");
}

void rlimit_get(unsigned resource, uint64_t *cur, uint64_t *max);

/* proc(5) /proc/pid/limits: the table prom-client and ulimit-minded tools read. */
static long gen_limits(char *buf, size_t size)
{
	static const struct { const char *name, *unit; } rows[16] = {
		{ "Max cpu time", "seconds" }, { "Max file size", "bytes" }, { "Max data size", "bytes" },
		{ "Max stack size", "bytes" }, { "Max core file size", "bytes" }, { "Max resident set", "bytes" },
		{ "Max processes", "processes" }, { "Max open files", "files" }, { "Max locked memory", "bytes" },
		{ "Max address space", "bytes" }, { "Max file locks", "locks" }, { "Max pending signals", "signals" },
		{ "Max msgqueue size", "bytes" }, { "Max nice priority", "" }, { "Max realtime priority", "" },
		{ "Max realtime timeout", "us" },
	};
	long o = ksnprintf(buf, size, "%-25s %-20s %-20s %-10s\n", "Limit", "Soft Limit", "Hard Limit", "Units");
	for (unsigned i = 0; i < 16; i++) {
		uint64_t cur, max;
		rlimit_get(i, &cur, &max);
		char c[24], m[24];
		if (cur == ~0ULL)
			ksnprintf(c, sizeof(c), "unlimited");
		else
			ksnprintf(c, sizeof(c), "%lu", cur);
		if (max == ~0ULL)
			ksnprintf(m, sizeof(m), "unlimited");
		else
			ksnprintf(m, sizeof(m), "%lu", max);
		o += ksnprintf(buf + (o < (long)size ? o : (long)size), o < (long)size ? size - o : 0, "%-25s %-20s %-20s %-10s\n",
			       rows[i].name, c, m, rows[i].unit);
	}
	return o;
}

extern char *exec_cmdline, *exec_environ;
extern size_t exec_cmdline_len, exec_environ_len;

static long copy_out(char *buf, size_t size, const char *src, size_t len)
{
	if (src)
		memcpy(buf, src, len < size ? len : size);
	return (long)len;
}

static long gen_cmdline(char *buf, size_t size) { return copy_out(buf, size, exec_cmdline, exec_cmdline_len); }
static long gen_environ(char *buf, size_t size) { return copy_out(buf, size, exec_environ, exec_environ_len); }

static long gen_overcommit(char *buf, size_t size) { return ksnprintf(buf, size, "0\n"); }
static long gen_pid_max(char *buf, size_t size) { return ksnprintf(buf, size, "4194304\n"); }
static long gen_somaxconn(char *buf, size_t size) { return ksnprintf(buf, size, "4096\n"); }
static long gen_cgroup(char *buf, size_t size) { return ksnprintf(buf, size, "0::/\n"); }

void procfiles_init(void)
{
	procfs_register("self/maps", gen_maps);
	procfs_register("self/stat", gen_stat);
	procfs_register("self/statm", gen_statm);
	procfs_register("self/status", gen_status);
	procfs_register("self/cgroup", gen_cgroup);
	procfs_register("self/limits", gen_limits);
	procfs_register("self/cmdline", gen_cmdline);
	procfs_register("self/environ", gen_environ);
	procfs_register("meminfo", gen_meminfo);
	procfs_register("cpuinfo", gen_cpuinfo);
	procfs_register("stat", gen_proc_stat);
	procfs_register("uptime", gen_uptime);
	procfs_register("loadavg", gen_loadavg);
	procfs_register("version", gen_version);
	procfs_register("sys/vm/overcommit_memory", gen_overcommit);
	procfs_register("sys/kernel/pid_max", gen_pid_max);
	procfs_register("sys/net/core/somaxconn", gen_somaxconn);
}
