/* Socket-call fuzzer: random socket syscalls (and read/write/poll/ioctl/
 * close on socket fds) with arguments mixing valid sockets, addresses and
 * buffers of every family with NULL, kernel, unmapped and non-canonical
 * pointers, random lengths, flags and control messages. The kernel must
 * never panic or hang; a SIGALRM every 20 ms breaks a call that blocks.
 * Prints only the seed and a final line, so host and VM output match.
 * usage: net_fuzz [seed] [calls] */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <netinet/in.h>

static uint64_t state;
static uint64_t rnd(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

static unsigned char *arena;
static int fds[32];
static int nfds;

static uint64_t ptr(void)
{
	switch (rnd() % 10) {
	case 0: return 0;
	case 1: return 0xffffffff80000000ULL + (rnd() & 0xffff);
	case 2: return 0x0000800000000000ULL - (rnd() % 64);
	case 3: return 0xdead0000ULL;
	case 4: return (uint64_t)(arena + 65536 - (rnd() % 32));   /* runs off the end */
	default: return (uint64_t)(arena + (rnd() % 60000));
	}
}

static uint64_t len(void)
{
	switch (rnd() % 8) {
	case 0: return 0;
	case 1: return (uint64_t)-1;
	case 2: return 0x7fffffff;
	case 3: return rnd() % 8;
	default: return rnd() % 70000;
	}
}

static uint64_t fd(void)
{
	if (nfds && rnd() % 8)
		return (uint64_t)fds[rnd() % nfds];
	return (uint64_t)(int)(rnd() % 4 ? 3 + rnd() % 61 : -1);   /* never stdio: output stays deterministic */
}

/* Fills the arena with plausible structures: addresses, msghdrs, iovecs, cmsgs. */
static void seed_arena(void)
{
	for (size_t i = 0; i < 65536; i += 8) {
		uint64_t v;
		switch (rnd() % 6) {
		case 0: v = ptr(); break;
		case 1: v = len(); break;
		case 2: v = (uint64_t)(rnd() % 3 == 0 ? AF_UNIX : rnd() % 2 ? AF_INET : AF_NETLINK) | (rnd() & 0xffff0000ULL); break;
		case 3: v = 0x0100007f5000ULL | (rnd() & 0xff); break;   /* 127.0.0.1:80-ish */
		default: v = rnd(); break;
		}
		memcpy(arena + i, &v, 8);
	}
	/* A valid unix path name and an abstract one somewhere. */
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	strcpy(un.sun_path, "/tmp/fz.sock");
	memcpy(arena + 1024, &un, sizeof(un));
	un.sun_path[0] = 0;
	memcpy(arena + 2048, &un, sizeof(un));
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_port = htons(4000 + rnd() % 4), .sin_addr.s_addr = htonl(0x7f000001) };
	memcpy(arena + 3072, &in, sizeof(in));
}

static void on_alarm(int sig) { (void)sig; }

int main(int argc, char **argv)
{
	uint64_t seed = argc > 1 ? strtoull(argv[1], 0, 0) : 1;
	long calls = argc > 2 ? atol(argv[2]) : 20000;
	state = seed * 2654435761u + 1;
	printf("net_fuzz seed %llu calls %ld\n", (unsigned long long)seed, calls);
	fflush(stdout);
	signal(SIGPIPE, SIG_IGN);
	struct sigaction sa = { .sa_handler = on_alarm };
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = { { 0, 20000 }, { 0, 20000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	arena = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	static const long nrs[] = { SYS_socket, SYS_socketpair, SYS_bind, SYS_listen, SYS_accept, SYS_accept4, SYS_connect,
				    SYS_getsockname, SYS_getpeername, SYS_setsockopt, SYS_getsockopt, SYS_sendto,
				    SYS_recvfrom, SYS_sendmsg, SYS_recvmsg, SYS_sendmmsg, SYS_recvmmsg, SYS_shutdown,
				    SYS_read, SYS_write, SYS_ioctl, SYS_close, SYS_poll };
	for (long i = 0; i < calls; i++) {
		if (i % 500 == 0)
			seed_arena();
		long nr = nrs[rnd() % (sizeof(nrs) / sizeof(nrs[0]))];
		uint64_t a[6];
		for (int k = 0; k < 6; k++)
			a[k] = rnd() % 2 ? ptr() : len();
		switch (nr) {
		case SYS_socket: {
			int fam = (int[]){ AF_UNIX, AF_INET, AF_NETLINK, AF_INET6, 99 }[rnd() % 5];
			int type = (int)(rnd() % 6) | (rnd() % 2 ? SOCK_NONBLOCK : 0) | (rnd() % 4 ? 0 : SOCK_CLOEXEC);
			long r = syscall(nr, fam, type, rnd() % 4 ? 0 : rnd() % 20);
			if (r >= 0 && nfds < 32)
				fds[nfds++] = (int)r;
			else if (r >= 0)
				close((int)r);
			continue;
		}
		case SYS_socketpair: {
			int sv[2];
			if (syscall(nr, AF_UNIX, 1 + rnd() % 5, 0, rnd() % 8 ? (uint64_t)sv : ptr()) == 0 && nfds < 31) {
				fds[nfds++] = sv[0];
				fds[nfds++] = sv[1];
			}
			continue;
		}
		case SYS_close:
			if (nfds && rnd() % 4 == 0) {
				int k = (int)(rnd() % nfds);
				close(fds[k]);
				fds[k] = fds[--nfds];
			}
			continue;
		case SYS_listen: a[1] = rnd() % 2 ? rnd() % 8 : rnd(); break;
		case SYS_shutdown: a[1] = rnd() % 4; break;
		case SYS_setsockopt: case SYS_getsockopt:
			a[1] = (uint64_t[]){ 0, 1, 6, 17, 270, 9999 }[rnd() % 6];
			a[2] = rnd() % 70;
			break;
		case SYS_ioctl: a[1] = (uint64_t[]){ 0x541b, 0x5421, 0x5411, 0x8910, 0x8912, 0x8913, 0x8915, 0x8933, 0x894b, rnd() }[rnd() % 10]; break;
		case SYS_poll: a[1] = rnd() % 4; a[2] = 0; break;
		default:
			if (nr == SYS_bind || nr == SYS_connect)
				a[1] = rnd() % 2 ? (uint64_t)(arena + (rnd() % 4 + 1) * 1024) : ptr();
			/* flags: mostly nonblocking so few calls need the alarm */
			if (nr == SYS_sendto || nr == SYS_recvfrom)
				a[3] = (rnd() % 2 ? 0x40 : 0) | (rnd() & 0x4102 & rnd());
			if (nr == SYS_sendmsg || nr == SYS_recvmsg || nr == SYS_sendmmsg || nr == SYS_recvmmsg)
				a[nr == SYS_sendmmsg || nr == SYS_recvmmsg ? 3 : 2] = 0x40 | (rnd() & 0x40000102);
			break;
		}
		a[0] = fd();
		if (nr == SYS_recvmmsg)
			a[4] = 0;
		syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	}
	for (int k = 0; k < nfds; k++)
		close(fds[k]);
	printf("net_fuzz done\n");
	return 0;
}
