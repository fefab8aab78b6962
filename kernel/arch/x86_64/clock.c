#include "arch/x86_64/clock.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/pit.h"
#include "arch/x86_64/trap.h"
#include "core/panic.h"

#define VEC_CALIBRATE 0x21
#define TARGET_PIT_COUNTS 5966   /* 5 ms per sample; the median of three */

uint64_t tsc_hz;
uint64_t idle_tsc;

void cpu_idle_wait(void)
{
	uint64_t t0 = rdtsc();
	cpu_wait_for_irq();
	idle_tsc += rdtsc() - t0;
}
static volatile int fired;

static void calibrate_irq(struct trap_frame *f) { fired = 1; }

/* One measurement: LAPIC periodic countdown of count ticks, halted until it
 * fires. Reads PIT-TSC-PIT at both ends; a sample whose brackets are wide
 * (the host descheduled the vCPU while we read) is refused. Returns 0 with
 * the PIT counts, TSC ticks and LAPIC ticks elapsed, or -1. */
static uint16_t max_bracket = 120;
static uint32_t last_w0, last_w1, last_dp;   /* 100 µs: 2 % of a sample at worst, ~0.2 % as usual */

static int sample(uint64_t count, uint32_t *dp, uint64_t *dtsc, uint64_t *dlapic)
{
	fired = 0;
	uint16_t a0 = pit_read();
	uint64_t t0 = rdtsc();
	uint16_t b0 = pit_read();
	lapic_timer_periodic_count((uint32_t)count, VEC_CALIBRATE);
	while (!fired)
		cpu_idle_wait();
	uint32_t cur = lapic_timer_current();
	uint16_t a1 = pit_read();
	uint64_t t1 = rdtsc();
	uint16_t b1 = pit_read();
	lapic_timer_stop();
	/* A second expiry may have fired between the reads and the stop: take it
	 * now (the MMIO read ends the translation block under TCG), or it would
	 * wake the next sample at once. */
	irq_enable();
	(void)lapic_timer_current();
	irq_disable();
	/* The PIT time of each TSC read is the middle of its bracket; a bracket
	 * wider than max_bracket (the host stalled the vCPU while we read) spoils
	 * the sample. The PIT counts down, so differences are taken mod 2^16. */
	uint16_t w0 = (uint16_t)(a0 - b0), w1 = (uint16_t)(a1 - b1);
	last_w0 = w0, last_w1 = w1, last_dp = (uint16_t)(a0 - a1);
	if (w0 > max_bracket || w1 > max_bracket)
		return -1;
	uint16_t m0 = (uint16_t)(a0 - w0 / 2), m1 = (uint16_t)(a1 - w1 / 2);
	*dp = (uint16_t)(m0 - m1);
	*dtsc = t1 - t0;
	*dlapic = count + (count - cur);
	return 0;
}

static void sort3(uint64_t *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j] < v[j - 1]; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

void clock_calibrate(void)
{
	irq_register(VEC_CALIBRATE, calibrate_irq);
	pit_start();
	/* The new count loads on the PIT's next clock: until the counter moves,
	 * a read is the old value and the first sample would be garbage (it once
	 * 'sized' the LAPIC count at 65536 and every later sample was refused). */
	uint16_t first = pit_read();
	for (int i = 0; i < 100000 && pit_read() == first; i++)
		cpu_relax();
	/* Find a LAPIC count that lasts about TARGET_PIT_COUNTS (the PIT wraps every 55 ms). */
	uint64_t count = 1 << 16;
	uint64_t fallback_tsc = 0, fallback_lapic = 0;
	int sized = 0;
	for (int attempt = 0; attempt < 40 && !sized; attempt++) {
		uint32_t dp;
		uint64_t dt, dl;
		if (attempt == 20)
			max_bracket = 2000;   /* a host this busy: take what we can get rather than stop */
		if (sample(count, &dp, &dt, &dl))
			continue;
		if (dp >= TARGET_PIT_COUNTS * 3 / 4 && dp < 60000 && attempt > 0) {
			sized = 1;
			/* Keep this sample: on a badly overloaded host it may be the only one. */
			fallback_tsc = dt * PIT_HZ / dp;
			fallback_lapic = dl * PIT_HZ / dp;
			break;
		}
		uint64_t next = dp >= 64 ? count * TARGET_PIT_COUNTS / dp : count * 16;
		if (next > count * 16)
			next = count * 16;
		if (next < 1024)
			next = 1024;
		if (next > 0x7fffffff)
			next = 0x7fffffff;
		count = next;
	}
	if (!sized)
		panic("cannot calibrate the TSC against the PIT (count=%lu dp=%u brackets=%u,%u)", count, last_dp, last_w0,
		      last_w1);
	/* The median of three: a host that stalls the vCPU spoils a sample, not the clock. */
	uint64_t tsc[3], lap[3];
	int n = 0;
	for (int attempt = 0; attempt < 24 && n < 3; attempt++) {
		uint32_t dp;
		uint64_t dt, dl;
		if (attempt == 12)
			max_bracket = 2000;
		if (sample(count, &dp, &dt, &dl) || dp < TARGET_PIT_COUNTS / 2 || dp >= 60000)
			continue;
		tsc[n] = dt * PIT_HZ / dp;
		lap[n] = dl * PIT_HZ / dp;
		n++;
	}
	if (n == 0) {
		tsc[0] = fallback_tsc;
		lap[0] = fallback_lapic;
		n = 1;
	}
	sort3(tsc, n);
	sort3(lap, n);
	tsc_hz = tsc[n / 2];
	lapic_timer_hz = lap[n / 2];
}

static uint8_t cmos(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static int bcd(int v) { return (v & 15) + (v >> 4) * 10; }

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

int64_t rtc_read_unix(void)
{
	uint8_t r[7], again[7];
	/* Read until two consecutive reads agree, none during an update. */
	for (int tries = 0; tries < 1000; tries++) {
		while (cmos(0x0a) & 0x80)
			cpu_relax();
		r[0] = cmos(0x00); r[1] = cmos(0x02); r[2] = cmos(0x04); r[3] = cmos(0x07);
		r[4] = cmos(0x08); r[5] = cmos(0x09); r[6] = cmos(0x32);
		if (cmos(0x0a) & 0x80)
			continue;
		again[0] = cmos(0x00); again[1] = cmos(0x02); again[2] = cmos(0x04); again[3] = cmos(0x07);
		again[4] = cmos(0x08); again[5] = cmos(0x09); again[6] = cmos(0x32);
		int same = 1;
		for (int i = 0; i < 7; i++)
			same &= r[i] == again[i];
		if (same)
			break;
	}
	uint8_t status_b = cmos(0x0b);
	int sec = r[0], min = r[1], hour = r[2], day = r[3], mon = r[4], year = r[5], cent = r[6];
	int pm = hour & 0x80;
	hour &= 0x7f;
	if (!(status_b & 0x04)) {
		sec = bcd(sec); min = bcd(min); hour = bcd(hour); day = bcd(day); mon = bcd(mon);
		year = bcd(year); cent = bcd(cent);
	}
	if (!(status_b & 0x02) && pm)
		hour = (hour % 12) + 12;
	int full_year = (cent >= 19 && cent <= 30) ? cent * 100 + year : 2000 + year;
	return days_from_civil(full_year, mon, day) * 86400 + hour * 3600 + min * 60 + sec;
}
