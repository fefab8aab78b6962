/* /sys/devices/system/cpu, checked by invariants that hold on any Linux (the
 * host has more CPUs than the VM): the online list parses and agrees with
 * sysconf(_SC_NPROCESSORS_ONLN) and the affinity mask, every online CPU has
 * its cpuN directory, and /sys is a sysfs. */
#include "fs_common.h"
#include <dirent.h>
#include <sched.h>
#include <sys/vfs.h>

/* Counts a cpulist ("0", "0-3,8"); sets mark[i] for each listed CPU; -1 if malformed. */
static int parse_list(const char *s, char *mark, int max)
{
	int count = 0;
	while (*s && *s != '\n') {
		char *end;
		long a = strtol(s, &end, 10), b = a;
		if (end == s)
			return -1;
		if (*end == '-') {
			s = end + 1;
			b = strtol(s, &end, 10);
			if (end == s || b < a)
				return -1;
		}
		for (long i = a; i <= b && i < max; i++)
			mark[i] = 1;
		count += (int)(b - a + 1);
		s = *end == ',' ? end + 1 : end;
	}
	return count;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	char buf[256] = { 0 }, online[1024] = { 0 };
	FILE *f = fopen("/sys/devices/system/cpu/online", "r");
	expect("open online", f ? 0 : -1, "0");
	if (!f)
		return finish();
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	int n = parse_list(buf, online, sizeof(online));
	expect("online parses", n > 0, "1");
	expect("online == sysconf", n == sysconf(_SC_NPROCESSORS_ONLN), "1");
	cpu_set_t set;
	CPU_ZERO(&set);
	sched_getaffinity(0, sizeof(set), &set);
	expect("affinity within online", CPU_COUNT(&set) <= n, "1");
	int missing = 0;
	for (int i = 0; i < (int)sizeof(online); i++) {
		if (!online[i])
			continue;
		char path[64];
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d", i);
		DIR *d = opendir(path);
		missing += !d;
		if (d)
			closedir(d);
	}
	expect("cpuN dirs missing", missing, "0");
	f = fopen("/sys/devices/system/cpu/possible", "r");
	char possible[1024] = { 0 };
	int p = -1;
	if (f && fgets(buf, sizeof(buf), f))
		p = parse_list(buf, possible, sizeof(possible));
	if (f)
		fclose(f);
	expect("possible >= online", p >= n, "1");
	struct statfs sf;
	expect("statfs /sys", statfs("/sys", &sf), "0");
	expect("sysfs magic", sf.f_type == 0x62656572, "1");
	expect("write refused", open("/sys/devices/system/cpu/online", O_WRONLY) >= 0 ? 0 : -1, "EACCES");
	return finish();
}
