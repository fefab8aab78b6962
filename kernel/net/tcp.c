/* TCP: the protocol engine (see tcp.h for what it covers). Sockets call
 * the tcp_* API with net_lock held; ipv4.c hands segments to tcp_input;
 * the stack's timer calls tcp_timers. This file is one unit so the host
 * tests can link it alone; it reads top-down: pcbs and ports, output,
 * timers, input, then the socket-facing calls. */
#include "net/tcp.h"
#include "net/ipv4.h"
#include "net/pkt.h"
#include "net/inet.h"
#include "net/l4csum.h"
#include "core/random.h"
#include "mm/kmalloc.h"
#include "lib/string.h"
#include "lib/errno.h"

#ifndef POLLIN
#define POLLIN     0x001
#define POLLOUT    0x004
#define POLLERR    0x008
#define POLLHUP    0x010
#define POLLRDNORM 0x040
#define POLLWRNORM 0x100
#define POLLRDHUP  0x2000
#endif

struct tcp_stats tcp_stats;
/* Every pcb with a local port is on one of two lists: the active one (walked by the timers)
 * or the TIME_WAIT one, in expiry order (all last TCP_TIMEWAIT_MS), so the thousands a busy
 * server keeps cost nothing until they expire. Segments find connections through a hash of
 * the 4-tuple and listeners on their own short list. */
static struct tcp_pcb *pcbs;
static struct tcp_pcb *tw_head, *tw_tail;
static struct tcp_pcb *listeners;
#define TCP_HASH_BITS 12
static struct tcp_pcb *conn_hash[1u << TCP_HASH_BITS];

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* --- pcbs and ports --- */

struct tcp_pcb *tcp_pcb_first(void) { return pcbs ? pcbs : tw_head; }

struct tcp_pcb *tcp_pcb_next(struct tcp_pcb *pcb)
{
	return pcb->next ? pcb->next : pcb->in_tw ? NULL : tw_head;
}

static uint32_t tuple_hash(uint32_t laddr, uint16_t lport, uint32_t raddr, uint16_t rport)
{
	uint32_t x = laddr * 0x9e3779b1u ^ raddr ^ ((uint32_t)lport << 16 | rport) * 0x85ebca6bu;
	return (x ^ x >> 15) * 0x2c1b3c6du >> (32 - TCP_HASH_BITS);
}

static void hash_add(struct tcp_pcb *pcb)
{
	if (pcb->hashed)
		return;
	struct tcp_pcb **b = &conn_hash[tuple_hash(pcb->laddr, pcb->lport, pcb->raddr, pcb->rport)];
	pcb->hnext = *b;
	*b = pcb;
	pcb->hashed = true;
}

static void hash_del(struct tcp_pcb *pcb)
{
	if (!pcb->hashed)
		return;
	for (struct tcp_pcb **pp = &conn_hash[tuple_hash(pcb->laddr, pcb->lport, pcb->raddr, pcb->rport)]; *pp; pp = &(*pp)->hnext)
		if (*pp == pcb) {
			*pp = pcb->hnext;
			break;
		}
	pcb->hashed = false;
}

/* The connection with this exact 4-tuple that is not closed. */
static struct tcp_pcb *hash_find(uint32_t laddr, uint16_t lport, uint32_t raddr, uint16_t rport)
{
	for (struct tcp_pcb *p = conn_hash[tuple_hash(laddr, lport, raddr, rport)]; p; p = p->hnext)
		if (p->lport == lport && p->rport == rport && p->raddr == raddr && p->laddr == laddr && p->state != TCP_CLOSE)
			return p;
	return NULL;
}

static void listener_add(struct tcp_pcb *pcb)
{
	if (pcb->listening)
		return;
	pcb->lnext = listeners;
	listeners = pcb;
	pcb->listening = true;
}

static void listener_del(struct tcp_pcb *pcb)
{
	if (!pcb->listening)
		return;
	for (struct tcp_pcb **pp = &listeners; *pp; pp = &(*pp)->lnext)
		if (*pp == pcb) {
			*pp = pcb->lnext;
			break;
		}
	pcb->listening = false;
}

struct tcp_pcb *tcp_pcb_new(uint32_t rcvbuf, uint32_t sndbuf)
{
	struct tcp_pcb *pcb = kzalloc(sizeof(*pcb));
	if (!pcb)
		return NULL;
	pcb->state = TCP_CLOSE;
	pcb->rcvbuf_size = rcvbuf;
	pcb->sndbuf_size = sndbuf;
	pcb->ttl = IP_DEFAULT_TTL;
	pcb->keepidle_ms = 7200 * 1000;
	pcb->keepintvl_ms = 75 * 1000;
	pcb->keepcnt = 9;
	pcb->rto = TCP_RTO_INIT;
	pcb->mss = TCP_DEFAULT_MSS;
	return pcb;
}

void tcp_set_bufsizes(struct tcp_pcb *pcb, uint32_t rcvbuf, uint32_t sndbuf)
{
	pcb->rcvbuf_size = rcvbuf;
	pcb->sndbuf_size = sndbuf;
}

static void list_add(struct tcp_pcb *pcb)
{
	if (pcb->in_list)
		return;
	pcb->prev = NULL;
	pcb->next = pcbs;
	if (pcbs)
		pcbs->prev = pcb;
	pcbs = pcb;
	pcb->in_list = true;
}

static void list_remove(struct tcp_pcb *pcb)
{
	if (!pcb->in_list)
		return;
	if (pcb->prev)
		pcb->prev->next = pcb->next;
	else if (pcb->in_tw)
		tw_head = pcb->next;
	else
		pcbs = pcb->next;
	if (pcb->next)
		pcb->next->prev = pcb->prev;
	else if (pcb->in_tw)
		tw_tail = pcb->prev;
	pcb->next = pcb->prev = NULL;
	pcb->in_list = pcb->in_tw = false;
}

/* To the tail of the TIME_WAIT list: its expiry is the latest. */
static void tw_append(struct tcp_pcb *pcb)
{
	list_remove(pcb);
	pcb->next = NULL;
	pcb->prev = tw_tail;
	if (tw_tail)
		tw_tail->next = pcb;
	else
		tw_head = pcb;
	tw_tail = pcb;
	pcb->in_list = pcb->in_tw = true;
}

static void pcb_free(struct tcp_pcb *pcb)
{
	list_remove(pcb);
	hash_del(pcb);
	listener_del(pcb);
	kfree(pcb->sbuf);
	kfree(pcb->rbuf);
	kfree(pcb);
}

static void timers_off(struct tcp_pcb *pcb)
{
	pcb->t_rexmit = pcb->t_delack = pcb->t_keep = pcb->t_persist = pcb->t_2msl = 0;
}

static void set_timer(uint64_t *slot, uint64_t deadline)
{
	*slot = deadline;
	tcp_timer_request(deadline);
}

/* TIME_WAIT lasts 60 s and a server that closes first has one per connection (thousands
 * under churn): it keeps only the pcb. Everything sent was acknowledged, nothing more can be
 * received; unread data stays until the user reads it or closes. */
static void enter_time_wait(struct tcp_pcb *pcb, uint64_t now)
{
	pcb->state = TCP_TIME_WAIT;
	timers_off(pcb);
	set_timer(&pcb->t_2msl, now + TCP_TIMEWAIT_MS);
	tw_append(pcb);
	if (pcb->slen == 0) {
		kfree(pcb->sbuf);
		pcb->sbuf = NULL;
		pcb->scap = 0;
		pcb->shead = 0;
	}
	if (pcb->rlen == 0) {
		kfree(pcb->rbuf);
		pcb->rbuf = NULL;
		pcb->rhead = 0;   /* rcap stays: the window our ACKs advertise */
	}
}

static void notify(struct tcp_pcb *pcb, uint32_t ev)
{
	if (pcb->user)
		tcp_notify(pcb, ev);
}

/* Enters CLOSED. A pcb the user let go of is freed; one still owned by a
 * socket stays (bound) until tcp_close. Returns true when pcb was freed. */
static bool set_closed(struct tcp_pcb *pcb)
{
	bool was_synrecv_child = pcb->state == TCP_SYN_RECV && pcb->parent;
	if (was_synrecv_child)
		pcb->parent->synq_len--;
	pcb->state = TCP_CLOSE;
	timers_off(pcb);
	hash_del(pcb);
	listener_del(pcb);
	if (pcb->in_tw) {   /* back to the active list: still bound while its socket is open */
		list_remove(pcb);
		list_add(pcb);
	}
	if (pcb->detached || (was_synrecv_child && !pcb->user)) {
		pcb_free(pcb);
		return true;
	}
	notify(pcb, POLLIN | POLLOUT | POLLHUP | POLLERR | POLLRDHUP);
	return false;
}

/* Linux's bind conflict rule (inet_csk_bind_conflict), simplified: two
 * sockets may share a port when their addresses differ (neither is the
 * wildcard), when both set SO_REUSEPORT, or when the new one sets
 * SO_REUSEADDR and the old one is not listening (TIME_WAIT needs only ours). */
