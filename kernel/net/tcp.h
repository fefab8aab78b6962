/* TCP (RFC 9293) as a protocol engine: connection blocks (pcbs), segment
 * input, output, timers. It touches no hardware and no kernel service
 * except through the few hooks below, so the host unit tests
 * (test/unit/kernel/tcp_test.c) drive it with crafted segments on a
 * virtual clock. Sockets sit above (inet_sock.c), IPv4 below.
 *
 * Implemented: the full state machine, listen backlog (SYN and accept
 * queues), RFC 6298 RTO with Karn's rule and exponential backoff, fast
 * retransmit and NewReno recovery (RFC 5681, RFC 6582), window scaling and
 * timestamps (RFC 7323), MSS, Nagle and TCP_NODELAY, delayed ACKs, zero-window
 * probes, keep-alive, TIME_WAIT, RST and challenge ACKs (RFC 5961).
 * Receive-side out-of-order data is kept in the ring itself (up to 8 holes).
 * Not yet: SACK, ECN, urgent data (MSG_OOB), TCP Fast Open.
 *
 * Every function here requires net_lock. */
#ifndef NET_TCP_H
#define NET_TCP_H
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

/* States with Linux's numbers (/proc/net/tcp, TCP_INFO). */
enum {
	TCP_ESTABLISHED = 1, TCP_SYN_SENT, TCP_SYN_RECV, TCP_FIN_WAIT1, TCP_FIN_WAIT2,
	TCP_TIME_WAIT, TCP_CLOSE, TCP_CLOSE_WAIT, TCP_LAST_ACK, TCP_LISTEN, TCP_CLOSING,
};

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define TCP_URG 0x20

#define TCP_RTO_MIN      200       /* ms, Linux's TCP_RTO_MIN (RFC 6298 allows it) */
#define TCP_RTO_MAX      120000
#define TCP_RTO_INIT     1000      /* RFC 6298 (2.1) */
#define TCP_DELACK_MS    40
#define TCP_TIMEWAIT_MS  60000     /* Linux's TCP_TIMEWAIT_LEN */
#define TCP_FIN_TIMEOUT  60000     /* net.ipv4.tcp_fin_timeout */
#define TCP_SYN_RETRIES  6
#define TCP_SYNACK_RETRIES 5
#define TCP_RETRIES2     15
#define TCP_MAX_OOO      8
#define TCP_DEFAULT_MSS  536       /* RFC 9293: when the peer sends no MSS option */
#define TCP_EPHEMERAL_LO 32768     /* net.ipv4.ip_local_port_range */
#define TCP_EPHEMERAL_HI 60999

struct tcp_stats {
	uint64_t ActiveOpens, PassiveOpens, AttemptFails, EstabResets, InSegs, OutSegs, RetransSegs,
		 InErrs, OutRsts, InCsumErrors;
	/* TcpExt */
	uint64_t FastRetrans, Timeouts, DupAcks, DelayedACKs, ListenOverflows, ListenDrops,
		 KeepAliveProbes, ZeroWindowProbes, OfoQueue, ChallengeACKs, PAWSDrops, OutOfWindow;
};
extern struct tcp_stats tcp_stats;

struct tcp_range { uint32_t start, end; };

struct tcp_pcb {
	struct tcp_pcb *next, *prev;  /* the active list, or the TIME_WAIT list (in_tw) */
	struct tcp_pcb *hnext;       /* connection hash chain (hashed: the 4-tuple is set) */
	struct tcp_pcb *lnext;       /* the listeners */
	int state;
	uint32_t laddr, raddr;       /* host order */
	uint16_t lport, rport;
	void *user;                  /* the socket, or NULL (unaccepted child, closed socket) */
	bool detached;               /* the user closed it: free once CLOSED */
	bool in_list, in_tw, hashed, listening;
	bool was_connected;

	/* options set through the socket */
	bool nodelay, cork, keepalive, reuseaddr, reuseport;
	uint32_t keepidle_ms, keepintvl_ms, keepcnt;
	uint32_t user_mss;
	uint8_t ttl, tos;
	bool linger0;                /* SO_LINGER on with 0 s: close sends RST */

	/* send side: ring [shead, shead+slen) holds sequence [snd_buf_seq, +slen) */
	uint32_t iss, snd_una, snd_nxt, snd_max, snd_wnd, snd_wl1, snd_wl2, snd_buf_seq, max_wnd;
	uint8_t *sbuf;
	uint32_t scap, shead, slen;
	bool fin_queued;
	uint32_t mss;                /* payload bytes per segment we send */
	uint32_t tso_max;            /* payload bytes per segment the NIC cuts into mss pieces (0: no TSO) */
	uint32_t cwnd, ssthresh, recover, dupacks;
	bool in_recovery;
	uint8_t snd_wscale, rcv_wscale;
	bool ws_ok, ts_ok;
	uint32_t ts_recent, ts_offset, last_ack_sent;
	uint32_t srtt_us, rttvar_us, rto;   /* rto in ms */
	bool rtt_valid, rtt_timing;
	uint32_t rtt_seq;
	uint64_t rtt_start;
	uint32_t retries;

