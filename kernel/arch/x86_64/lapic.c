#include "arch/x86_64/lapic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/trap.h"

enum {
	REG_ID = 0x20, REG_EOI = 0xb0, REG_SVR = 0xf0, REG_TPR = 0x80, REG_LVT_TIMER = 0x320,
	REG_LVT_LINT0 = 0x350, REG_LVT_LINT1 = 0x360, REG_LVT_ERROR = 0x370,
	REG_TIMER_INIT = 0x380, REG_TIMER_CUR = 0x390, REG_TIMER_DIV = 0x3e0,
};
#define LVT_MASKED   (1u << 16)
#define LVT_PERIODIC (1u << 17)

static volatile uint32_t *regs;
uint64_t lapic_timer_hz;

static inline uint32_t rd(int reg) { return regs[reg / 4]; }
static inline void wr(int reg, uint32_t v) { regs[reg / 4] = v; }

void lapic_init(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);
	uint64_t pa = base & 0xffffff000ULL;
	wrmsr(MSR_APIC_BASE, base | (1 << 11));   /* global enable */
	regs = paging_map_mmio(pa, 4096);
	wr(REG_TPR, 0);
	wr(REG_LVT_ERROR, LVT_MASKED);
	wr(REG_LVT_TIMER, LVT_MASKED);
	wr(REG_SVR, 0x100 | VEC_SPURIOUS);        /* software enable */
	wr(REG_TIMER_DIV, 0xb);                   /* divide by 1 */
}

void lapic_eoi(void) { wr(REG_EOI, 0); }
uint32_t lapic_id(void) { return rd(REG_ID) >> 24; }

void lapic_timer_oneshot(uint32_t count, int vector)
{
	wr(REG_TIMER_DIV, 0xb);
	wr(REG_LVT_TIMER, vector);
	wr(REG_TIMER_INIT, count);
}

void lapic_timer_periodic(uint32_t hz, int vector)
{
	wr(REG_TIMER_DIV, 0xb);
	wr(REG_LVT_TIMER, vector | LVT_PERIODIC);
	wr(REG_TIMER_INIT, (uint32_t)(lapic_timer_hz / hz));
}

void lapic_timer_periodic_count(uint32_t count, int vector)
{
	wr(REG_TIMER_DIV, 0xb);
	wr(REG_LVT_TIMER, vector | LVT_PERIODIC);
	wr(REG_TIMER_INIT, count);
}

uint32_t lapic_timer_current(void) { return rd(REG_TIMER_CUR); }

void lapic_timer_stop(void)
{
	wr(REG_LVT_TIMER, LVT_MASKED);
	wr(REG_TIMER_INIT, 0);
}