static bool port_conflict(const struct tcp_pcb *pcb, uint32_t addr, uint16_t port)
{
	for (struct tcp_pcb *o = tcp_pcb_first(); o; o = tcp_pcb_next(o)) {
		if (o == pcb || o->lport != port)
			continue;
		if (addr && o->laddr && addr != o->laddr)
			continue;
		if (pcb->reuseport && o->reuseport)
			continue;
		if (pcb->reuseaddr && o->state != TCP_LISTEN && (o->reuseaddr || o->state == TCP_TIME_WAIT || o->parent == NULL))
			if (o->state != TCP_CLOSE || !o->user)
				continue;
		if (pcb->reuseaddr && o->state == TCP_TIME_WAIT)
			continue;
		return true;
	}
	return false;
}

static bool port_used(uint16_t port)
{
	for (struct tcp_pcb *o = tcp_pcb_first(); o; o = tcp_pcb_next(o))
		if (o->lport == port)
			return true;
	return false;
}

static uint16_t ephemeral_port(void)
{
	uint32_t range = TCP_EPHEMERAL_HI - TCP_EPHEMERAL_LO + 1;
	uint32_t start = (uint32_t)(random_u64() % range);
	for (uint32_t i = 0; i < range; i++) {
		uint16_t port = (uint16_t)(TCP_EPHEMERAL_LO + (start + i) % range);
		if (!port_used(port))
			return port;
	}
	return 0;
}

int tcp_bind(struct tcp_pcb *pcb, uint32_t addr, uint16_t port)
{
	if (pcb->lport || pcb->state != TCP_CLOSE)
		return -EINVAL;
	if (!port) {
		port = ephemeral_port();
		if (!port)
			return -EADDRINUSE;
	} else if (port_conflict(pcb, addr, port)) {
		return -EADDRINUSE;
	}
	pcb->laddr = addr;
	pcb->lport = port;
	list_add(pcb);
	return 0;
}

/* --- output --- */

static uint32_t now32(void) { return (uint32_t)net_now_ms(); }

static void ring_copy_out(const uint8_t *ring, uint32_t cap, uint32_t pos, uint8_t *dst, uint32_t n)
{
	pos %= cap;
	uint32_t first = MIN(n, cap - pos);
	memcpy(dst, ring + pos, first);
	memcpy(dst + first, ring, n - first);
}

static void ring_copy_in(uint8_t *ring, uint32_t cap, uint32_t pos, const uint8_t *src, uint32_t n)
{
	pos %= cap;
	uint32_t first = MIN(n, cap - pos);
	memcpy(ring + pos, src, first);
	memcpy(ring, src + first, n - first);
}

/* The receive window we can offer now (bytes), SWS-avoided (RFC 9293
 * 3.8.6.2.2): the right edge moves only by a full MSS or half the buffer. */
static uint32_t rcv_window(struct tcp_pcb *pcb)
{
	uint32_t free = pcb->rcap - pcb->rlen;
	uint32_t max = pcb->ws_ok ? (65535u << pcb->rcv_wscale) : 65535u;
	if (free > max)
		free = max;
	uint32_t old = SEQ_GT(pcb->rcv_adv, pcb->rcv_nxt) ? pcb->rcv_adv - pcb->rcv_nxt : 0;
	if (free > old && free - old < MIN(pcb->rcap / 2, pcb->rcv_mss) && old > 0)
		return old;
	return MAX(free, old);
}

/* Builds and sends one segment: len bytes of the send ring starting at seq. */
static void xmit(struct tcp_pcb *pcb, uint32_t seq, uint32_t len, uint8_t flags)
{
	uint8_t opts[40];
	uint32_t olen = 0;
	uint32_t tsval = now32() + pcb->ts_offset;
	if (flags & TCP_SYN) {
		opts[0] = 2; opts[1] = 4;
		wr16(opts + 2, (uint16_t)pcb->rcv_mss);
		olen = 4;
		bool offer = pcb->state == TCP_SYN_SENT || pcb->state == TCP_CLOSE;
		if (offer || pcb->ts_ok) {
			opts[olen++] = 1; opts[olen++] = 1;
			opts[olen++] = 8; opts[olen++] = 10;
			wr32(opts + olen, tsval);
			wr32(opts + olen + 4, pcb->ts_ok ? pcb->ts_recent : 0);
			olen += 8;
		}
		if (offer || pcb->ws_ok) {
			opts[olen++] = 1;
			opts[olen++] = 3; opts[olen++] = 3; opts[olen++] = pcb->rcv_wscale;
		}
	} else if (pcb->ts_ok) {
		opts[0] = 1; opts[1] = 1; opts[2] = 8; opts[3] = 10;
		wr32(opts + 4, tsval);
		wr32(opts + 8, pcb->ts_recent);
		olen = 12;
	}
	struct pkt *p = pkt_alloc(TCP_HLEN + olen + len);
	if (!p)
		return;
	if (len > pcb->mss)
		p->gso_size = (uint16_t)pcb->mss;
	uint8_t *h = pkt_put(p, TCP_HLEN + olen + len);
	if (len)
		ring_copy_out(pcb->sbuf, pcb->scap, pcb->shead + (seq - pcb->snd_buf_seq), h + TCP_HLEN + olen, len);
	uint32_t win = 0;
	if (!(flags & TCP_RST)) {
		win = rcv_window(pcb);
		if (flags & TCP_SYN)
			win = MIN(win, 65535u);
		else
			win >>= pcb->rcv_wscale;
		win = MIN(win, 65535u);
	}
	wr16(h, pcb->lport);
	wr16(h + 2, pcb->rport);
	wr32(h + 4, seq);
	wr32(h + 8, (flags & TCP_ACK) ? pcb->rcv_nxt : 0);
	h[12] = (uint8_t)(((TCP_HLEN + olen) / 4) << 4);
	h[13] = flags;
	wr16(h + 14, (uint16_t)win);
	wr16(h + 16, 0);
	wr16(h + 18, 0);
	memcpy(h + TCP_HLEN, opts, olen);
	l4csum_partial(p, h, 16, csum_pseudo(pcb->laddr, pcb->raddr, IPPROTO_TCP, p->len));
	if (flags & TCP_ACK) {
		uint32_t scaled = (flags & TCP_SYN) ? win : (win << pcb->rcv_wscale);
		if (SEQ_GT(pcb->rcv_nxt + scaled, pcb->rcv_adv) || pcb->rcv_adv == 0)
			pcb->rcv_adv = pcb->rcv_nxt + scaled;
		pcb->last_ack_sent = pcb->rcv_nxt;
		pcb->ack_now = false;
		pcb->unacked_segs = 0;
		pcb->t_delack = 0;
	}
	tcp_stats.OutSegs++;
	if (flags & TCP_RST)
		tcp_stats.OutRsts++;
	ipv4_output(p, pcb->laddr, pcb->raddr, IPPROTO_TCP, pcb->ttl, pcb->tos, 1);
}

/* A RST in answer to a segment that belongs to no connection (RFC 9293 3.10.7.1). */
static void send_reset(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
		       bool with_ack)
{
	struct pkt *p = pkt_alloc(TCP_HLEN);
	if (!p)
		return;
	uint8_t *h = pkt_put(p, TCP_HLEN);
	memset(h, 0, TCP_HLEN);
	wr16(h, sport);
	wr16(h + 2, dport);
	wr32(h + 4, seq);
	wr32(h + 8, with_ack ? ack : 0);
	h[12] = 5 << 4;
	h[13] = TCP_RST | (with_ack ? TCP_ACK : 0);
	l4csum_partial(p, h, 16, csum_pseudo(src, dst, IPPROTO_TCP, TCP_HLEN));
	tcp_stats.OutSegs++;
	tcp_stats.OutRsts++;
	ipv4_output(p, src, dst, IPPROTO_TCP, IP_DEFAULT_TTL, 0, 1);
}

static void send_rst_for(struct tcp_pcb *pcb)
{
	xmit(pcb, pcb->snd_nxt, 0, TCP_RST | TCP_ACK);
}

static bool data_state(int st)
{
	return st == TCP_ESTABLISHED || st == TCP_CLOSE_WAIT || st == TCP_FIN_WAIT1 || st == TCP_CLOSING ||
	       st == TCP_LAST_ACK;
}

static uint32_t fin_seq(const struct tcp_pcb *pcb) { return pcb->snd_buf_seq + pcb->slen; }

static bool fin_sent(const struct tcp_pcb *pcb)
{
	return pcb->fin_queued && SEQ_GT(pcb->snd_max, fin_seq(pcb));
}

static void arm_rexmit(struct tcp_pcb *pcb)
{
	set_timer(&pcb->t_rexmit, net_now_ms() + pcb->rto);
}

