/* Guest syscall fuzzer: random syscall numbers with arguments drawn from
 * values that break kernels (NULL, kernel addresses, non-canonical and
 * unmapped pointers, huge sizes, negative fds) and from valid ones, for a
 * bounded number of calls or seconds. The kernel must never panic or hang;
 * the program itself may die (that is the app's business, not a bug).
 * Calls that would end or hijack the fuzzer itself are skipped, and a
 * SIGALRM every 50 ms breaks any call that blocks.
 * usage: fuzz [seed] [calls] [seconds] */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static uint64_t state;
static uint64_t rnd(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

static char *arena;          /* memory calls only ever target this */
#define ARENA_SIZE (64 << 20)
/* Pointer arguments land in this mapped window, fenced by PROT_NONE pages on
 * both sides: a call that writes past it faults in the kernel (EFAULT)
 * instead of overwriting the fuzzer's own data. */
#define SCRATCH_SIZE 65536
static char *scratch;

static uint64_t interesting(void)
{
	static const uint64_t vals[] = {
		0, 1, 2, 3, 4, 7, 8, 16, 64, 255, 256, 4095, 4096, 4097, 65535, 65536, 0x7fffffff, 0x80000000,
		0xffffffff, 0x100000000ULL, (uint64_t)-1, (uint64_t)-2, (uint64_t)-4095, (uint64_t)-100,
		0x8000000000000000ULL, 0x7fffffffffffffffULL, 0xffff800000000000ULL, 0xffffffff80000000ULL,
		0x0000800000000000ULL, 0x00007ffffffff000ULL, 0xdead0000, 0x1000, 0x400000,
	};
	switch (rnd() % 6) {
	case 0: return vals[rnd() % (sizeof(vals) / sizeof(vals[0]))];
	case 1: return (uint64_t)(scratch + rnd() % SCRATCH_SIZE);
	case 2: return rnd() % 64;
	case 3: return rnd();
	case 4: return (uint64_t)(arena + (rnd() % ARENA_SIZE & ~4095ULL));
	default: return rnd() & 0xffff;
	}
}

static int skipped(long nr)
{
	switch (nr) {
	case SYS_exit: case SYS_exit_group: case SYS_rt_sigreturn: case SYS_clone: case SYS_fork:
	case SYS_vfork: case SYS_clone3: case SYS_kill: case SYS_tkill: case SYS_tgkill:
	case SYS_rt_sigaction: case SYS_rt_sigprocmask: case SYS_sigaltstack: case SYS_arch_prctl:
	case SYS_setitimer: case SYS_alarm: case SYS_rt_sigsuspend: case SYS_pause: case SYS_set_tid_address:
	case SYS_prctl: case SYS_seccomp: case SYS_ptrace: case SYS_reboot: case SYS_rseq:
	case SYS_set_robust_list: case SYS_shmdt: case SYS_execve: case SYS_execveat:
	case SYS_rt_sigtimedwait: case SYS_signalfd: case SYS_signalfd4:
		return 1;
	default:
		return 0;
	}
}

static void on_alarm(int sig) { (void)sig; }

int main(int argc, char **argv)
{
	uint64_t seed = argc > 1 ? strtoull(argv[1], 0, 0) : (uint64_t)time(0);
	long calls = argc > 2 ? atol(argv[2]) : 20000;
	int seconds = argc > 3 ? atoi(argv[3]) : 20;
	printf("fuzz seed=%llu calls=%ld seconds=%d\n", (unsigned long long)seed, calls, seconds);
	fflush(stdout);
	state = seed * 2654435761u + 1;
	arena = mmap(0, ARENA_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	char *win = mmap(0, SCRATCH_SIZE + 2 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (arena == MAP_FAILED || win == MAP_FAILED)
		return 2;
	scratch = win + 4096;
	mprotect(scratch, SCRATCH_SIZE, PROT_READ | PROT_WRITE);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, 0);
	signal(SIGPIPE, SIG_IGN);
	struct itimerval it = { { 0, 50000 }, { 0, 50000 } };
	setitimer(ITIMER_REAL, &it, 0);
	time_t end = time(0) + seconds;
	long done = 0;
	for (; done < calls && time(0) < end; done++) {
		long nr = rnd() % 460;
		if (rnd() % 64 == 0)
			nr = rnd();   /* far out of range too */
		if (skipped(nr))
			continue;
		uint64_t a[6];
		for (int i = 0; i < 6; i++)
			a[i] = interesting();
		/* Never let memory calls touch the fuzzer's own code, data or stack. */
		if (nr == SYS_mmap || nr == SYS_munmap || nr == SYS_mprotect || nr == SYS_mremap || nr == SYS_madvise ||
		    nr == SYS_brk || nr == SYS_pkey_mprotect || nr == SYS_mlock || nr == SYS_munlock || nr == SYS_msync ||
		    nr == SYS_remap_file_pages || nr == SYS_shmat || nr == SYS_io_setup)
			a[0] = (uint64_t)(arena + (rnd() % ARENA_SIZE & ~4095ULL));
		if (nr == SYS_mremap)
			a[4] = (uint64_t)(arena + (rnd() % ARENA_SIZE & ~4095ULL));
		/* ...and lengths that end inside the arena, or the call would unmap the rest of us. */
		if (nr == SYS_munmap || nr == SYS_mprotect || nr == SYS_madvise || nr == SYS_mremap ||
		    nr == SYS_pkey_mprotect || nr == SYS_mlock || nr == SYS_munlock || nr == SYS_msync || nr == SYS_mmap) {
			uint64_t room = (uint64_t)(arena + ARENA_SIZE) - a[0];
			a[1] = rnd() % (room + 1);
			if (nr == SYS_mremap)
				a[2] = rnd() % (room + 1);
		}
		if (nr == SYS_mmap && (a[3] & MAP_FIXED) == 0 && rnd() % 2)
			a[0] = 0;
		/* Keep stdout and stderr: closing or replacing them hides the result, nothing more. */
		if ((nr == SYS_close || nr == SYS_dup2 || nr == SYS_dup3) && (int)a[nr == SYS_close ? 0 : 1] <= 2)
			continue;
		if (nr == SYS_close_range)
			continue;
		syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	}
	it.it_value.tv_usec = it.it_interval.tv_usec = 0;
	setitimer(ITIMER_REAL, &it, 0);
	printf("fuzz done calls=%ld\n", done);
	return 0;
}
