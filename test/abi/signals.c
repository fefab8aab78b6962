/* Signals, differential: handlers with siginfo, masks, pending sets,
 * sigaltstack, SA_RESETHAND, SA_NODEFER, SA_RESTART versus EINTR,
 * synchronous SIGSEGV with the faulting address and a siglongjmp out,
 * the FPU state across a handler, sigsuspend and alarm. Prints one line per
 * check; the output must be the same on Linux and in unipack. */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

static volatile sig_atomic_t hits, last_sig, last_code, nested;
static volatile void *last_addr;
static volatile int on_alt;
static char *alt_base;
static size_t alt_size = 65536;
static sigjmp_buf jb;

static void handler(int sig, siginfo_t *si, void *uc)
{
	hits++;
	last_sig = sig;
	last_code = si->si_code;
	char probe;
	on_alt = alt_base && &probe >= alt_base && &probe < alt_base + alt_size;
	(void)uc;
}

static void segv_handler(int sig, siginfo_t *si, void *uc)
{
	last_addr = si->si_addr;
	last_code = si->si_code;
	(void)uc;
	siglongjmp(jb, sig);
}

static void nest_handler(int sig)
{
	if (nested++ == 0)
		raise(sig);   /* with SA_NODEFER this runs the handler again at once */
}

static void alarm_handler(int sig) { (void)sig; hits++; }

static double fpu_value;
static void fpu_handler(int sig)
{
	/* Clobber the FPU/SSE state inside the handler; the interrupted code must not see it. */
	volatile double x = 3.0;
	for (int i = 0; i < 10; i++)
		x = x * 1.5 + 0.25;
	fpu_value = x;
	(void)sig;
}

static int wfd;
static void restart_handler(int s)
{
	(void)s;
	hits++;
	if (write(wfd, "x", 1) != 1)
		hits += 100;
}