void tcp_output(struct tcp_pcb *pcb)
{
	if (!data_state(pcb->state)) {
		if (pcb->ack_now && (pcb->state == TCP_FIN_WAIT2 || pcb->state == TCP_TIME_WAIT))
			xmit(pcb, pcb->snd_nxt, 0, TCP_ACK);
		return;
	}
	bool sent = false;
	for (;;) {
		uint32_t off = pcb->snd_nxt - pcb->snd_buf_seq;
		if (off > pcb->slen)
			break;   /* the FIN is out */
		uint32_t unsent = pcb->slen - off;
		/* Limited Transmit (RFC 3042): the first two duplicate ACKs each let one new segment out. */
		uint32_t lt = !pcb->in_recovery && pcb->dupacks < 3 ? pcb->dupacks * pcb->mss : 0;
		uint32_t wnd = MIN(pcb->snd_wnd, pcb->cwnd + lt);
		uint32_t inflight = pcb->snd_nxt - pcb->snd_una;
		uint32_t usable = wnd > inflight ? wnd - inflight : 0;
		uint32_t len = MIN(MIN(unsent, MAX(pcb->mss, pcb->tso_max)), usable);
		/* A TSO segment carries whole mss pieces, except a tail that Nagle (or the lack of
		 * more data) would let out on its own anyway (Linux's tcp_mss_split_point). */
		if (len > pcb->mss && len % pcb->mss &&
		    !(len == unsent && !pcb->cork && (pcb->nodelay || inflight == 0)))
			len -= len % pcb->mss;
		bool fin = pcb->fin_queued && off + len == pcb->slen;
		if (len == 0 && !fin)
			break;
		if (fin && len == 0 && unsent == 0 && usable == 0 && pcb->snd_wnd == 0 && inflight)
			break;
		/* Nagle (RFC 896): hold a small segment while data is unacknowledged;
		 * TCP_CORK/MSG_MORE hold it regardless (until the 200 ms the user gets). */
		if (len < pcb->mss && len < unsent + 1 && !fin) {
			if (pcb->cork)
				break;
			if (!pcb->nodelay && inflight > 0)
				break;
		}
		if (len < unsent && len < pcb->mss && len == usable && inflight > 0)
			break;   /* sender SWS avoidance: wait for the window to open */
		uint8_t flags = TCP_ACK;
		if (len && off + len == pcb->slen)
			flags |= TCP_PSH;
		if (fin)
			flags |= TCP_FIN;
		if (!pcb->rtt_timing && !pcb->ts_ok && len && pcb->snd_nxt == pcb->snd_max) {
			pcb->rtt_timing = true;
			pcb->rtt_seq = pcb->snd_nxt;
			pcb->rtt_start = net_now_ms();
		}
		if (SEQ_LT(pcb->snd_nxt, pcb->snd_max))
			tcp_stats.RetransSegs++;
		xmit(pcb, pcb->snd_nxt, len, flags);
		sent = true;
		pcb->snd_nxt += len + (fin ? 1 : 0);
		if (SEQ_GT(pcb->snd_nxt, pcb->snd_max))
			pcb->snd_max = pcb->snd_nxt;
		if (!pcb->t_rexmit)
			arm_rexmit(pcb);
		pcb->t_persist = 0;
		if (fin)
			break;
	}
	if (!sent && pcb->ack_now)
		xmit(pcb, pcb->snd_nxt, 0, TCP_ACK);
	/* Zero window with data waiting and nothing in flight: probe (RFC 9293 3.8.6.1). */
	uint32_t off = pcb->snd_nxt - pcb->snd_buf_seq;
	if (pcb->snd_wnd == 0 && off < pcb->slen && pcb->snd_nxt == pcb->snd_una && !pcb->t_persist) {
		pcb->t_rexmit = 0;
		uint32_t d = MIN(MAX(pcb->rto, TCP_RTO_MIN) << MIN(pcb->persist_backoff, 10), TCP_RTO_MAX);
		set_timer(&pcb->t_persist, net_now_ms() + d);
	}
}

static void send_syn(struct tcp_pcb *pcb, bool ack)
{
	xmit(pcb, pcb->iss, 0, TCP_SYN | (ack ? TCP_ACK : 0));
	pcb->snd_nxt = pcb->iss + 1;
	if (SEQ_GT(pcb->snd_nxt, pcb->snd_max))
		pcb->snd_max = pcb->snd_nxt;
	arm_rexmit(pcb);
}

/* --- RTT and congestion control --- */

/* RFC 6298 (2.2)-(2.4), in microseconds. */
static void rtt_sample(struct tcp_pcb *pcb, uint32_t ms)
{
	uint32_t r = ms * 1000;
	if (!pcb->rtt_valid) {
		pcb->srtt_us = r;
		pcb->rttvar_us = r / 2;
		pcb->rtt_valid = true;
	} else {
		uint32_t diff = pcb->srtt_us > r ? pcb->srtt_us - r : r - pcb->srtt_us;
		pcb->rttvar_us = (3 * pcb->rttvar_us + diff) / 4;
		pcb->srtt_us = (7 * pcb->srtt_us + r) / 8;
	}
	uint32_t var = MAX(1000u, 4 * pcb->rttvar_us);   /* G = 1 ms clock granularity */
	uint32_t rto = (pcb->srtt_us + var + 999) / 1000;
	pcb->rto = MIN(MAX(rto, (uint32_t)TCP_RTO_MIN), (uint32_t)TCP_RTO_MAX);
}

static void init_cwnd(struct tcp_pcb *pcb)
{
	/* RFC 5681 (3.1) / RFC 6928: an initial window of 10 segments, as Linux. */
	pcb->cwnd = 10 * pcb->mss;
	pcb->ssthresh = 0x7fffffff;
}

static uint32_t flight(const struct tcp_pcb *pcb) { return pcb->snd_max - pcb->snd_una; }

/* --- timers --- */

/* Returns true when pcb was freed. */
static bool rexmit_timeout(struct tcp_pcb *pcb, uint64_t now)
{
	pcb->t_rexmit = 0;
	tcp_stats.Timeouts++;
	pcb->retries++;
	int limit = pcb->state == TCP_SYN_SENT ? TCP_SYN_RETRIES :
		    pcb->state == TCP_SYN_RECV ? TCP_SYNACK_RETRIES : TCP_RETRIES2;
	if ((int)pcb->retries > limit) {
		if (pcb->state == TCP_SYN_SENT)
			tcp_stats.AttemptFails++;
		pcb->error = ETIMEDOUT;
		return set_closed(pcb);
	}
	pcb->rto = MIN(pcb->rto * 2, (uint32_t)TCP_RTO_MAX);
	pcb->rtt_timing = false;   /* Karn */
	if (pcb->state == TCP_SYN_SENT || pcb->state == TCP_SYN_RECV) {
		tcp_stats.RetransSegs++;
		send_syn(pcb, pcb->state == TCP_SYN_RECV);
		return false;
	}
	/* RFC 5681 (4): loss window. */
	pcb->ssthresh = MAX(flight(pcb) / 2, 2 * pcb->mss);
	pcb->cwnd = pcb->mss;
	pcb->in_recovery = false;
	pcb->dupacks = 0;
	pcb->recover = pcb->snd_max;
	pcb->snd_nxt = pcb->snd_una;
	tcp_output(pcb);
	if (!pcb->t_rexmit && pcb->snd_una != pcb->snd_max)
		arm_rexmit(pcb);
	return false;
}

/* Returns true when pcb was freed. */
static bool keepalive_timeout(struct tcp_pcb *pcb, uint64_t now)
{
	pcb->t_keep = 0;
	if (!pcb->keepalive || (pcb->state != TCP_ESTABLISHED && pcb->state != TCP_CLOSE_WAIT))
		return false;
	uint64_t idle = now - pcb->last_rcv;
	if (idle < pcb->keepidle_ms && pcb->keep_probes == 0) {
		set_timer(&pcb->t_keep, pcb->last_rcv + pcb->keepidle_ms);
		return false;
	}
	if (pcb->keep_probes >= pcb->keepcnt) {
		pcb->error = ETIMEDOUT;
		send_rst_for(pcb);
		return set_closed(pcb);
	}
	/* A probe: one byte below snd_una, no data (RFC 1122 4.2.3.6). */
	tcp_stats.KeepAliveProbes++;
	xmit(pcb, pcb->snd_una - 1, 0, TCP_ACK);
	pcb->keep_probes++;
	set_timer(&pcb->t_keep, now + pcb->keepintvl_ms);
	return false;
}

void tcp_keepalive_changed(struct tcp_pcb *pcb)
{
	if (pcb->keepalive && (pcb->state == TCP_ESTABLISHED || pcb->state == TCP_CLOSE_WAIT)) {
		pcb->keep_probes = 0;
		set_timer(&pcb->t_keep, net_now_ms() + pcb->keepidle_ms);
	} else {
		pcb->t_keep = 0;
	}
}

uint64_t tcp_timers(uint64_t now)
{
	while (tw_head && tw_head->t_2msl <= now) {
		tw_head->t_2msl = 0;
		set_closed(tw_head);   /* leaves the list either way */
	}
	uint64_t next = tw_head ? tw_head->t_2msl : 0;
	struct tcp_pcb *pcb = pcbs, *nx;
	for (; pcb; pcb = nx) {
		nx = pcb->next;
		if (pcb->t_2msl && pcb->t_2msl <= now) {
			pcb->t_2msl = 0;
			if (set_closed(pcb))
				continue;
		}
		if (pcb->t_delack && pcb->t_delack <= now) {
			pcb->t_delack = 0;
			if (pcb->unacked_segs || pcb->ack_now) {
				tcp_stats.DelayedACKs++;
				pcb->ack_now = true;
				tcp_output(pcb);
			}
		}
		if (pcb->t_persist && pcb->t_persist <= now) {
			pcb->t_persist = 0;
			tcp_stats.ZeroWindowProbes++;
			xmit(pcb, pcb->snd_una - 1, 0, TCP_ACK);
			pcb->persist_backoff++;
			uint32_t d = MIN(MAX(pcb->rto, TCP_RTO_MIN) << MIN(pcb->persist_backoff, 10), TCP_RTO_MAX);
			set_timer(&pcb->t_persist, now + d);
		}
		if (pcb->t_keep && pcb->t_keep <= now && keepalive_timeout(pcb, now))
			continue;
		/* Last: it may free the pcb. */
		if (pcb->t_rexmit && pcb->t_rexmit <= now && rexmit_timeout(pcb, now))
			continue;
		uint64_t t[5] = { pcb->t_rexmit, pcb->t_delack, pcb->t_keep, pcb->t_persist, pcb->t_2msl };
		for (int i = 0; i < 5; i++)
			if (t[i] && (!next || t[i] < next))
				next = t[i];
	}
	return next;
}

