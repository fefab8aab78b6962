/* UDP (RFC 768): port table, datagram output and input with checksums,
 * per-socket receive queues bounded by SO_RCVBUF. Caller holds net_lock. */
#ifndef NET_UDP_H
#define NET_UDP_H
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

struct pkt;

struct udp_stats {
	uint64_t InDatagrams, NoPorts, InErrors, OutDatagrams, RcvbufErrors, SndbufErrors, InCsumErrors;
};
extern struct udp_stats udp_stats;

struct udp_pcb {
	struct udp_pcb *next;
	uint32_t laddr, raddr;      /* host order */
	uint16_t lport, rport;
	bool connected, reuseaddr, reuseport, broadcast;
	uint8_t ttl, tos;
	void *user;                 /* the socket */
	uint32_t rcvbuf;            /* bytes queued at most */
	struct pkt *rx_head, *rx_tail;   /* data = payload; saddr/sport = sender */
	uint32_t rx_bytes;
	int error;                  /* ICMP-reported, for connected sockets */
};

struct udp_pcb *udp_pcb_new(void);
/* port 0 = ephemeral. -EADDRINUSE, -EINVAL (bound already). */
int udp_bind(struct udp_pcb *u, uint32_t addr, uint16_t port);
/* Sends one datagram. Returns len or -E* (-EMSGSIZE over 65507, -ENETUNREACH, -EACCES for broadcast without SO_BROADCAST). */
long udp_send(struct udp_pcb *u, const void *data, size_t len, uint32_t dst, uint16_t dport);
/* Unbinds and frees queued datagrams; frees u. */
void udp_close(struct udp_pcb *u);
struct udp_pcb *udp_pcb_first(void);
/* Hook: a datagram was queued or an error arrived (the socket wakes). */
void udp_notify(struct udp_pcb *u, uint32_t events);

#endif
