/* /proc/self/mountinfo against /proc/mounts, checked by invariants that hold
 * on any Linux (the host's mounts differ from the VM's, so the output is only
 * "ok" lines): same mount points and types in the same order, unique ids,
 * every parent id is a listed mount except the root mount's, and /proc's
 * major:minor is what stat(2) says. */
#include "fs_common.h"
#include <sys/sysmacros.h>

#define MAX_MOUNTS 512

struct info { int id, parent; unsigned maj, min; char point[256], type[64]; };

static struct info infos[MAX_MOUNTS];
static char points[MAX_MOUNTS][256], types[MAX_MOUNTS][64];

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	FILE *f = fopen("/proc/self/mountinfo", "r");
	expect("open mountinfo", f ? 0 : -1, "0");
	if (!f)
		return finish();
	char line[4096];
	int n = 0, bad = 0;
	while (n < MAX_MOUNTS && fgets(line, sizeof(line), f)) {
		struct info *m = &infos[n];
		char root[256], opts[256];
		if (sscanf(line, "%d %d %u:%u %255s %255s %255s", &m->id, &m->parent, &m->maj, &m->min, root, m->point, opts) != 7)
			bad++;
		char *dash = strstr(line, " - ");
		if (!dash || sscanf(dash + 3, "%63s", m->type) != 1)
			bad++;
		n++;
	}
	fclose(f);
	expect("malformed lines", bad, "0");
	f = fopen("/proc/mounts", "r");
	int k = 0;
	while (f && k < MAX_MOUNTS && fgets(line, sizeof(line), f)) {
		char src[256];
		if (sscanf(line, "%255s %255s %63s", src, points[k], types[k]) == 3)
			k++;
	}
	if (f)
		fclose(f);
	expect("as many lines as /proc/mounts", n == k, "1");
	int mismatched = 0, dup = 0, orphans = 0;
	for (int i = 0; i < n && i < k; i++)
		mismatched += strcmp(infos[i].point, points[i]) || strcmp(infos[i].type, types[i]);
	for (int i = 0; i < n; i++) {
		int has_parent = 0;
		for (int j = 0; j < n; j++) {
			dup += j != i && infos[j].id == infos[i].id;
			has_parent |= infos[j].id == infos[i].parent;
		}
		orphans += strcmp(infos[i].point, "/") && !has_parent;
	}
	expect("same points and types in order", mismatched, "0");
	expect("duplicate ids", dup, "0");
	expect("parents not listed", orphans, "0");
	struct stat st;
	stat("/proc", &st);
	int proc_dev_ok = 0;
	for (int i = 0; i < n; i++)
		if (!strcmp(infos[i].point, "/proc"))
			proc_dev_ok = infos[i].maj == major(st.st_dev) && infos[i].min == minor(st.st_dev);
	expect("/proc dev matches stat", proc_dev_ok, "1");
	return finish();
}