uint32_t tcp_curr_estab(void)
{
	uint32_t n = 0;
	for (struct tcp_pcb *p = pcbs; p; p = p->next)
		if (p->state == TCP_ESTABLISHED || p->state == TCP_CLOSE_WAIT)
			n++;
	return n;
}

/* --- connection set-up --- */

/* Ring sizes: the socket's buffer size is the most a ring grows to; a
 * connection starts small (TCP_RBUF_INIT/TCP_SBUF_INIT) and grows when the
 * data keeps it full, so thousands of idle connections stay cheap. */
#define TCP_RBUF_INIT 65536u
#define TCP_SBUF_INIT 16384u
static uint32_t rmax(const struct tcp_pcb *pcb) { return MIN(MAX(pcb->rcvbuf_size, 4096u), 4u << 20); }
static uint32_t smax(const struct tcp_pcb *pcb) { return MIN(MAX(pcb->sndbuf_size, 4096u), 4u << 20); }

uint32_t tcp_send_space(const struct tcp_pcb *pcb)
{
	uint32_t m = smax(pcb);
	return pcb->slen < m ? m - pcb->slen : 0;
}

/* Replaces a ring by a bigger one holding the same n bytes from head at offset 0. */
static bool ring_grow(uint8_t **ring, uint32_t *cap, uint32_t *head, uint32_t n, uint32_t newcap)
{
	uint8_t *nb = kmalloc(newcap);
	if (!nb)
		return false;
	if (n)
		ring_copy_out(*ring, *cap, *head, nb, n);
	kfree(*ring);
	*ring = nb;
	*cap = newcap;
	*head = 0;
	return true;
}

static int alloc_bufs(struct tcp_pcb *pcb)
{
	if (pcb->rbuf)
		return 0;
	pcb->rcap = MIN(rmax(pcb), TCP_RBUF_INIT);
	pcb->scap = MIN(smax(pcb), TCP_SBUF_INIT);
	pcb->rbuf = kmalloc(pcb->rcap);
	pcb->sbuf = kmalloc(pcb->scap);
	if (!pcb->rbuf || !pcb->sbuf) {
		kfree(pcb->rbuf);
		kfree(pcb->sbuf);
		pcb->rbuf = pcb->sbuf = NULL;
		return -ENOBUFS;
	}
	/* The scale must cover the largest the ring may become. */
	pcb->rcv_wscale = 0;
	while ((rmax(pcb) >> pcb->rcv_wscale) > 65535 && pcb->rcv_wscale < 14)
		pcb->rcv_wscale++;
	uint32_t mtu = ipv4_mtu_for(pcb->raddr);
	pcb->rcv_mss = (mtu ? mtu : 576) - IP_HLEN - TCP_HLEN;
	if (pcb->user_mss && pcb->user_mss < pcb->rcv_mss)
		pcb->rcv_mss = pcb->user_mss;
	return 0;
}

struct seg {
	uint32_t seq, ack, len, wnd;
	uint8_t flags;
	uint16_t sport, dport;
	const uint8_t *data;
	bool has_mss, has_ws, has_ts;
	uint16_t mss;
	uint8_t ws;
	uint32_t tsval, tsecr;
};

/* Options (RFC 9293 3.1, RFC 7323). A malformed list stops the parse; what
 * was read so far counts, as in Linux's tcp_parse_options. */
static void parse_options(const uint8_t *o, uint32_t n, struct seg *s)
{
	uint32_t i = 0;
	while (i < n) {
		uint8_t kind = o[i];
		if (kind == 0)
			return;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 >= n)
			return;
		uint8_t l = o[i + 1];
		if (l < 2 || i + l > n)
			return;
		if (kind == 2 && l == 4 && (s->flags & TCP_SYN)) {
			s->has_mss = true;
			s->mss = rd16(o + i + 2);
		} else if (kind == 3 && l == 3 && (s->flags & TCP_SYN)) {
			s->has_ws = true;
			s->ws = MIN(o[i + 2], 14);
		} else if (kind == 8 && l == 10) {
			s->has_ts = true;
			s->tsval = rd32(o + i + 2);
			s->tsecr = rd32(o + i + 6);
		}
		i += l;
	}
}

/* Applies the peer's SYN options (both directions of the handshake). */
static void negotiate(struct tcp_pcb *pcb, const struct seg *sg, bool we_offered)
{
	pcb->ws_ok = sg->has_ws && we_offered;
	pcb->snd_wscale = pcb->ws_ok ? sg->ws : 0;
	if (!pcb->ws_ok)
		pcb->rcv_wscale = 0;
	pcb->ts_ok = sg->has_ts && we_offered;
	if (pcb->ts_ok)
		pcb->ts_recent = sg->tsval;
	uint32_t peer = sg->has_mss ? sg->mss : TCP_DEFAULT_MSS;
	uint32_t mtu = ipv4_mtu_for(pcb->raddr);
	uint32_t mss = MIN(peer, (mtu ? mtu : 576) - IP_HLEN - TCP_HLEN);
	if (pcb->user_mss)
		mss = MIN(mss, pcb->user_mss);
	if (pcb->ts_ok)
		mss -= 12;
	pcb->mss = MAX(mss, 64u);
	/* TSO: whole mss pieces below what one IP packet holds, headers and options included. */
	uint32_t tso = ipv4_tso_max_for(pcb->raddr);
	tso = tso > TCP_HLEN + 40 ? tso - TCP_HLEN - 40 : 0;
	pcb->tso_max = tso >= 2 * pcb->mss ? tso - tso % pcb->mss : 0;
	init_cwnd(pcb);
}

/* A keyed mix of a connection's addresses (the key is random per boot). Not a cryptographic
 * PRF: it keeps ISNs and timestamp offsets unguessable to a blind off-path attacker only as far
 * as 64 secret bits go. */
static uint32_t keyed_mix(uint32_t a, uint32_t b, uint32_t c)
{
	static uint64_t key;
	while (!key)
		key = random_u64();
	uint64_t x = ((uint64_t)a << 32 | b) ^ key;
	x ^= (uint64_t)c * 0x9e3779b97f4a7c15ull;
	x = (x ^ x >> 31) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ x >> 27) * 0x94d049bb133111ebull;
	x ^= key >> 17;
	return (uint32_t)(x ^ x >> 31);
}

/* RFC 6528: ISN = a clock ticking every 4 µs + a keyed hash of the 4-tuple, and (as Linux) one
 * timestamp offset per address pair. A new connection on a reused pair then starts past the
 * old one in both, so a peer still in TIME_WAIT accepts its SYN (RFC 6191) at once. */
static void start_seq(struct tcp_pcb *pcb)
{
	pcb->iss = (uint32_t)(net_now_ms() * 250) + keyed_mix(pcb->laddr, pcb->raddr, (uint32_t)pcb->lport << 16 | pcb->rport);
	pcb->ts_offset = keyed_mix(pcb->laddr, pcb->raddr, 0x7453);
	pcb->snd_una = pcb->snd_nxt = pcb->snd_max = pcb->iss;
	pcb->recover = pcb->iss;   /* RFC 6582: fast retransmit allowed from the start */
	pcb->snd_buf_seq = pcb->iss + 1;
	pcb->shead = pcb->slen = 0;
	pcb->fin_queued = false;
	pcb->retries = 0;
	pcb->rto = TCP_RTO_INIT;
	pcb->rtt_valid = false;
}

static void became_established(struct tcp_pcb *pcb)
{
	pcb->state = TCP_ESTABLISHED;
	pcb->was_connected = true;
	pcb->retries = 0;
	pcb->last_rcv = net_now_ms();
	pcb->t_rexmit = 0;
	if (pcb->keepalive)
		set_timer(&pcb->t_keep, pcb->last_rcv + pcb->keepidle_ms);
}

static struct tcp_pcb *lookup(uint32_t dst, uint16_t dport, uint32_t src, uint16_t sport)
{
	struct tcp_pcb *c = hash_find(dst, dport, src, sport);
	if (c)
		return c;
	struct tcp_pcb *wild = NULL;
	for (struct tcp_pcb *l = listeners; l; l = l->lnext) {
		if (l->lport != dport)
			continue;
		if (l->laddr == dst)
			return l;
		if (!l->laddr && !wild)
			wild = l;
	}
	return wild;
}

