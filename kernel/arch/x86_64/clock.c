#include "arch/x86_64/clock.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/pit.h"
#include "arch/x86_64/trap.h"
#include "core/panic.h"

#define VEC_CALIBRATE 0x21
#define TARGET_PIT_COUNTS 11932   /* 10 ms */

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

void clock_calibrate(void)
{
	irq_register(VEC_CALIBRATE, calibrate_irq);
	pit_start();
	uint64_t count = 1 << 16;
	for (int attempt = 0; attempt < 16; attempt++) {
		fired = 0;
		/* Periodic mode: after the first expiry the counter reloads and keeps
		 * counting, so elapsed LAPIC ticks are known exactly at wake-up even
		 * though the wake-up itself comes late. */
		uint16_t p0 = pit_read();
		uint64_t t0 = rdtsc();
		lapic_timer_hz = 0;
		lapic_timer_periodic_count((uint32_t)count, VEC_CALIBRATE);
		while (!fired)
			cpu_idle_wait();
		uint32_t cur = lapic_timer_current();
		uint16_t p1 = pit_read();
		uint64_t t1 = rdtsc();
		lapic_timer_stop();
		uint32_t dp = (uint16_t)(p0 - p1);
		uint64_t elapsed = count + (count - cur);
		if (dp >= TARGET_PIT_COUNTS * 3 / 4 && dp < 60000) {
			tsc_hz = (t1 - t0) * PIT_HZ / dp;
			lapic_timer_hz = elapsed * PIT_HZ / dp;
			return;
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
	panic("cannot calibrate the TSC against the PIT");
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
