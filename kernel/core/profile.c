#include "core/profile.h"
#include "core/ksyms.h"
#include "core/log.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/percpu.h"
#include "lib/cmdline.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "lib/topn.h"

#define SLOTS 4096   /* distinct kernel RIPs kept; more count as "other" */

bool profile_on;
static uint64_t idle, user, kernel, other;
static struct { uint64_t rip, n; } slot[SLOTS];

void profile_init(void) { profile_on = cmdline_get(&kernel_cmdline, "unipack.profile") != 0; }

void profile_sample(const struct trap_frame *f)
{
	struct percpu *cpu = this_cpu();
	if (cpu->current == cpu->idle) {
		idle++;
		return;
	}
	if (f->cs & 3) {
		user++;
		return;
	}
	kernel++;
	uint32_t h = (uint32_t)((f->rip * 0x9e3779b97f4a7c15ULL) >> 52) % SLOTS;
	for (int probe = 0; probe < 16; probe++, h = (h + 1) % SLOTS) {
		if (slot[h].rip == f->rip || !slot[h].rip) {
			slot[h].rip = f->rip;
			slot[h].n++;
			return;
		}
	}
	other++;
}

void profile_report(void)
{
	if (!profile_on)
		return;
	/* Fold RIPs into functions: each slot's RIP becomes its function's start (one symbol
	 * lookup per slot), then the first slot of each function keeps the sum. */
	static const char *names[SLOTS];
	for (int i = 0; i < SLOTS; i++) {
		if (!slot[i].rip)
			continue;
		uint64_t off = 0;
		names[i] = ksyms_lookup(slot[i].rip, &off);
		slot[i].rip -= names[i] ? off : 0;
	}
	enum { TOP = 10 };
	const void *top_name[TOP];
	uint64_t top_n[TOP];
	int ntop = 0;
	for (int i = 0; i < SLOTS; i++) {
		if (!slot[i].rip)
			continue;
		uint64_t n = slot[i].n;
		for (int j = i + 1; j < SLOTS; j++)
			if (slot[j].rip == slot[i].rip) {
				n += slot[j].n;
				slot[j].rip = 0;
			}
		slot[i].rip = 0;
		topn_offer(top_n, top_name, &ntop, TOP, n, names[i] ? names[i] : "?");
	}
	char list[400];
	int len = 0;
	for (int i = 0; i < ntop && len < (int)sizeof(list) - 64; i++)
		len += ksnprintf(list + len, sizeof(list) - len, "%s%s %lu", i ? ";" : "", (const char *)top_name[i], top_n[i]);
	krecord("profile samples=%lu idle=%lu user=%lu kernel=%lu kernel_other=%lu top=\"%s\"", idle + user + kernel,
		idle, user, kernel, other, list);
}