	/* receive side: ring [rhead, rhead+rlen) is readable; out-of-order
	 * bytes sit further on at their sequence offsets, listed in ooo[] */
	uint32_t irs, rcv_nxt, rcv_adv;
	uint8_t *rbuf;
	uint32_t rcap, rhead, rlen;
	struct tcp_range ooo[TCP_MAX_OOO];
	int nooo;
	bool ooo_fin;
	uint32_t ooo_fin_seq;
	bool fin_rcvd;
	uint32_t rcv_mss;
	bool ack_now;
	uint32_t unacked_segs;

	/* timers: deadlines in ms, 0 = off */
	uint64_t t_rexmit, t_delack, t_keep, t_persist, t_2msl;
	uint64_t last_rcv;
	uint64_t last_oow_ack;        /* rate limit of duplicate ACKs for out-of-window segments */
	uint32_t keep_probes, persist_backoff;
	int error;                   /* pending SO_ERROR, positive errno */

	/* listeners */
	struct tcp_pcb *parent;
	int backlog, synq_len, acq_len;
	struct tcp_pcb *acq_head, *acq_tail, *acq_next;
	uint32_t rcvbuf_size, sndbuf_size;
};

/* --- hooks the engine calls (inet_sock.c in the kernel, the test harness on the host) --- */
/* Readiness of pcb changed (POLLIN/POLLOUT/POLLHUP/POLLERR bits). */
void tcp_notify(struct tcp_pcb *pcb, uint32_t events);
/* Run tcp_timers no later than deadline (ms). */
void tcp_timer_request(uint64_t deadline);

/* --- the socket-facing API --- */
/* A closed pcb with ring sizes for later. NULL when out of memory. */
struct tcp_pcb *tcp_pcb_new(uint32_t rcvbuf, uint32_t sndbuf);
/* Binds to addr:port (port 0 = ephemeral). -EADDRINUSE, -EINVAL (already bound). */
int tcp_bind(struct tcp_pcb *pcb, uint32_t addr, uint16_t port);
int tcp_listen(struct tcp_pcb *pcb, int backlog);
/* Starts an active open: SYN sent, state SYN_SENT. -EISCONN, -EALREADY, -ENETUNREACH, -EADDRNOTAVAIL. */
int tcp_connect(struct tcp_pcb *pcb, uint32_t raddr, uint16_t rport);
/* The next established connection of a listener (the caller owns it), or NULL. */
struct tcp_pcb *tcp_accept(struct tcp_pcb *pcb);
/* Queues up to n bytes; returns the count (> 0), -EAGAIN when no room yet
 * (or not connected yet), -EPIPE, -ENOTCONN or the pending error. more: MSG_MORE. */
long tcp_send(struct tcp_pcb *pcb, const void *buf, size_t n, bool more);
/* Copies up to n bytes out; returns the count, 0 at end of stream, -EAGAIN, -ENOTCONN, or the pending error. */
long tcp_recv(struct tcp_pcb *pcb, void *buf, size_t n, bool peek);
/* Half-close: how as shutdown(2) (0 read, 1 write, 2 both). */
void tcp_shutdown(struct tcp_pcb *pcb, int how);
/* The user is done with pcb: graceful close (FIN) or RST (unread data,
 * linger 0); the pcb lives on until the exchange ends, then frees itself. */
void tcp_close(struct tcp_pcb *pcb);
/* Sends RST and closes (connection reset by the user). */
void tcp_abort(struct tcp_pcb *pcb);
/* Readiness for poll: POLLIN/POLLOUT/POLLHUP/POLLERR/POLLRDHUP. Lock-free reads. */
uint32_t tcp_poll(const struct tcp_pcb *pcb);
/* Bytes tcp_send can take now, counting growth of the send ring to its limit. Lock-free read. */
uint32_t tcp_send_space(const struct tcp_pcb *pcb);
/* Bytes readable now (FIONREAD). */
static inline uint32_t tcp_readable_bytes(const struct tcp_pcb *pcb) { return pcb->rlen; }
/* Re-reads pcb->rcvbuf_size/sndbuf_size before the connection starts. */
void tcp_set_bufsizes(struct tcp_pcb *pcb, uint32_t rcvbuf, uint32_t sndbuf);
/* Re-evaluates sending (after TCP_NODELAY or TCP_CORK changes). */
void tcp_output(struct tcp_pcb *pcb);
/* Keep-alive option changes: re-arms the timer. */
void tcp_keepalive_changed(struct tcp_pcb *pcb);

/* --- the stack-facing API --- */
/* Runs every expired timer; returns the next deadline (ms), 0 = none. */
uint64_t tcp_timers(uint64_t now);
/* Iterates pcbs for /proc/net/tcp. */
struct tcp_pcb *tcp_pcb_first(void);
/* Every pcb with a local port: the active ones, then those in TIME_WAIT. */
struct tcp_pcb *tcp_pcb_next(struct tcp_pcb *pcb);
/* Number of connections in ESTABLISHED or CLOSE_WAIT (CurrEstab). */
uint32_t tcp_curr_estab(void);

#endif
