/* A loop of clock_gettime, gettimeofday and time: with a working vDSO none
 * of them enters the kernel (vdso.test.ts counts them in the syscall trace).
 * Prints only facts that hold on the host too. */
#include <stdio.h>
#include <sys/time.h>
#include <time.h>

int main(void)
{
	struct timespec a, b;
	struct timeval tv;
	long backwards = 0;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < 2000; i++) {
		clock_gettime(CLOCK_MONOTONIC, &b);
		clock_gettime(CLOCK_REALTIME, &b);
		gettimeofday(&tv, 0);
		(void)time(0);
		struct timespec c;
		clock_gettime(CLOCK_MONOTONIC, &c);
		if (c.tv_sec < a.tv_sec || (c.tv_sec == a.tv_sec && c.tv_nsec < a.tv_nsec))
			backwards++;
		a = c;
	}
	printf("monotonic went backwards: %ld\n", backwards);
	printf("realtime close to gettimeofday: %d\n", b.tv_sec - tv.tv_sec <= 1 && tv.tv_sec - b.tv_sec <= 1);
	return 0;
}
