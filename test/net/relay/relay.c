/* A seeded network impairment relay (netem is not available here): Ethernet frames between a
 * TAP device and QEMU's `-netdev dgram` backend (one frame per UDP datagram), each direction
 * dropped, duplicated, delayed and reordered by its own seeded random stream.
 *
 *   relay TAP UDP_LISTEN_PORT QEMU_PORT LOSS DUP REORDER DELAY_MS SEED
 *
 * LOSS, DUP, REORDER are probabilities (0.01 = 1 %); DELAY_MS is the one-way delay (so the
 * RTT grows by twice it); a reordered frame is held back an extra DELAY_MS/2 + 2 ms so frames
 * sent after it overtake it. On SIGTERM it prints its counters as one JSON line and exits. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_FRAME 65536
#define MAX_HELD 20000

struct held {
	uint64_t due_us;
	uint64_t order;      /* ties keep arrival order */
	int to_tap;
	uint16_t len;
	uint8_t *data;
};

struct dir_stats { unsigned long long in, out, dropped, duplicated, reordered, overflow; };

static struct held heap[MAX_HELD];
static int nheld;
static uint64_t order_seq;
static volatile sig_atomic_t stop;
static struct dir_stats to_guest, to_host;

static uint64_t rng_state[2];

static uint64_t next_rand(int dir)
{
	uint64_t x = rng_state[dir];
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng_state[dir] = x;
	return x;
}

static double chance(int dir) { return (double)(next_rand(dir) >> 11) / (double)(1ull << 53); }

static uint64_t now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000 + (uint64_t)t.tv_nsec / 1000;
}

static int before(const struct held *a, const struct held *b)
{
	return a->due_us < b->due_us || (a->due_us == b->due_us && a->order < b->order);
}

static void heap_push(struct held h)
{
	int i = nheld++;
	heap[i] = h;
	while (i > 0 && before(&heap[i], &heap[(i - 1) / 2])) {
		struct held t = heap[i];
		heap[i] = heap[(i - 1) / 2];
		heap[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

static struct held heap_pop(void)
{
	struct held top = heap[0];
	heap[0] = heap[--nheld];
	for (int i = 0;;) {
		int l = 2 * i + 1, r = l + 1, m = i;
		if (l < nheld && before(&heap[l], &heap[m]))
			m = l;
		if (r < nheld && before(&heap[r], &heap[m]))
			m = r;
		if (m == i)
			break;
		struct held t = heap[i];
		heap[i] = heap[m];
		heap[m] = t;
		i = m;
	}
	return top;
}

static void on_term(int sig) { (void)sig; stop = 1; }

static int open_tap(const char *name)
{
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK);
	if (fd < 0) {
		perror("relay: /dev/net/tun");
		exit(2);
	}
	struct ifreq ifr = { 0 };
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		fprintf(stderr, "relay: attach to %s: %s\n", name, strerror(errno));
		exit(2);
	}
	return fd;
}

static void print_stats(void)
{
	const struct dir_stats *d[2] = { &to_guest, &to_host };
	const char *name[2] = { "toGuest", "toHost" };
	printf("{");
	for (int i = 0; i < 2; i++)
		printf("%s\"%s\":{\"in\":%llu,\"out\":%llu,\"dropped\":%llu,\"duplicated\":%llu,\"reordered\":%llu,\"overflow\":%llu}",
		       i ? "," : "", name[i], d[i]->in, d[i]->out, d[i]->dropped, d[i]->duplicated, d[i]->reordered, d[i]->overflow);
	printf("}\n");
	fflush(stdout);
}

int main(int argc, char **argv)
{
	if (argc != 9) {
		fprintf(stderr, "usage: relay TAP UDP_LISTEN_PORT QEMU_PORT LOSS DUP REORDER DELAY_MS SEED\n");
		return 2;
	}
	const char *tap_name = argv[1];
	int listen_port = atoi(argv[2]), qemu_port = atoi(argv[3]);
	double loss = atof(argv[4]), dup = atof(argv[5]), reorder = atof(argv[6]);
	uint64_t delay_us = (uint64_t)atoi(argv[7]) * 1000;
	uint64_t seed = strtoull(argv[8], NULL, 0);
	rng_state[0] = seed * 0x9e3779b97f4a7c15ull | 1;
	rng_state[1] = (seed + 1) * 0xbf58476d1ce4e5b9ull | 1;

	int tap = open_tap(tap_name);
	int udp = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	struct sockaddr_in me = { .sin_family = AF_INET, .sin_port = htons(listen_port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in qemu = { .sin_family = AF_INET, .sin_port = htons(qemu_port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int big = 8 << 20;
	setsockopt(udp, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
	setsockopt(udp, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
	if (bind(udp, (struct sockaddr *)&me, sizeof me) < 0) {
		perror("relay: bind");
		return 2;
	}
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	printf("RELAY READY\n");
	fflush(stdout);

	static uint8_t buf[MAX_FRAME];
	while (!stop) {
		uint64_t now = now_us();
		while (nheld && heap[0].due_us <= now) {
			struct held h = heap_pop();
			if (h.to_tap)
				(void)!write(tap, h.data, h.len);
			else
				sendto(udp, h.data, h.len, 0, (struct sockaddr *)&qemu, sizeof qemu);
			(h.to_tap ? &to_host : &to_guest)->out++;
			free(h.data);
		}
		int timeout = nheld ? (int)((heap[0].due_us - now + 999) / 1000) : 100;
		struct pollfd p[2] = { { tap, POLLIN, 0 }, { udp, POLLIN, 0 } };
		if (poll(p, 2, timeout) < 0 && errno != EINTR)
			break;
		for (int side = 0; side < 2; side++) {
			if (!(p[side].revents & POLLIN))
				continue;
			for (int burst = 0; burst < 64; burst++) {
				ssize_t n = side == 0 ? read(tap, buf, sizeof buf) : recv(udp, buf, sizeof buf, 0);
				if (n <= 0)
					break;
				/* side 0: from the host (TAP) to the guest; side 1: from the guest to the host. */
				int dir = side;
				struct dir_stats *st = dir == 0 ? &to_guest : &to_host;
				st->in++;
				if (chance(dir) < loss) {
					st->dropped++;
					continue;
				}
				int copies = chance(dir) < dup ? 2 : 1;
				if (copies == 2)
					st->duplicated++;
				for (int c = 0; c < copies; c++) {
					uint64_t due = now_us() + delay_us;
					if (chance(dir) < reorder) {
						due += delay_us / 2 + 2000;
						st->reordered++;
					}
					if (nheld == MAX_HELD) {
						st->overflow++;   /* a full queue drops, as a router would */
						continue;
					}
					uint8_t *d = malloc((size_t)n);
					memcpy(d, buf, (size_t)n);
					heap_push((struct held){ due, order_seq++, dir == 1, (uint16_t)n, d });
				}
			}
		}
	}
	print_stats();
	return 0;
}