/* A SYN to a listener: a child in SYN_RECV, answered with SYN-ACK. */
static void listen_input(struct tcp_pcb *l, const struct seg *sg, uint32_t src, uint32_t dst)
{
	if (l->acq_len >= l->backlog) {
		tcp_stats.ListenOverflows++;
		tcp_stats.ListenDrops++;
		return;
	}
	if (l->synq_len >= 2 * l->backlog + 16) {
		tcp_stats.ListenDrops++;
		return;
	}
	struct tcp_pcb *c = tcp_pcb_new(l->rcvbuf_size, l->sndbuf_size);
	if (!c) {
		tcp_stats.ListenDrops++;
		return;
	}
	c->nodelay = l->nodelay;
	c->keepalive = l->keepalive;
	c->keepidle_ms = l->keepidle_ms;
	c->keepintvl_ms = l->keepintvl_ms;
	c->keepcnt = l->keepcnt;
	c->user_mss = l->user_mss;
	c->ttl = l->ttl;
	c->tos = l->tos;
	c->reuseaddr = l->reuseaddr;
	c->laddr = dst;
	c->lport = l->lport;
	c->raddr = src;
	c->rport = sg->sport;
	if (alloc_bufs(c)) {
		kfree(c);
		tcp_stats.ListenDrops++;
		return;
	}
	start_seq(c);
	c->irs = sg->seq;
	c->rcv_nxt = sg->seq + 1;
	c->rcv_adv = c->rcv_nxt;
	negotiate(c, sg, true);
	c->snd_wnd = sg->wnd;
	c->max_wnd = c->snd_wnd;
	c->snd_wl1 = sg->seq;
	c->snd_wl2 = c->iss;
	c->state = TCP_SYN_RECV;
	c->parent = l;
	l->synq_len++;
	list_add(c);
	hash_add(c);
	send_syn(c, true);
}

static void syn_sent_input(struct tcp_pcb *pcb, const struct seg *sg)
{
	bool ack = (sg->flags & TCP_ACK) != 0;
	if (ack && (SEQ_LEQ(sg->ack, pcb->iss) || SEQ_GT(sg->ack, pcb->snd_max))) {
		if (!(sg->flags & TCP_RST))
			send_reset(pcb->laddr, pcb->raddr, pcb->lport, pcb->rport, sg->ack, 0, false);
		return;
	}
	if (sg->flags & TCP_RST) {
		if (ack) {
			tcp_stats.AttemptFails++;
			pcb->error = ECONNREFUSED;
			set_closed(pcb);
		}
		return;
	}
	if (!(sg->flags & TCP_SYN))
		return;
	pcb->irs = sg->seq;
	pcb->rcv_nxt = sg->seq + 1;
	pcb->rcv_adv = pcb->rcv_nxt;
	negotiate(pcb, sg, true);
	pcb->snd_wnd = sg->wnd;   /* never scaled in a SYN (RFC 7323 2.2) */
	pcb->max_wnd = pcb->snd_wnd;
	pcb->snd_wl1 = sg->seq;
	pcb->snd_wl2 = sg->ack;
	if (ack) {
		pcb->snd_una = sg->ack;
		if (pcb->retries == 0)
			rtt_sample(pcb, (uint32_t)(net_now_ms() - pcb->rtt_start));
		pcb->rtt_timing = false;
		became_established(pcb);
		pcb->ack_now = true;
		tcp_output(pcb);
		notify(pcb, POLLOUT | POLLWRNORM);
	} else {
		/* Simultaneous open (RFC 9293 3.5). */
		pcb->state = TCP_SYN_RECV;
		send_syn(pcb, true);
	}
}

static void challenge_ack(struct tcp_pcb *pcb)
{
	tcp_stats.ChallengeACKs++;
	xmit(pcb, pcb->snd_nxt, 0, TCP_ACK);
}

/* The ACK field of an acceptable segment in a synchronized state (RFC 9293
 * 3.10.7.4 fifth step), with congestion control. Returns false when the
 * segment must be dropped (pcb may have been freed: the caller must not use it). */
static bool process_ack(struct tcp_pcb *pcb, const struct seg *sg, bool *freed)
{
	uint32_t ack = sg->ack;
	if (SEQ_GT(ack, pcb->snd_max)) {
		pcb->ack_now = true;
		tcp_output(pcb);
		return false;
	}
	uint32_t wnd = sg->wnd << pcb->snd_wscale;
	/* RFC 5681 also wants an unchanged window; a receiver whose app reads
	 * while a hole is open changes it on every dup ACK, and Linux counts
	 * those too, so the window is not compared. */
	bool dup_candidate = ack == pcb->snd_una && sg->len == 0 && !(sg->flags & (TCP_SYN | TCP_FIN)) &&
			     pcb->snd_una != pcb->snd_max;
	if (SEQ_LT(ack, pcb->snd_una))
		return true;   /* an old duplicate: only its data matters */
	if (SEQ_LT(pcb->snd_wl1, sg->seq) || (pcb->snd_wl1 == sg->seq && SEQ_LEQ(pcb->snd_wl2, ack))) {
		bool opened = wnd > pcb->snd_wnd;
		pcb->snd_wnd = wnd;
		pcb->snd_wl1 = sg->seq;
		pcb->snd_wl2 = ack;
		if (wnd > pcb->max_wnd)
			pcb->max_wnd = wnd;
		if (opened) {
			pcb->t_persist = 0;
			pcb->persist_backoff = 0;
		}
	}
	uint32_t acked = ack - pcb->snd_una;
	if (acked == 0) {
		if (!dup_candidate)
			return true;
		tcp_stats.DupAcks++;
		if (pcb->in_recovery) {
			pcb->cwnd += pcb->mss;   /* RFC 6582 (3.2.4): inflate */
			return true;
		}
		if (++pcb->dupacks < 3) {
			tcp_output(pcb);   /* Limited Transmit */
			return true;
		}
		if (pcb->dupacks == 3 && SEQ_GEQ(pcb->snd_una, pcb->recover)) {
			/* Fast retransmit (RFC 5681 3.2). */
			tcp_stats.FastRetrans++;
			tcp_stats.RetransSegs++;
			pcb->ssthresh = MAX(flight(pcb) / 2, 2 * pcb->mss);
			pcb->recover = pcb->snd_max;
			pcb->in_recovery = true;
			uint32_t len = MIN(pcb->mss, pcb->slen - MIN(pcb->slen, pcb->snd_una - pcb->snd_buf_seq));
			bool fin = pcb->fin_queued && pcb->snd_una + len == fin_seq(pcb) && fin_sent(pcb);
			xmit(pcb, pcb->snd_una, len, TCP_ACK | (fin ? TCP_FIN : 0));
			pcb->cwnd = pcb->ssthresh + 3 * pcb->mss;
			pcb->rtt_timing = false;
			arm_rexmit(pcb);
		}
		return true;
	}
	/* New data acknowledged. */
	if (SEQ_GT(ack, pcb->snd_buf_seq)) {
		uint32_t bytes = MIN(ack - pcb->snd_buf_seq, pcb->slen);
		pcb->shead = (pcb->shead + bytes) % (pcb->scap ? pcb->scap : 1);
		pcb->slen -= bytes;
		pcb->snd_buf_seq += bytes;
	}
	pcb->snd_una = ack;
	if (SEQ_LT(pcb->snd_nxt, ack))
		pcb->snd_nxt = ack;
	uint64_t now = net_now_ms();
	if (pcb->ts_ok && sg->has_ts && sg->tsecr)
		rtt_sample(pcb, (uint32_t)now + pcb->ts_offset - sg->tsecr);
	else if (pcb->rtt_timing && SEQ_GT(ack, pcb->rtt_seq)) {
		rtt_sample(pcb, (uint32_t)(now - pcb->rtt_start));
		pcb->rtt_timing = false;
	}
	pcb->retries = 0;
	if (pcb->in_recovery) {
		if (SEQ_GEQ(ack, pcb->recover)) {
			/* Full acknowledgment (RFC 6582 3.2.3): deflate. */
			pcb->cwnd = MIN(pcb->ssthresh, MAX(flight(pcb), pcb->mss) + pcb->mss);
			pcb->in_recovery = false;
			pcb->dupacks = 0;
		} else {
			/* Partial acknowledgment: retransmit the next hole, deflate by what was acked. */
			uint32_t len = MIN(pcb->mss, pcb->slen - MIN(pcb->slen, pcb->snd_una - pcb->snd_buf_seq));
			if (len) {
				tcp_stats.RetransSegs++;
				xmit(pcb, pcb->snd_una, len, TCP_ACK);
			}
			pcb->cwnd = pcb->cwnd > acked ? pcb->cwnd - acked : 0;
			pcb->cwnd += pcb->mss;
			arm_rexmit(pcb);
		}
	} else {
		pcb->dupacks = 0;
		if (pcb->cwnd < pcb->ssthresh)
			pcb->cwnd += MIN(acked, pcb->mss);                          /* slow start */
		else
			pcb->cwnd += MAX(1u, pcb->mss * pcb->mss / pcb->cwnd);      /* congestion avoidance */
	}
	if (pcb->snd_una == pcb->snd_max)
		pcb->t_rexmit = 0;
	else if (!pcb->in_recovery)
		arm_rexmit(pcb);
	notify(pcb, POLLOUT | POLLWRNORM);
	if (fin_sent(pcb) && SEQ_GT(ack, fin_seq(pcb))) {
		switch (pcb->state) {
		case TCP_FIN_WAIT1:
			pcb->state = TCP_FIN_WAIT2;
			pcb->t_rexmit = 0;
			if (pcb->detached)
				set_timer(&pcb->t_2msl, now + TCP_FIN_TIMEOUT);
			notify(pcb, POLLOUT);
			break;
		case TCP_CLOSING:
			enter_time_wait(pcb, now);
			notify(pcb, POLLHUP);
			break;
		case TCP_LAST_ACK:
			*freed = set_closed(pcb);
			return false;
		}
	}
	return true;
}

