/* kmain: brings the machine up in dependency order (boot info, console,
 * descriptor tables, memory, interrupts, time, root filesystem), prints the
 * ready record, then does what the command line asks. */
#include "core/bootinfo.h"
#include "core/log.h"
#include "core/profile.h"
#include "core/panic.h"
#include "core/time.h"
#include "core/selftest.h"
#include "core/initrd.h"
#include "net/net.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/ioapic.h"
#include "arch/x86_64/pic.h"
#include "arch/x86_64/clock.h"
#include "drivers/serial.h"
#include "mm/meminit.h"
#include "lib/cmdline.h"
#include "lib/string.h"
#include "lib/errno.h"
#include "core/random.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/percpu.h"
#include "sched/thread.h"

void pvh_parse(uint64_t start_info_phys);
#define BOOT_NO_APP 1
int boot_start_app(void);
void compat_init(void);
void syscall_init(void);
void arch_syscall_init(void);
void fs_init(void);
void virtio_init(void);
int netcheck_run(void);
void procfiles_init(void);
__attribute__((noreturn)) void sched_idle_loop(void);

static const char *detect_machine(void)
{
	outl(0xcf8, 0x80000000);   /* PCI 00:00.0 vendor/device */
	uint32_t id = inl(0xcfc);
	if (id == 0x29c08086)
		return "q35";
	if (id == 0x12378086)
		return "pc";
	if (id == 0xffffffff || id == 0)
		return "microvm";
	return "unknown";
}

/* Deliberate kernel page fault for the fault-report test (unipack.crash=pagefault). */
__attribute__((noinline)) void crash_pagefault(void)
{
	*(volatile uint64_t *)0xdead000 = 1;
}

static void ticks_test(uint64_t n)
{
	krecord("ticks-start");
	uint64_t start = jiffies;
	while (jiffies - start < n)
		cpu_idle_wait();
	krecord("ticks n=%lu hz=%u tsc_hz=%lu lapic_hz=%lu", n, TIMER_HZ, tsc_hz, lapic_timer_hz);
}

/* Runs as the "init" kernel thread, so it may sleep (DHCP, the app's
 * start-up); the boot context itself becomes the idle thread, which never
 * blocks. */
static void boot_actions(void *unused)
{
	const struct cmdline *cl = &kernel_cmdline;
	const char *crash = cmdline_get(cl, "unipack.crash");
	if (crash && !strcmp(crash, "pagefault"))
		crash_pagefault();
	if (cmdline_has(cl, "unipack.probe")) {
		/* The accelerator probe: the self-tests, then a fixed compute loop
		 * whose rate tells a working accelerator from one that crawls
		 * (DESIGN.md: kvm_pvm here passes trivial probes, then hangs). */
		int failed = selftest_run();
		uint64_t n = cmdline_get_u64(cl, "unipack.probe", 10000000);
		if (n == 0)
			n = 10000000;
		uint64_t t0 = time_monotonic_ns();
		volatile uint64_t acc = 1;
		for (uint64_t i = 0; i < n; i++)
			acc = acc * 6364136223846793005ULL + i;
		uint64_t ns = time_monotonic_ns() - t0;
		krecord("probe loops=%lu ns=%lu mloops_per_s=%lu", n, ns, ns ? n * 1000 / ns : 0);
		machine_exit(failed ? 1 : 0);
	}
	if (cmdline_has(cl, "unipack.selftest")) {
		int failed = selftest_run();
		machine_exit(failed ? 1 : 0);
	}
	if (cmdline_has(cl, "unipack.listinitrd"))
		machine_exit(0);   /* a diagnostic: the listing was printed at boot */
	if (cmdline_has(cl, "unipack.netcheck"))
		machine_exit(netcheck_run());
	if (cmdline_has(cl, "unipack.ticks"))
		ticks_test(cmdline_get_u64(cl, "unipack.ticks", 100));
	if (cmdline_has(cl, "unipack.exit"))
		machine_exit((int)cmdline_get_u64(cl, "unipack.exit", 0));
	int r = boot_start_app();
	if (r == BOOT_NO_APP) {
		krecord("idle reason=no-app");
		machine_exit(0);
	}
	if (r) {
		/* The program could not start: like a shell's 127. */
		machine_exit(127);
	}
}

void kmain(uint64_t start_info_phys)
{
	pvh_parse(start_info_phys);
	cmdline_parse(&kernel_cmdline, boot_info.cmdline);
	gdt_init();
	idt_init();
	percpu_init_boot();
	pic_disable();
	serial_init(COM1);
	serial_init(COM2);
	krecord("boot version=%s machine=%s cmdline=\"%s\"", UNIPACK_VERSION, detect_machine(), boot_info.cmdline);
	mem_init();
	lapic_init();
	if (acpi_scan(boot_info.rsdp_phys) != 0)
		mptable_scan();
	int pins = ioapic_init();
	krecord("irq ioapics=%d pins=%d source=%s", platform_irq.ioapic_count, pins, platform_irq.source);
	fpu_init();
	sched_init();
	random_init();
	clock_calibrate();
	time_init();
	time_set_tick_hook(sched_tick);
	arch_syscall_init();
	compat_init();
	syscall_init();
	profile_init();
	irq_enable();
	initrd_init(cmdline_has(&kernel_cmdline, "unipack.listinitrd"));
	fs_init();
	net_init();
	virtio_init();
	procfiles_init();
	uint64_t d = rdtsc() - boot_tsc;
	krecord("ready tsc_delta=%lu idle_tsc=%lu tsc_hz=%lu us=%lu", d, idle_tsc, tsc_hz, tsc_to_ns(d) / 1000);
	if (!thread_create_kernel("init", boot_actions, 0))
		panic("cannot create the init thread");
	sched_idle_loop();
}
