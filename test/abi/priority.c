/* Nice values, differential: Linux keeps one per thread. getpriority/setpriority with
 * PRIO_PROCESS name one thread (0 = the caller, a tid = that thread), a new thread starts with
 * its creator's value, values clamp to [-20, 19], bad arguments give EINVAL and unknown ids
 * ESRCH. piscina's niceIncrement (through @napi-rs/nice) reads a worker's value back; the kernel
 * once answered 0 for everyone and ignored every change. Only raises values, so it needs no
 * privilege on the host. abi-cflags: -pthread */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

static pid_t main_tid;

static void show(const char *what, int which, int who)
{
	errno = 0;
	int v = getpriority(which, who);
	printf("%s: %d %s\n", what, v, errno ? strerror(errno) : "ok");
}

static void set(const char *what, int which, int who, int prio)
{
	int r = setpriority(which, who, prio);
	printf("%s: %d %s\n", what, r, r ? strerror(errno) : "ok");
}

static void *worker(void *arg)
{
	(void)arg;
	pid_t me = (pid_t)syscall(SYS_gettid);
	show("worker starts with its creator's value", PRIO_PROCESS, 0);
	set("worker raises its own", PRIO_PROCESS, 0, 9);
	show("worker sees its own", PRIO_PROCESS, 0);
	show("worker sees main's, unchanged", PRIO_PROCESS, main_tid);
	show("worker by tid", PRIO_PROCESS, me);
	errno = 0;
	int n = nice(2);
	printf("nice(2) in the worker: %d %s\n", n, errno ? strerror(errno) : "ok");
	return NULL;
}

int main(void)
{
	main_tid = (pid_t)syscall(SYS_gettid);
	show("start", PRIO_PROCESS, 0);
	show("by pid", PRIO_PROCESS, getpid());
	set("raise to 3", PRIO_PROCESS, 0, 3);
	show("after", PRIO_PROCESS, 0);
	set("raise to 5 by tid", PRIO_PROCESS, main_tid, 5);
	show("after", PRIO_PROCESS, 0);
	set("bad which", 7, 0, 1);
	show("bad which", 7, 0);
	set("no such thread", PRIO_PROCESS, 999999, 10);
	show("no such thread", PRIO_PROCESS, 999999);
	show("negative who", PRIO_PROCESS, -5);

	/* Lowering a value needs privilege: every step here raises. */
	pthread_t t;
	pthread_create(&t, NULL, worker, NULL);
	pthread_join(t, NULL);
	show("main after the worker", PRIO_PROCESS, 0);
	set("past the top clamps", PRIO_PROCESS, 0, 100);
	show("clamped", PRIO_PROCESS, 0);
	return 0;
}