/* Advances rcv_nxt over out-of-order ranges now contiguous. */
static void merge_ooo(struct tcp_pcb *pcb)
{
	bool moved = true;
	while (moved) {
		moved = false;
		for (int i = 0; i < pcb->nooo; i++) {
			struct tcp_range *r = &pcb->ooo[i];
			if (SEQ_LEQ(r->start, pcb->rcv_nxt)) {
				if (SEQ_GT(r->end, pcb->rcv_nxt)) {
					uint32_t n = r->end - pcb->rcv_nxt;
					pcb->rlen += n;
					pcb->rcv_nxt = r->end;
				}
				pcb->ooo[i] = pcb->ooo[--pcb->nooo];
				moved = true;
				break;
			}
		}
	}
}

static void add_ooo(struct tcp_pcb *pcb, uint32_t start, uint32_t end)
{
	for (int i = 0; i < pcb->nooo; i++) {
		struct tcp_range *r = &pcb->ooo[i];
		if (SEQ_LEQ(start, r->end) && SEQ_GEQ(end, r->start)) {
			if (SEQ_LT(start, r->start))
				r->start = start;
			if (SEQ_GT(end, r->end))
				r->end = end;
			/* Merge neighbours it now touches. */
			for (int j = 0; j < pcb->nooo; j++) {
				if (j == i)
					continue;
				struct tcp_range *o = &pcb->ooo[j];
				if (SEQ_LEQ(o->start, r->end) && SEQ_GEQ(o->end, r->start)) {
					if (SEQ_LT(o->start, r->start))
						r->start = o->start;
					if (SEQ_GT(o->end, r->end))
						r->end = o->end;
					*o = pcb->ooo[--pcb->nooo];
					if (i == pcb->nooo)
						i = j;
					j = -1;
					r = &pcb->ooo[i];
				}
			}
			return;
		}
	}
	pcb->ooo[pcb->nooo++] = (struct tcp_range){ start, end };
}

static void fin_arrived(struct tcp_pcb *pcb)
{
	pcb->rcv_nxt++;
	pcb->fin_rcvd = true;
	pcb->ack_now = true;
	uint64_t now = net_now_ms();
	switch (pcb->state) {
	case TCP_SYN_RECV:
	case TCP_ESTABLISHED:
		pcb->state = TCP_CLOSE_WAIT;
		break;
	case TCP_FIN_WAIT1:
		pcb->state = TCP_CLOSING;
		break;
	case TCP_FIN_WAIT2:
		enter_time_wait(pcb, now);
		break;
	}
	notify(pcb, POLLIN | POLLRDNORM | POLLRDHUP);
}

/* Data and FIN of an acceptable segment (RFC 9293 3.10.7.4 seventh and eighth steps). */
static void process_data(struct tcp_pcb *pcb, struct seg *sg)
{
	bool fin = (sg->flags & TCP_FIN) != 0;
	uint32_t seq = sg->seq;
	const uint8_t *data = sg->data;
	uint32_t len = sg->len;
	if (sg->flags & TCP_SYN) {
		seq++;
	}
	if (SEQ_LT(seq, pcb->rcv_nxt)) {
		uint32_t cut = pcb->rcv_nxt - seq;
		if (cut >= len) {
			if (fin && seq + len == pcb->rcv_nxt - 1 && pcb->fin_rcvd)
				pcb->ack_now = true;   /* a retransmitted FIN */
			if (len)
				pcb->ack_now = true;   /* a duplicate: ACK it (RFC 9293) */
			if (!(fin && seq + len == pcb->rcv_nxt))
				return;
			len = 0;
			seq = pcb->rcv_nxt;
		} else {
			data += cut;
			len -= cut;
			seq = pcb->rcv_nxt;
		}
	}
	/* A receive ring kept more than half full grows (no holes: their bytes sit at ring offsets). */
	if (len && pcb->nooo == 0 && pcb->rcap < rmax(pcb) && pcb->rlen + len > pcb->rcap / 2)
		ring_grow(&pcb->rbuf, &pcb->rcap, &pcb->rhead, pcb->rlen, MIN(pcb->rcap * 2, rmax(pcb)));
	uint32_t room = pcb->rcap - pcb->rlen;
	uint32_t off = seq - pcb->rcv_nxt;
	if (off >= room && len) {
		pcb->ack_now = true;
		return;
	}
	if (off + len > room) {
		len = room - off;
		fin = false;
	}
	if (len && pcb->state != TCP_ESTABLISHED && pcb->state != TCP_FIN_WAIT1 && pcb->state != TCP_FIN_WAIT2)
		return;   /* the peer already sent its FIN: no more data can come */
	if (len) {
		ring_copy_in(pcb->rbuf, pcb->rcap, pcb->rhead + pcb->rlen + off, data, len);
		if (off == 0) {
			bool had_holes = pcb->nooo > 0;
			pcb->rlen += len;
			pcb->rcv_nxt += len;
			merge_ooo(pcb);
			if (had_holes || ++pcb->unacked_segs >= 2)
				pcb->ack_now = true;
			else if (!pcb->t_delack)
				set_timer(&pcb->t_delack, net_now_ms() + TCP_DELACK_MS);
			notify(pcb, POLLIN | POLLRDNORM);
		} else {
			tcp_stats.OfoQueue++;
			if (pcb->nooo < TCP_MAX_OOO)
				add_ooo(pcb, seq, seq + len);
			pcb->ack_now = true;   /* a duplicate ACK tells the sender (RFC 5681 4.2) */
		}
	}
	if (fin) {
		uint32_t end = seq + len;
		if (end == pcb->rcv_nxt && !pcb->fin_rcvd)
			fin_arrived(pcb);
		else if (SEQ_GT(end, pcb->rcv_nxt)) {
			pcb->ooo_fin = true;
			pcb->ooo_fin_seq = end;
		}
	}
	if (pcb->ooo_fin && pcb->ooo_fin_seq == pcb->rcv_nxt && !pcb->fin_rcvd) {
		pcb->ooo_fin = false;
		fin_arrived(pcb);
	}
}

/* What TIME_WAIT answers (Linux's tcp_timewait_state_process): a retransmitted FIN gets its
 * ACK again and restarts 2MSL; a segment that is not the next in sequence gets an ACK; the
 * in-sequence ACK that ended the connection gets nothing (answering it would start an ACK war
 * with a peer that answers too). RSTs are ignored (RFC 1337). */
static void time_wait_input(struct tcp_pcb *pcb, struct seg *sg)
{
	if (sg->flags & TCP_RST)
		return;
	if (sg->flags & TCP_FIN) {
		set_timer(&pcb->t_2msl, net_now_ms() + TCP_TIMEWAIT_MS);
		tw_append(pcb);   /* stays in expiry order */
	} else if (sg->len == 0 && sg->seq == pcb->rcv_nxt && !(sg->flags & TCP_SYN)) {
		return;
	}
	xmit(pcb, pcb->snd_nxt, 0, TCP_ACK);
}

/* A SYN may open a new incarnation of a pair still in TIME_WAIT when it cannot be confused with
 * the old one: its sequence number is past the old connection's, or its timestamp is newer
 * (RFC 6191). Clients reuse ports quickly; without this a reused port waits out the 60 s. */
static bool time_wait_reusable(const struct tcp_pcb *pcb, const struct seg *sg)
{
	if (!(sg->flags & TCP_SYN) || (sg->flags & (TCP_ACK | TCP_RST)))
		return false;
	if (SEQ_GT(sg->seq, pcb->rcv_nxt))
		return true;
	return pcb->ts_ok && sg->has_ts && (int32_t)(sg->tsval - pcb->ts_recent) > 0;
}