int main(void)
{
	/* Unbuffered: the last check ends the process by SIGPIPE. */
	setvbuf(stdout, 0, _IONBF, 0);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, 0);

	raise(SIGUSR1);
	printf("raise: hits=%d sig=%d code=%s\n", hits, last_sig, last_code == SI_TKILL ? "SI_TKILL" : last_code == SI_USER ? "SI_USER" : "other");
	kill(getpid(), SIGUSR1);
	printf("kill: hits=%d code=%s\n", hits, last_code == SI_USER ? "SI_USER" : "other");

	/* Blocked signals wait in the pending set. */
	sigset_t set, old, pend;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	raise(SIGUSR1);
	sigpending(&pend);
	printf("blocked: hits=%d pending=%d\n", hits, sigismember(&pend, SIGUSR1));
	sigprocmask(SIG_SETMASK, &old, 0);
	printf("unblocked: hits=%d\n", hits);

	/* The mask inside a handler holds the signal itself and sa_mask. */
	printf("sigaction EINVAL for SIGKILL: %s\n", sigaction(SIGKILL, &sa, 0) == -1 && errno == EINVAL ? "yes" : "no");
	struct sigaction q;
	sigaction(SIGUSR1, 0, &q);
	printf("query: flags_siginfo=%d\n", (q.sa_flags & SA_SIGINFO) != 0);

	/* sigaltstack */
	alt_base = malloc(alt_size);
	stack_t ss = { .ss_sp = alt_base, .ss_size = alt_size, .ss_flags = 0 };
	printf("sigaltstack: %d\n", sigaltstack(&ss, 0));
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigaction(SIGUSR2, &sa, 0);
	raise(SIGUSR2);
	printf("on altstack: %d\n", on_alt);
	stack_t cur;
	sigaltstack(0, &cur);
	printf("altstack after: flags=%d size_ok=%d\n", cur.ss_flags, cur.ss_size == alt_size);
	ss.ss_size = 100;
	printf("tiny altstack: %s\n", sigaltstack(&ss, 0) == -1 && errno == ENOMEM ? "ENOMEM" : "accepted");

	/* SA_RESETHAND: the second raise takes the default action (ignored here for SIGWINCH). */
	sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
	sigaction(SIGWINCH, &sa, 0);
	int before = hits;
	raise(SIGWINCH);
	raise(SIGWINCH);
	sigaction(SIGWINCH, 0, &q);
	printf("resethand: hits+%d handler_dfl=%d\n", hits - before, q.sa_handler == SIG_DFL);

	/* SA_NODEFER */
	struct sigaction nd;
	memset(&nd, 0, sizeof(nd));
	nd.sa_handler = nest_handler;
	nd.sa_flags = SA_NODEFER;
	sigaction(SIGUSR2, &nd, 0);
	raise(SIGUSR2);
	printf("nodefer nested: %d\n", nested);

	/* Synchronous SIGSEGV with si_addr, left with siglongjmp. */
	struct sigaction sg;
	memset(&sg, 0, sizeof(sg));
	sg.sa_sigaction = segv_handler;
	sg.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sg, 0);
	int r = sigsetjmp(jb, 1);
	if (r == 0) {
		*(volatile int *)0x1238 = 1;
		printf("no fault\n");
	} else {
		printf("segv: sig=%d addr=%p code=%s\n", r, last_addr, last_code == SEGV_MAPERR ? "SEGV_MAPERR" : "other");
	}
	char *ro = mmap(0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	r = sigsetjmp(jb, 1);
	if (r == 0) {
		ro[10] = 1;
		printf("no fault\n");
	} else {
		printf("segv on read-only: offset=%ld code=%s\n", (long)((char *)last_addr - ro),
		       last_code == SEGV_ACCERR ? "SEGV_ACCERR" : "other");
	}
	/* The mask was restored by siglongjmp(jb, 1): SIGSEGV is deliverable again. */
	sigprocmask(SIG_SETMASK, 0, &old);
	printf("segv unblocked after longjmp: %d\n", !sigismember(&old, SIGSEGV));

	/* FPU state survives a handler. */
	signal(SIGUSR2, fpu_handler);
	volatile double a = 1.0 / 3.0;
	raise(SIGUSR2);
	volatile double b = a * 3.0;
	printf("fpu preserved: %d handler_ran=%d\n", b == 1.0, fpu_value > 100);

	/* EINTR versus SA_RESTART on a blocking read from an empty pipe. */
	int p[2];
	pipe(p);
	struct sigaction al;
	memset(&al, 0, sizeof(al));
	al.sa_handler = alarm_handler;
	sigaction(SIGALRM, &al, 0);
	struct itimerval it = { { 0, 0 }, { 0, 20000 } };
	setitimer(ITIMER_REAL, &it, 0);
	char c;
	ssize_t n = read(p[0], &c, 1);
	printf("read without SA_RESTART: %zd %s\n", n, n < 0 && errno == EINTR ? "EINTR" : "?");
	/* With SA_RESTART the read resumes after the handler, which writes the byte it then gets. */
	wfd = p[1];
	al.sa_handler = restart_handler;
	al.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &al, 0);
	setitimer(ITIMER_REAL, &it, 0);
	n = read(p[0], &c, 1);
	printf("read with SA_RESTART: %zd %c\n", n, n == 1 ? c : '?');

	/* sigsuspend returns EINTR after the handler and restores the mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	sigprocmask(SIG_BLOCK, &set, &old);
	al.sa_handler = alarm_handler;
	al.sa_flags = 0;
	sigaction(SIGALRM, &al, 0);
	setitimer(ITIMER_REAL, &it, 0);
	sigset_t none;
	sigemptyset(&none);
	int s = sigsuspend(&none);
	sigset_t after;
	sigprocmask(SIG_SETMASK, 0, &after);
	printf("sigsuspend: %d %s alrm_still_blocked=%d\n", s, errno == EINTR ? "EINTR" : "?", sigismember(&after, SIGALRM));
	sigprocmask(SIG_SETMASK, &old, 0);

	/* alarm returns the seconds left of the previous one. */
	alarm(5);
	printf("alarm left: %u\n", alarm(0));

	/* Ignored SIGPIPE: write to a pipe without readers gives EPIPE. */
	signal(SIGPIPE, SIG_IGN);
	close(p[0]);
	n = write(p[1], "x", 1);
	printf("epipe: %zd %s\n", n, errno == EPIPE ? "EPIPE" : "?");
	/* Default SIGPIPE would end the process: check the status the host sees. */
	signal(SIGPIPE, SIG_DFL);
	write(p[1], "x", 1);
	printf("not reached\n");
	return 0;
}
