#include "core/ksyms.h"
#include "core/log.h"
#include "arch/x86_64/trap.h"

struct ksym { uint64_t addr, name; };
extern const uint64_t ksym_count;
extern const struct ksym ksym_table[];
extern const char ksym_strings[];
extern const char _text[], _etext[];

const char *ksyms_lookup(uint64_t addr, uint64_t *offset)
{
	if (addr < (uint64_t)_text || addr >= (uint64_t)_etext || ksym_count == 0)
		return 0;
	uint64_t lo = 0, hi = ksym_count;
	while (hi - lo > 1) {
		uint64_t mid = (lo + hi) / 2;
		if (ksym_table[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (ksym_table[lo].addr > addr)
		return 0;
	*offset = addr - ksym_table[lo].addr;
	return ksym_strings + ksym_table[lo].name;
}

static void print_frame(int i, uint64_t addr)
{
	uint64_t off = 0;
	const char *name = ksyms_lookup(addr, &off);
	if (name)
		kprintf("    #%d %#018lx %s+%#lx\n", i, addr, name, off);
	else
		kprintf("    #%d %#018lx ?\n", i, addr);
}

static int is_return_address(uint64_t a)
{
	uint64_t off;
	uint64_t insn;
	if (!ksyms_lookup(a, &off) || probe_read_u64((const uint64_t *)(a - 8), &insn))
		return 0;
	return ((insn >> 24) & 0xff) == 0xe8;   /* a rel32 call ends right before a */
}

void ksyms_backtrace_ex(uint64_t rip, uint64_t rbp, uint64_t rsp)
{
	kprintf("  backtrace:\n");
	int i = 0;
	if (rip)
		print_frame(i++, rip);
	/* GCC sets up no frame in leaf functions that use no stack, so the
	 * caller is then only visible as the return address at [rsp]. */
	uint64_t top, caller;
	if (rsp && !probe_read_u64((const uint64_t *)rsp, &top) && is_return_address(top) &&
	    (probe_read_u64((const uint64_t *)(rbp + 8), &caller) || caller != top))
		print_frame(i++, top);
	while (i < 32 && rbp) {
		uint64_t next, ret;
		if ((rbp & 7) || rbp < 0xffff800000000000ULL)
			break;
		if (probe_read_u64((const uint64_t *)rbp, &next) || probe_read_u64((const uint64_t *)(rbp + 8), &ret))
			break;
		if (!ret)
			break;
		/* ret points after the call; rip-1 names the calling line's function. */
		print_frame(i++, ret);
		if (next <= rbp)
			break;
		rbp = next;
	}
}

void ksyms_backtrace(uint64_t rip, uint64_t rbp)
{
	ksyms_backtrace_ex(rip, rbp, 0);
}