void tcp_input(struct pkt *p, uint32_t src, uint32_t dst)
{
	tcp_stats.InSegs++;
	if (p->len < TCP_HLEN)
		goto bad;
	uint8_t *h = p->data;
	uint32_t doff = (uint32_t)(h[12] >> 4) * 4;
	if (doff < TCP_HLEN || doff > p->len)
		goto bad;
	if (!p->csum_ok && csum_fold(csum_add(csum_pseudo(src, dst, IPPROTO_TCP, p->len), h, p->len)) != 0) {
		tcp_stats.InCsumErrors++;
		goto bad;
	}
	/* Never answer broadcast or multicast (RFC 1122 4.2.3.10). */
	if (dst == INADDR_BROADCAST || (dst >> 28) == 0xe || (src >> 28) >= 0xe || src == 0)
		goto drop;
	struct seg sg = { 0 };
	sg.sport = rd16(h);
	sg.dport = rd16(h + 2);
	sg.seq = rd32(h + 4);
	sg.ack = rd32(h + 8);
	sg.flags = h[13] & 0x3f;
	sg.wnd = rd16(h + 14);
	sg.data = h + doff;
	sg.len = p->len - doff;
	parse_options(h + TCP_HLEN, doff - TCP_HLEN, &sg);
	if ((sg.flags & TCP_SYN) && (sg.flags & (TCP_FIN | TCP_RST)))
		goto drop;   /* nonsense flag combinations */
	if (sg.sport == 0 || sg.dport == 0)
		goto drop;
relookup:;
	struct tcp_pcb *pcb = lookup(dst, sg.dport, src, sg.sport);
	if (!pcb) {
		if (!(sg.flags & TCP_RST)) {
			if (sg.flags & TCP_ACK)
				send_reset(dst, src, sg.dport, sg.sport, sg.ack, 0, false);
			else
				send_reset(dst, src, sg.dport, sg.sport, 0,
					   sg.seq + sg.len + ((sg.flags & TCP_SYN) ? 1 : 0) + ((sg.flags & TCP_FIN) ? 1 : 0), true);
		}
		goto drop;
	}
	if (pcb->state == TCP_LISTEN) {
		if (sg.flags & TCP_RST)
			goto drop;
		if (sg.flags & TCP_ACK) {
			send_reset(dst, src, sg.dport, sg.sport, sg.ack, 0, false);
			goto drop;
		}
		if (sg.flags & TCP_SYN)
			listen_input(pcb, &sg, src, dst);
		goto drop;
	}
	if (pcb->state == TCP_SYN_SENT) {
		syn_sent_input(pcb, &sg);
		goto drop;
	}
	if (pcb->state == TCP_TIME_WAIT) {
		if (time_wait_reusable(pcb, &sg)) {
			/* The old incarnation ends: freed if its socket is gone, else left CLOSED (and
			 * unhashed) for the socket that still holds it. Freeing it under an open socket
			 * would let a peer's SYN leave the socket pointing at freed memory. */
			set_closed(pcb);
			goto relookup;
		}
		time_wait_input(pcb, &sg);
		goto drop;
	}
	/* A retransmitted SYN while our SYN-ACK is out: send it again. */
	if (pcb->state == TCP_SYN_RECV && (sg.flags & TCP_SYN) && !(sg.flags & TCP_ACK) && sg.seq == pcb->irs) {
		send_syn(pcb, true);
		goto drop;
	}
	/* First: is the segment in the window? Linux's tcp_sequence: it must
	 * end at or after rcv_nxt and start at or before the right edge (a
	 * zero-length segment at the edge counts, which RFC 9293's table
	 * misses and which a full receive window needs for its ACKs). */
	uint32_t seglen = sg.len + ((sg.flags & TCP_SYN) ? 1 : 0) + ((sg.flags & TCP_FIN) ? 1 : 0);
	uint32_t wnd = pcb->rcap - pcb->rlen;
	uint32_t nxt = pcb->rcv_nxt;
	bool ok = SEQ_GEQ(sg.seq + seglen, nxt) && SEQ_LEQ(sg.seq, nxt + wnd);
	if (!ok) {
		tcp_stats.OutOfWindow++;
		if (sg.flags & TCP_RST)
			goto drop;
		/* An old duplicate still carries a current ACK (a retransmission after our ACK was lost). */
		if ((sg.flags & TCP_ACK) && SEQ_LT(sg.seq, nxt)) {
			bool freed = false;
			if (!process_ack(pcb, &sg, &freed) && freed)
				goto drop;
		}
		/* Duplicate ACK, rate-limited for segments without data so two
		 * stacks can never ACK each other's ACKs forever (Linux tcp_oow_rate_limited). */
		uint64_t now = net_now_ms();
		if (sg.len || now - pcb->last_oow_ack >= 500) {
			pcb->last_oow_ack = now;
			pcb->ack_now = true;
		}
		tcp_output(pcb);
		goto drop;
	}
	/* PAWS (RFC 7323 5). */
	if (pcb->ts_ok && sg.has_ts && !(sg.flags & TCP_RST) && (int32_t)(sg.tsval - pcb->ts_recent) < 0) {
		tcp_stats.PAWSDrops++;
		pcb->ack_now = true;
		tcp_output(pcb);
		goto drop;
	}
	/* Second: RST, accepted only at exactly rcv_nxt (RFC 5961 3.2). */
	if (sg.flags & TCP_RST) {
		if (sg.seq != nxt) {
			challenge_ack(pcb);
			goto drop;
		}
		if (pcb->state == TCP_SYN_RECV && pcb->parent) {
			set_closed(pcb);
			goto drop;
		}
		if (pcb->state == TCP_ESTABLISHED || pcb->state == TCP_CLOSE_WAIT)
			tcp_stats.EstabResets++;
		pcb->error = pcb->state == TCP_CLOSE_WAIT ? EPIPE : ECONNRESET;
		pcb->fin_rcvd = true;
		set_closed(pcb);
		goto drop;
	}
	/* Fourth: a SYN in a synchronized state gets a challenge ACK (RFC 5961 4). */
	if (sg.flags & TCP_SYN) {
		challenge_ack(pcb);
		goto drop;
	}
	if (!(sg.flags & TCP_ACK))
		goto drop;
	if (pcb->ts_ok && sg.has_ts && SEQ_LEQ(sg.seq, pcb->last_ack_sent))
		pcb->ts_recent = sg.tsval;
	pcb->last_rcv = net_now_ms();
	pcb->keep_probes = 0;
	if (pcb->state == TCP_SYN_RECV) {
		if (!SEQ_GT(sg.ack, pcb->snd_una) || SEQ_GT(sg.ack, pcb->snd_max)) {
			send_reset(dst, src, sg.dport, sg.sport, sg.ack, 0, false);
			goto drop;
		}
		struct tcp_pcb *l = pcb->parent;
		if (l && l->acq_len >= l->backlog) {
			/* Accept queue full: drop the ACK; our SYN-ACK retransmits (Linux, tcp_abort_on_overflow=0). */
			tcp_stats.ListenOverflows++;
			tcp_stats.ListenDrops++;
			goto drop;
		}
		pcb->snd_wnd = sg.wnd << pcb->snd_wscale;
		pcb->snd_wl1 = sg.seq;
		pcb->snd_wl2 = sg.ack;
		if (pcb->retries == 0 && pcb->ts_ok && sg.has_ts && sg.tsecr)
			rtt_sample(pcb, (uint32_t)net_now_ms() + pcb->ts_offset - sg.tsecr);
		became_established(pcb);
		if (l) {
			l->synq_len--;
			tcp_stats.PassiveOpens++;
			if (l->acq_tail)
				l->acq_tail->acq_next = pcb;
			else
				l->acq_head = pcb;
			l->acq_tail = pcb;
			l->acq_len++;
			notify(l, POLLIN | POLLRDNORM);
		} else {
			notify(pcb, POLLOUT | POLLWRNORM);
		}
	}
	bool freed = false;
	if (!process_ack(pcb, &sg, &freed)) {
		if (!freed)
			tcp_output(pcb);
		goto drop;
	}
	/* Data after the user closed: the peer must learn it was not read (Linux: RST). */
	if (pcb->detached && sg.len && SEQ_GT(sg.seq + sg.len, pcb->rcv_nxt) &&
	    (pcb->state == TCP_FIN_WAIT1 || pcb->state == TCP_FIN_WAIT2)) {
		send_rst_for(pcb);
		set_closed(pcb);
		goto drop;
	}
	process_data(pcb, &sg);
	if (pcb->state == TCP_TIME_WAIT)
		xmit(pcb, pcb->snd_nxt, 0, TCP_ACK);
	else
		tcp_output(pcb);
	goto drop;
bad:
	tcp_stats.InErrs++;
drop:
	pkt_free(p);
}

void tcp_icmp_error(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport, uint32_t seq, int err)
{
	struct tcp_pcb *p = hash_find(src, sport, dst, dport);
	/* Hard errors abort a connection attempt (RFC 1122 4.2.3.9); others are soft. */
	if (p && p->state == TCP_SYN_SENT && SEQ_GEQ(seq, p->snd_una) && SEQ_LT(seq, p->snd_max) &&
	    (err == ECONNREFUSED || err == EHOSTUNREACH || err == ENETUNREACH)) {
		tcp_stats.AttemptFails++;
		p->error = err;
		set_closed(p);
	}
}

/* --- the socket-facing API --- */

int tcp_listen(struct tcp_pcb *pcb, int backlog)
{
	if (pcb->state == TCP_LISTEN) {
		pcb->backlog = backlog + 1;
		return 0;
	}
	if (pcb->state != TCP_CLOSE)
		return -EINVAL;
	if (!pcb->lport) {
		int err = tcp_bind(pcb, 0, 0);
		if (err)
			return err;
	}
	/* Another listener on the same address and port (both with SO_REUSEADDR is still a conflict). */
	for (struct tcp_pcb *o = listeners; o; o = o->lnext)
		if (o != pcb && o->lport == pcb->lport &&
		    (!o->laddr || !pcb->laddr || o->laddr == pcb->laddr) && !(o->reuseport && pcb->reuseport))
			return -EADDRINUSE;
	/* Linux's accept queue is full when it holds more than backlog: backlog + 1 fit. */
	pcb->backlog = backlog + 1;
	pcb->state = TCP_LISTEN;
	listener_add(pcb);
	return 0;
}

