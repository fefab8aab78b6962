/* Signals, differential: a handler that interrupts code asynchronously (a timer signal landing
 * while the code runs in user mode, not in a syscall) must give it back every register. The
 * kernel once returned from rt_sigreturn with sysret, which loads rcx and r11 from rip and
 * rflags: the interrupted code's rcx and r11 were lost (Node crashed in v8::Function::Call when
 * SIGTERM landed mid-computation). The loop keeps sentinels in rcx, r11 and the other
 * registers and counts the iterations where one changed. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

static volatile long handled;

static void on_alarm(int sig)
{
	(void)sig;
	handled++;
}

/* One pass: sentinels in rcx, r11, rdx, rsi, r8-r10, spin, then count which survived. */
static long pass(long spins)
{
	long bad;
	__asm__ volatile(
		"mov $0x1111111111111111, %%rcx\n\t"
		"mov $0x2222222222222222, %%r11\n\t"
		"mov $0x3333333333333333, %%rdx\n\t"
		"mov $0x4444444444444444, %%rsi\n\t"
		"mov $0x5555555555555555, %%r8\n\t"
		"mov $0x6666666666666666, %%r9\n\t"
		"mov $0x7777777777777777, %%r10\n\t"
		"1: dec %%rax\n\t"
		"jnz 1b\n\t"
		"xor %%rax, %%rax\n\t"
		"mov $0x1111111111111111, %%rdi\n\t cmp %%rdi, %%rcx\n\t setne %%dil\n\t movzbq %%dil, %%rdi\n\t add %%rdi, %%rax\n\t"
		"mov $0x2222222222222222, %%rdi\n\t cmp %%rdi, %%r11\n\t setne %%dil\n\t movzbq %%dil, %%rdi\n\t add %%rdi, %%rax\n\t"
		"mov $0x3333333333333333, %%rdi\n\t cmp %%rdi, %%rdx\n\t setne %%dil\n\t movzbq %%dil, %%rdi\n\t add %%rdi, %%rax\n\t"
		"mov $0x4444444444444444, %%rdi\n\t cmp %%rdi, %%rsi\n\t setne %%dil\n\t movzbq %%dil, %%rdi\n\t add %%rdi, %%rax\n\t"
		"mov $0x5555555555555555, %%rdi\n\t cmp %%rdi, %%r8\n\t setne %%dil\n\t movzbq %%dil, %%rdi\n\t add %%rdi, %%rax\n\t"
		"mov $0x6666666666666666, %%rdi\n\t cmp %%rdi, %%r9\n\t setne %%dil\n\t movzbq %%dil, %%rdi\n\t add %%rdi, %%rax\n\t"
		"mov $0x7777777777777777, %%rdi\n\t cmp %%rdi, %%r10\n\t setne %%dil\n\t movzbq %%dil, %%rdi\n\t add %%rdi, %%rax\n\t"
		: "=a"(bad)
		: "a"(spins)
		: "rcx", "r11", "rdx", "rsi", "rdi", "r8", "r9", "r10", "cc");
	return bad;
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = { { 0, 2000 }, { 0, 2000 } };   /* every 2 ms */
	setitimer(ITIMER_REAL, &it, NULL);
	long corrupted = 0;
	int passes = 0;
	while (handled < 200 && passes < 20000) {
		corrupted += pass(200000) != 0;
		passes++;
	}
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &off, NULL);
	printf("signals landed mid-loop: %s\n", handled >= 50 ? "yes" : "no");
	printf("passes with a register changed under them: %ld\n", corrupted);
	return 0;
}
