/* Signals: dispositions, masks, pending sets, delivery with a Linux-layout
 * frame on the app's stack, rt_sigreturn, and the default actions (which
 * end the VM with the `signal` record and status 128+N). */
#ifndef COMPAT_SIGNAL_H
#define COMPAT_SIGNAL_H
#include <stdbool.h>
#include <stdint.h>
#include "arch/x86_64/trap.h"

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGXFSZ 25
#define NSIG 64

struct thread;

/* Called on every return to ring 3 from a syscall (ret = its result, for
 * restart decisions) or an interrupt (ret = 0): delivers one pending,
 * unblocked signal by rewriting f. */
void signal_deliver_pending(struct trap_frame *f, long ret);
bool signal_pending(struct thread *t);
/* A synchronous fault in ring 3 (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP). */
void signal_fault(struct trap_frame *f, int sig, int code, uint64_t addr);
#define SI_USER 0
#define SI_KERNEL 0x80
#define SI_TKILL (-6)

/* Sends sig to the process (a thread that does not block it takes it), with
 * si_code code (SI_USER from kill, SI_KERNEL from the kernel itself). */
int signal_send_process(int sig, int code);
/* Sends sig to one thread (SI_TKILL from tgkill, SI_USER otherwise). */
int signal_send_thread(struct thread *t, int sig, int code);

#endif