int tcp_connect(struct tcp_pcb *pcb, uint32_t raddr, uint16_t rport)
{
	switch (pcb->state) {
	case TCP_SYN_SENT: case TCP_SYN_RECV:
		return -EALREADY;
	case TCP_CLOSE:
		break;
	case TCP_LISTEN:
		return -EISCONN;
	default:
		return -EISCONN;
	}
	uint32_t src = pcb->laddr ? pcb->laddr : ipv4_source_for(raddr);
	if (!src)
		return -ENETUNREACH;
	if (!pcb->lport) {
		uint16_t port = ephemeral_port();
		if (!port)
			return -EADDRNOTAVAIL;
		pcb->lport = port;
	} else {
		struct tcp_pcb *o = hash_find(src, pcb->lport, raddr, rport);
		if (o && o != pcb)
			return -EADDRNOTAVAIL;
	}
	hash_del(pcb);
	pcb->laddr = src;
	pcb->raddr = raddr;
	pcb->rport = rport;
	list_add(pcb);
	if (alloc_bufs(pcb))
		return -ENOBUFS;
	hash_add(pcb);
	start_seq(pcb);
	pcb->rlen = pcb->rhead = 0;
	pcb->nooo = 0;
	pcb->fin_rcvd = pcb->ooo_fin = false;
	pcb->error = 0;
	pcb->state = TCP_SYN_SENT;
	pcb->rtt_start = net_now_ms();
	tcp_stats.ActiveOpens++;
	send_syn(pcb, false);
	return 0;
}

struct tcp_pcb *tcp_accept(struct tcp_pcb *l)
{
	struct tcp_pcb *c = l->acq_head;
	if (!c)
		return NULL;
	l->acq_head = c->acq_next;
	if (!l->acq_head)
		l->acq_tail = NULL;
	l->acq_len--;
	c->acq_next = NULL;
	c->parent = NULL;
	return c;
}

long tcp_send(struct tcp_pcb *pcb, const void *buf, size_t n, bool more)
{
	if (pcb->error) {
		int e = pcb->error;
		pcb->error = 0;
		return -e;
	}
	switch (pcb->state) {
	case TCP_SYN_SENT: case TCP_SYN_RECV:
		return -EAGAIN;
	case TCP_ESTABLISHED: case TCP_CLOSE_WAIT:
		break;
	default:
		return -EPIPE;   /* Linux: even never connected (sk_stream_wait_connect) */
	}
	if (pcb->fin_queued)
		return -EPIPE;
	uint32_t free = pcb->scap - pcb->slen;
	if (free < n && pcb->scap < smax(pcb)) {
		uint32_t want = pcb->scap;
		while (want < smax(pcb) && want - pcb->slen < n)
			want *= 2;
		ring_grow(&pcb->sbuf, &pcb->scap, &pcb->shead, pcb->slen, MIN(want, smax(pcb)));
		free = pcb->scap - pcb->slen;
	}
	if (!free)
		return -EAGAIN;
	uint32_t k = (uint32_t)MIN(n, (size_t)free);
	ring_copy_in(pcb->sbuf, pcb->scap, pcb->shead + pcb->slen, buf, k);
	pcb->slen += k;
	uint32_t unsent = pcb->slen - MIN(pcb->slen, pcb->snd_nxt - pcb->snd_buf_seq);
	if (!more || unsent >= pcb->mss)
		tcp_output(pcb);
	return k;
}

long tcp_recv(struct tcp_pcb *pcb, void *buf, size_t n, bool peek)
{
	if (pcb->rlen) {
		uint32_t k = (uint32_t)MIN(n, (size_t)pcb->rlen);
		ring_copy_out(pcb->rbuf, pcb->rcap, pcb->rhead, buf, k);
		if (!peek) {
			uint32_t before = pcb->rcap - pcb->rlen;
			pcb->rhead = (pcb->rhead + k) % pcb->rcap;
			pcb->rlen -= k;
			/* Tell the peer when the window opened enough (Linux's
			 * tcp_cleanup_rbuf): avoids stalls on the delayed ACK. */
			uint32_t adv = SEQ_GT(pcb->rcv_adv, pcb->rcv_nxt) ? pcb->rcv_adv - pcb->rcv_nxt : 0;
			uint32_t after = pcb->rcap - pcb->rlen;
			if (data_state(pcb->state) || pcb->state == TCP_FIN_WAIT2) {
				if ((adv < pcb->rcv_mss && after >= adv + pcb->rcv_mss) ||
				    (after >= 2 * before && after - adv >= MIN(pcb->rcap / 2, 2 * pcb->rcv_mss)) ||
				    after - adv >= pcb->rcap / 2) {
					pcb->ack_now = true;
					tcp_output(pcb);
				}
			}
		}
		return k;
	}
	if (pcb->error) {
		int e = pcb->error;
		pcb->error = 0;
		return -e;
	}
	if (pcb->fin_rcvd)
		return 0;
	if (pcb->state == TCP_LISTEN)
		return -ENOTCONN;
	if (pcb->state == TCP_CLOSE)
		return pcb->was_connected ? 0 : -ENOTCONN;
	return -EAGAIN;
}

static void abort_children(struct tcp_pcb *l)
{
	for (struct tcp_pcb *c = l->acq_head, *n; c; c = n) {
		n = c->acq_next;
		c->acq_next = NULL;
		c->parent = NULL;
		c->detached = true;
		if (c->state != TCP_CLOSE)
			send_rst_for(c);
		set_closed(c);
	}
	l->acq_head = l->acq_tail = NULL;
	l->acq_len = 0;
	bool again = true;
	while (again) {
		again = false;
		for (struct tcp_pcb *c = pcbs; c; c = c->next)
			if (c->parent == l) {
				send_rst_for(c);
				set_closed(c);   /* an unaccepted SYN_RECV child frees itself */
				again = true;
				break;
			}
	}
}

void tcp_shutdown(struct tcp_pcb *pcb, int how)
{
	if (pcb->state == TCP_LISTEN) {
		if (how != 1) {
			abort_children(pcb);
			pcb->state = TCP_CLOSE;
			listener_del(pcb);
			notify(pcb, POLLIN | POLLHUP);
		}
		return;
	}
	if (how == 0)
		return;
	switch (pcb->state) {
	case TCP_ESTABLISHED:
		pcb->fin_queued = true;
		pcb->state = TCP_FIN_WAIT1;
		tcp_output(pcb);
		break;
	case TCP_CLOSE_WAIT:
		pcb->fin_queued = true;
		pcb->state = TCP_LAST_ACK;
		tcp_output(pcb);
		break;
	case TCP_SYN_SENT:
		set_closed(pcb);
		break;
	}
	notify(pcb, POLLOUT);
}

void tcp_abort(struct tcp_pcb *pcb)
{
	if (data_state(pcb->state) || pcb->state == TCP_FIN_WAIT2 || pcb->state == TCP_SYN_RECV)
		send_rst_for(pcb);
	set_closed(pcb);
}

void tcp_close(struct tcp_pcb *pcb)
{
	pcb->user = NULL;
	pcb->detached = true;
	switch (pcb->state) {
	case TCP_LISTEN:
		abort_children(pcb);
		set_closed(pcb);
		return;
	case TCP_CLOSE:
		pcb_free(pcb);
		return;
	case TCP_SYN_SENT:
		set_closed(pcb);
		return;
	case TCP_TIME_WAIT: case TCP_CLOSING: case TCP_LAST_ACK:
		return;
	}
	/* Unread data, or SO_LINGER with a zero timeout: reset (RFC 2525 2.17, Linux tcp_close). */
	if (pcb->rlen || pcb->linger0) {
		if (pcb->state == TCP_ESTABLISHED || pcb->state == TCP_CLOSE_WAIT)
			tcp_stats.EstabResets++;
		send_rst_for(pcb);
		set_closed(pcb);
		return;
	}
	switch (pcb->state) {
	case TCP_ESTABLISHED: case TCP_SYN_RECV:
		pcb->fin_queued = true;
		pcb->state = TCP_FIN_WAIT1;
		tcp_output(pcb);
		break;
	case TCP_CLOSE_WAIT:
		pcb->fin_queued = true;
		pcb->state = TCP_LAST_ACK;
		tcp_output(pcb);
		break;
	case TCP_FIN_WAIT2:
		set_timer(&pcb->t_2msl, net_now_ms() + TCP_FIN_TIMEOUT);
		break;
	}
}

uint32_t tcp_poll(const struct tcp_pcb *pcb)
{
	uint32_t ev = 0;
	int st = pcb->state;
	if (st == TCP_LISTEN)
		return pcb->acq_head ? POLLIN | POLLRDNORM : 0;
	if (pcb->error)
		ev |= POLLERR;
	if (st == TCP_CLOSE || (pcb->fin_rcvd && pcb->fin_queued))
		ev |= POLLHUP;
	if (pcb->rlen || pcb->fin_rcvd)
		ev |= POLLIN | POLLRDNORM;
	if (pcb->fin_rcvd)
		ev |= POLLRDHUP;
	if (st != TCP_SYN_SENT && st != TCP_SYN_RECV) {
		if (pcb->fin_queued || !pcb->scap || tcp_send_space(pcb) >= smax(pcb) / 3)
			ev |= POLLOUT | POLLWRNORM;
	}
	return ev;
}
