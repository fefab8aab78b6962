/* Identity, limits, clocks and sleeps, differential: values that differ by
 * design (host name, CPU count, memory, kernel release) are checked for
 * shape, not printed. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static long ms(struct timespec a, struct timespec b) { return (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000; }

int main(void)
{
	setvbuf(stdout, 0, _IONBF, 0);
	struct utsname u;
	uname(&u);
	printf("uname: %s %s release_has_dot=%d\n", u.sysname, u.machine, strchr(u.release, '.') != 0);
	printf("uid=%d euid=%d gid=%d egid=%d\n", getuid(), geteuid(), getgid(), getegid());
	printf("gettid==getpid in main: %d\n", (long)syscall(SYS_gettid) == getpid());
	struct rlimit rl;
	int gr = getrlimit(RLIMIT_STACK, &rl);
	printf("getrlimit STACK: %d cur>=1MiB=%d\n", gr, rl.rlim_cur >= (1 << 20));
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = rl.rlim_max;
	printf("raise NOFILE to hard: %d\n", setrlimit(RLIMIT_NOFILE, &rl));
	rl.rlim_cur = rl.rlim_max + 1;
	printf("soft above hard: %s\n", setrlimit(RLIMIT_NOFILE, &rl) == -1 && errno == EINVAL ? "EINVAL" : "?");
	printf("bad resource: %s\n", getrlimit(1000, &rl) == -1 && errno == EINVAL ? "EINVAL" : "?");

	struct timespec a, b, res;
	clock_gettime(CLOCK_MONOTONIC, &a);
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("monotonic non-decreasing: %d\n", b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec));
	struct timespec rt;
	struct timeval tv;
	clock_gettime(CLOCK_REALTIME, &rt);
	gettimeofday(&tv, 0);
	time_t t = time(0);
	printf("realtime sources agree: %d %d\n", labs(rt.tv_sec - tv.tv_sec) <= 1, labs(rt.tv_sec - t) <= 1);
	printf("realtime after 2024: %d\n", rt.tv_sec > 1704067200);
	int cr = clock_getres(CLOCK_MONOTONIC, &res);
	printf("clock_getres monotonic: %d ns<=1ms=%d\n", cr, res.tv_sec == 0 && res.tv_nsec <= 1000000);
	printf("bad clock: %s\n", clock_gettime(12345, &a) == -1 && errno == EINVAL ? "EINVAL" : "?");
	struct timespec c0, c1;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	volatile unsigned long x = 0;
	for (unsigned long i = 0; i < 20000000; i++)
		x += i;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
	printf("process cpu time advances: %d\n", ms(c0, c1) > 0 || c1.tv_nsec > c0.tv_nsec);

	clock_gettime(CLOCK_MONOTONIC, &a);
	struct timespec req = { 0, 30000000 };
	int r = nanosleep(&req, 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("nanosleep 30ms: %d in_range=%d\n", r, ms(a, b) >= 30 && ms(a, b) < 500);
	req.tv_nsec = 2000000000;
	printf("nanosleep bad nsec: %s\n", nanosleep(&req, 0) == -1 && errno == EINVAL ? "EINVAL" : "?");
	clock_gettime(CLOCK_MONOTONIC, &a);
	struct timespec abs = a;
	abs.tv_nsec += 20000000;
	if (abs.tv_nsec >= 1000000000) abs.tv_sec++, abs.tv_nsec -= 1000000000;
	r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("clock_nanosleep abs: %d reached=%d\n", r, b.tv_sec > abs.tv_sec || (b.tv_sec == abs.tv_sec && b.tv_nsec >= abs.tv_nsec));

	unsigned char r1[32], r2[32];
	ssize_t g1 = getrandom(r1, 32, 0), g2 = getrandom(r2, 32, GRND_NONBLOCK);
	printf("getrandom: %zd %zd differ=%d\n", g1, g2, memcmp(r1, r2, 32) != 0);
	printf("getrandom bad flags: %s\n", getrandom(r1, 8, 0x100) == -1 && errno == EINVAL ? "EINVAL" : "?");
	printf("getrandom fault: %s\n", syscall(SYS_getrandom, (void *)8, 8, 0) == -1 && errno == EFAULT ? "EFAULT" : "?");
	cpu_set_t set;
	CPU_ZERO(&set);
	int af = sched_getaffinity(0, sizeof(set), &set);
	printf("affinity: %d has_cpu0=%d\n", af, CPU_ISSET(0, &set));
	printf("yield: %d\n", sched_yield());
	FILE *m = fopen("/proc/self/maps", "r");
	char line[512];
	int stack = 0, vdso = 0;
	while (m && fgets(line, sizeof(line), m)) {
		stack |= strstr(line, "[stack]") != 0;
		vdso |= strstr(line, "[vdso]") != 0;
	}
	printf("maps: stack=%d vdso=%d\n", stack, vdso);
	char exe[256];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	printf("exe link: %d\n", n > 0 && exe[0] == '/');
	printf("uname fault: %s\n", syscall(SYS_uname, (void *)16) == -1 && errno == EFAULT ? "EFAULT" : "?");
	printf("unknown syscall: %s\n", syscall(10000) == -1 && errno == ENOSYS ? "ENOSYS" : "?");
	return 0;
}
