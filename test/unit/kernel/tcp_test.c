/* Host tests of kernel/net/tcp.c: two engines wired back to back through a
 * packet queue on a virtual clock (handshake, bulk transfer, close, RST,
 * listen backlog, loss recovery with RTO and fast retransmit, zero window),
 * plus crafted and malformed segments against one engine (truncated
 * headers, bad offsets and checksums, out-of-window data, RST rules). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "net/tcp.h"
#include "net/ipv4.h"
#include "net/pkt.h"
#include "net/inet.h"
#include "net/l4csum.h"
#include "lib/errno.h"

/* --- the environment tcp.c expects --- */
void *kmalloc(size_t n) { return malloc(n ? n : 1); }
void *kzalloc(size_t n) { return calloc(1, n ? n : 1); }
void kfree(void *p) { free(p); }
static uint64_t now_ms = 1000;
uint64_t net_now_ms(void) { return now_ms; }
static uint64_t rnd = 12345;
uint64_t random_u64(void) { rnd = rnd * 6364136223846793005ULL + 1442695040888963407ULL; return rnd >> 11; }
void tcp_timer_request(uint64_t deadline) {}
static uint32_t mtu = 1500;
uint32_t ipv4_mtu_for(uint32_t dst) { return mtu > 65535 ? 65535 : mtu; }
static uint32_t tso_max, max_payload;
static int gso_bad;
uint32_t ipv4_tso_max_for(uint32_t dst) { return tso_max; }
uint32_t ipv4_source_for(uint32_t dst) { return dst == 0x0a000002 ? 0x0a000001 : 0x0a000002; }
static uint32_t notified;
void tcp_notify(struct tcp_pcb *pcb, uint32_t ev) { notified |= ev; }

/* The wire: segments in flight (data at the TCP header). */
struct wire { struct pkt *p; uint32_t src, dst; };
static struct wire q[4096];
static int qn;
static int drop_every;      /* drop every n-th data segment (0 = none) */
static int drop_next_data;  /* drop the next n data segments */
static int sent_count;
static uint32_t drop_seq = 0xffffffff; /* drop the first segment carrying this seq */

int ipv4_output(struct pkt *p, uint32_t src, uint32_t dst, uint8_t proto, uint8_t ttl, uint8_t tos, int df)
{
	if (p->len + IP_HLEN > 65535) {
		fprintf(stderr, "segment too big for IPv4: %u\n", p->len);
		abort();
	}
	uint32_t doff = (uint32_t)(p->data[12] >> 4) * 4;
	bool data = p->len > doff;
	sent_count++;
	uint32_t payload = p->len - doff;
	if (payload > max_payload)
		max_payload = payload;
	/* A segment bigger than the MTU allows must be one for the NIC to cut, in pieces of mss. */
	if (p->len + IP_HLEN > mtu && !(tso_max && p->gso_size && payload > p->gso_size))
		gso_bad++;
	/* As an interface without checksum offload would: tcp_input checks it. */
	if (!p->csum_start) {
		fprintf(stderr, "tcp sent a segment without a partial checksum\n");
		abort();
	}
	l4csum_finish(p, proto);
	if (data && rd32(p->data + 4) == drop_seq) {
		drop_seq = 0xffffffff;
		pkt_free(p);
		return 0;
	}
	if (data && ((drop_every && sent_count % drop_every == 0) || (drop_next_data && drop_next_data--))) {
		pkt_free(p);
		return 0;
	}
	if (qn == 4096) {
		pkt_free(p);
		return 0;
	}
	q[qn++] = (struct wire){ p, src, dst };
	return 0;
}

/* Delivers everything queued (and what it causes), in order. */
static int deliver(void)
{
	int n = 0;
	while (qn) {
		struct wire w = q[0];
		memmove(q, q + 1, sizeof(q[0]) * (size_t)--qn);
		tcp_input(w.p, w.src, w.dst);
		n++;
	}
	return n;
}

static void drop_all(void)
{
	while (qn)
		pkt_free(q[--qn].p);
}

/* Advances the clock to the next timer (or by ms), running timers. */
static void tick(uint64_t ms)
{
	now_ms += ms;
	tcp_timers(now_ms);
}

#define A 0x0a000001u
#define B 0x0a000002u

static struct tcp_pcb *listener(uint16_t port, int backlog)
{
	struct tcp_pcb *l = tcp_pcb_new(65536, 65536);
	l->user = (void *)1;
	tcp_bind(l, B, port);
	tcp_listen(l, backlog);
	return l;
}

static struct tcp_pcb *connect_pair(struct tcp_pcb *l, struct tcp_pcb **server, uint32_t bufs)
{
	struct tcp_pcb *c = tcp_pcb_new(bufs, bufs);
	c->user = (void *)2;
	tcp_connect(c, B, l->lport);
	deliver();
	*server = tcp_accept(l);
	if (*server)
		(*server)->user = (void *)3;
	return c;
}

/* Aborts both ends of a pair, closes its listener and empties the wire. */
static void teardown_pair(struct tcp_pcb *l, struct tcp_pcb *c, struct tcp_pcb *s)
{
	tcp_abort(c);
	tcp_close(c);
	tcp_abort(s);
	tcp_close(s);
	tcp_close(l);
	drop_all();
}

static uint8_t *pattern(size_t n)
{
	uint8_t *b = malloc(n);
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(i * 31 + (i >> 8));
	return b;
}

/* Moves n bytes from c to s with the app reading rd bytes per turn; returns bytes that arrived intact. */
/* Reads up to rd bytes from p into dst + *got through tmp; returns what tcp_recv returned. */
static long pull(struct tcp_pcb *p, uint8_t *tmp, size_t rd, uint8_t *dst, size_t *got)
{
	long r = tcp_recv(p, tmp, rd, false);
	if (r > 0) {
		memcpy(dst + *got, tmp, (size_t)r);
		*got += (size_t)r;
	}
	return r;
}

static size_t transfer(struct tcp_pcb *c, struct tcp_pcb *s, size_t n, size_t rd, int max_rounds)
{
	uint8_t *src = pattern(n), *dst = malloc(n), *tmp = malloc(rd);
	size_t sent = 0, got = 0;
	for (int round = 0; round < max_rounds && got < n; round++) {
		if (sent < n) {
			long r = tcp_send(c, src + sent, n - sent, false);
			if (r > 0)
				sent += (size_t)r;
		}
		deliver();
		long r = pull(s, tmp, rd, dst, &got);
		deliver();
		if (!qn)
			tick(r > 0 ? 1 : 50);
	}
	size_t ok = got == n && !memcmp(src, dst, n) ? got : 0;
	free(src);
	free(dst);
	free(tmp);
	return ok;
}

static void test_handshake_and_transfer(void)
{
	struct tcp_pcb *l = listener(80, 8), *s;
	struct tcp_pcb *c = connect_pair(l, &s, 65536);
	CHECK_EQ_INT("client established", c->state, TCP_ESTABLISHED);
	CHECK("server accepted", s != NULL, "no child");
	if (!s)
		return;
	CHECK_EQ_INT("server established", s->state, TCP_ESTABLISHED);
	CHECK_EQ_INT("mss with timestamps", c->mss, 1500 - 40 - 12);
	CHECK("window scaling on", c->ws_ok && s->ws_ok, "ws %d %d", c->ws_ok, s->ws_ok);
	CHECK_EQ_INT("bulk 1 MiB, reader 4 KiB", transfer(c, s, 1 << 20, 4096, 200000), 1 << 20);
	CHECK_EQ_INT("no retransmissions on a clean wire", tcp_stats.RetransSegs, 0);
	CHECK_EQ_INT("bulk the other way", transfer(s, c, 300000, 65536, 100000), 300000);
	/* Orderly close: client first. */
	tcp_shutdown(c, 1);
	deliver();
	CHECK_EQ_INT("client FIN_WAIT2", c->state, TCP_FIN_WAIT2);
	CHECK_EQ_INT("server CLOSE_WAIT", s->state, TCP_CLOSE_WAIT);
	char b[4];
	CHECK_EQ_INT("server reads EOF", tcp_recv(s, b, 4, false), 0);
	tcp_close(s);
	deliver();
	CHECK_EQ_INT("client TIME_WAIT", c->state, TCP_TIME_WAIT);
	/* A server under connection churn holds one of these per connection for 60 s. */
	CHECK("TIME_WAIT keeps no buffers", c->sbuf == NULL && c->rbuf == NULL, "sbuf %p rbuf %p", (void *)c->sbuf, (void *)c->rbuf);
	CHECK_EQ_INT("TIME_WAIT reads EOF", tcp_recv(c, b, 4, false), 0);
	CHECK("TIME_WAIT refuses sends", tcp_send(c, "x", 1, false) < 0, "send succeeded");
	tick(TCP_TIMEWAIT_MS + 1);
	CHECK_EQ_INT("client closed after 2MSL", c->state, TCP_CLOSE);
	tcp_close(c);
	tcp_close(l);
	drop_all();
}

static void test_loss_recovery(void)
{
	uint64_t rexmit0 = tcp_stats.RetransSegs, fast0 = tcp_stats.FastRetrans, to0 = tcp_stats.Timeouts;
	struct tcp_pcb *l = listener(81, 8), *s;
	struct tcp_pcb *c = connect_pair(l, &s, 262144);
	drop_every = 17;
	CHECK_EQ_INT("1 MiB across 6% loss", transfer(c, s, 1 << 20, 65536, 400000), 1 << 20);
	drop_every = 0;
	CHECK("retransmissions counted", tcp_stats.RetransSegs > rexmit0, "%lu", (unsigned long)tcp_stats.RetransSegs);
	CHECK("fast retransmit used", tcp_stats.FastRetrans > fast0, "%lu", (unsigned long)tcp_stats.FastRetrans);
	CHECK("loss mostly repaired without timeouts (Limited Transmit + NewReno)",
	      tcp_stats.Timeouts - to0 < tcp_stats.FastRetrans - fast0, "timeouts %lu fast %lu",
	      (unsigned long)(tcp_stats.Timeouts - to0), (unsigned long)(tcp_stats.FastRetrans - fast0));
	printf("# loss run: retrans %lu fast %lu timeouts %lu\n", (unsigned long)(tcp_stats.RetransSegs - rexmit0),
	       (unsigned long)(tcp_stats.FastRetrans - fast0), (unsigned long)(tcp_stats.Timeouts - to0));
	/* A lost tail segment needs the RTO. */
	to0 = tcp_stats.Timeouts;
	drop_next_data = 1;
	tcp_send(c, "tail", 4, false);
	deliver();
	CHECK_EQ_INT("tail lost", s->rlen, 0);
	/* The tail may wait for the delayed ACK (Nagle), then for the RTO. */
	for (int i = 0; i < 10 && s->rlen < 4; i++) {
		tick(c->rto + 1);
		deliver();
	}
	CHECK_EQ_INT("tail recovered by RTO", s->rlen, 4);
	CHECK("timeout counted", tcp_stats.Timeouts > to0, "none");
	tcp_close(s);
	tcp_close(c);
	deliver();
	tcp_close(l);
	tick(TCP_TIMEWAIT_MS + 1);
	drop_all();
}

static void test_rto_values(void)
{
	/* RFC 6298: first sample R gives SRTT=R, RTTVAR=R/2, RTO=SRTT+4*RTTVAR, bounded below by RTO_MIN. */
	struct tcp_pcb *l = listener(82, 8), *s;
	struct tcp_pcb *c = tcp_pcb_new(65536, 65536);
	c->user = (void *)2;
	CHECK_EQ_INT("initial RTO 1 s", c->rto, 1000);
	tcp_connect(c, B, 82);
	uint64_t t0 = now_ms;
	/* SYN sits 100 ms on the wire. */
	now_ms += 100;
	deliver();
	CHECK_EQ_INT("srtt 100 ms", c->srtt_us, 100000);
	CHECK_EQ_INT("rttvar 50 ms", c->rttvar_us, 50000);
	CHECK_EQ_INT("rto = 100 + 4*50", c->rto, 300);
	s = tcp_accept(l);
	/* Data sampled with timestamps: 20 ms. */
	tcp_send(c, "x", 1, false);
	now_ms += 20;
	deliver();
	tick(TCP_DELACK_MS);
	now_ms -= TCP_DELACK_MS;
	deliver();
	now_ms += TCP_DELACK_MS;
	/* rttvar = 3/4*50 + 1/4*|100-60|..., just check the bound and monotonicity. */
	CHECK("rto >= RTO_MIN", c->rto >= TCP_RTO_MIN, "%u", c->rto);
	/* Backoff doubles on each timeout. */
	uint32_t r0 = c->rto;
	drop_next_data = 100;
	tcp_send(c, "y", 1, false);
	tick(r0 + 1);
	CHECK_EQ_INT("backoff doubles", c->rto, 2 * r0);
	tick(2 * r0 + 1);
	CHECK_EQ_INT("backoff doubles again", c->rto, 4 * r0);
	CHECK_EQ_INT("cwnd is one segment after RTO", c->cwnd, c->mss);
	drop_next_data = 0;
	tick(4 * r0 + 1);
	deliver();
	CHECK_EQ_INT("recovered", s->rlen, 2);
	(void)t0;
	tcp_abort(c);
	tcp_close(c);
	deliver();
	tcp_close(s);
	tcp_close(l);
	drop_all();
}

static void test_backlog_and_refused(void)
{
	struct tcp_pcb *l = listener(83, 1);   /* backlog 1: Linux queues 2 */
	struct tcp_pcb *c[4];
	for (int i = 0; i < 4; i++) {
		c[i] = tcp_pcb_new(8192, 8192);
		c[i]->user = (void *)2;
		tcp_connect(c[i], B, 83);
		deliver();
	}
	CHECK_EQ_INT("accept queue holds backlog+1", l->acq_len, 2);
	CHECK_EQ_INT("3rd client still connecting", c[2]->state, TCP_SYN_SENT);
	CHECK("overflow counted", tcp_stats.ListenOverflows > 0, "none");
	struct tcp_pcb *a = tcp_accept(l);
	a->user = (void *)3;
	tick(3000);
	deliver();
	tick(3000);
	deliver();
	CHECK_EQ_INT("3rd connects once room frees up", c[2]->state, TCP_ESTABLISHED);
	/* Refused: no listener on the port. */
	struct tcp_pcb *r = tcp_pcb_new(8192, 8192);
	r->user = (void *)2;
	tcp_connect(r, B, 9999);
	deliver();
	CHECK_EQ_INT("refused closes", r->state, TCP_CLOSE);
	CHECK_EQ_INT("refused error", r->error, ECONNREFUSED);
	tcp_close(r);
	/* Closing the listener resets the unaccepted ones. */
	tcp_close(l);
	deliver();
	CHECK_EQ_INT("queued client reset", c[1]->state, TCP_CLOSE);
	for (int i = 0; i < 4; i++) {
		tcp_abort(c[i]);
		tcp_close(c[i]);
	}
	tcp_abort(a);
	tcp_close(a);
	deliver();
	drop_all();
}

static void test_zero_window(void)
{
	struct tcp_pcb *l = listener(84, 4), *s;
	struct tcp_pcb *c = connect_pair(l, &s, 16384);
	uint8_t *buf = pattern(100000);
	long total = 0;
	for (int i = 0; i < 50; i++) {
		long r = tcp_send(c, buf + total, 100000 - (size_t)total, false);
		if (r > 0)
			total += r;
		deliver();
		tick(10);
	}
	CHECK("receiver window full", s->rcap - s->rlen < (2u << s->rcv_wscale), "rlen %u rcap %u", s->rlen, s->rcap);
	CHECK_EQ_INT("sender sees zero window", c->snd_wnd, 0);
	uint64_t probes0 = tcp_stats.ZeroWindowProbes;
	for (int i = 0; i < 20; i++) {
		tick(1000);
		deliver();
	}
	CHECK("zero-window probes sent", tcp_stats.ZeroWindowProbes > probes0, "none");
	CHECK("connection survives", c->state == TCP_ESTABLISHED, "state %d", c->state);
	uint8_t tmp[16384];
	long got = 0;
	for (int i = 0; i < 2000 && got < total; i++) {
		long r = tcp_recv(s, tmp, sizeof(tmp), false);
		if (r > 0) {
			CHECK("data intact", !memcmp(tmp, buf + got, (size_t)r), "at %ld", got);
			got += r;
		}
		if (total < 100000) {
			r = tcp_send(c, buf + total, 100000 - (size_t)total, false);
			if (r > 0)
				total += r;
		}
		deliver();
		tick(5);
	}
	CHECK_EQ_INT("all data after the window reopens", got, 100000);
	free(buf);
	tcp_abort(c);
	tcp_close(c);
	tcp_abort(s);
	tcp_close(s);
	tcp_close(l);
	deliver();
	drop_all();
}

/* --- crafted segments --- */

static struct pkt *seg(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
		       uint8_t flags, const void *data, uint32_t len, bool good_csum)
{
	struct pkt *p = pkt_alloc(TCP_HLEN + len);
	uint8_t *h = pkt_put(p, TCP_HLEN + len);
	memset(h, 0, TCP_HLEN);
	wr16(h, sport);
	wr16(h + 2, dport);
	wr32(h + 4, seq);
	wr32(h + 8, ack);
	h[12] = 5 << 4;
	h[13] = flags;
	wr16(h + 14, 65535);
	memcpy(h + TCP_HLEN, data, len);
	uint16_t c = csum_fold(csum_add(csum_pseudo(src, dst, IPPROTO_TCP, p->len), h, p->len));
	wr16(h + 16, good_csum ? c : (uint16_t)(c ^ 0x1234));
	return p;
}

static int count_rst(void)
{
	int n = 0;
	for (int i = 0; i < qn; i++)
		if (q[i].p->len >= TCP_HLEN && (q[i].p->data[13] & TCP_RST))
			n++;
	return n;
}

static void test_malformed(void)
{
	drop_all();
	struct tcp_pcb *l = listener(85, 4);
	uint64_t errs0 = tcp_stats.InErrs, csum0 = tcp_stats.InCsumErrors;
	/* Truncated header. */
	struct pkt *p = seg(A, B, 1000, 85, 1, 0, TCP_SYN, "", 0, true);
	p->len = 12;
	tcp_input(p, A, B);
	/* Data offset beyond the segment. */
	p = seg(A, B, 1000, 85, 1, 0, TCP_SYN, "", 0, true);
	p->data[12] = 15 << 4;
	tcp_input(p, A, B);
	/* Data offset below 5. */
	p = seg(A, B, 1000, 85, 1, 0, TCP_SYN, "", 0, true);
	p->data[12] = 2 << 4;
	tcp_input(p, A, B);
	/* Bad checksum. */
	tcp_input(seg(A, B, 1000, 85, 1, 0, TCP_SYN, "", 0, false), A, B);
	CHECK_EQ_INT("malformed counted", tcp_stats.InErrs - errs0, 4);
	CHECK_EQ_INT("checksum errors counted", tcp_stats.InCsumErrors - csum0, 1);
	CHECK_EQ_INT("no answer to garbage", qn, 0);
	CHECK_EQ_INT("no child from garbage", l->synq_len, 0);
	/* Options that run off the end, zero-length options, a huge MSS option in a non-SYN. */
	p = pkt_alloc(TCP_HLEN + 8);
	uint8_t *h = pkt_put(p, TCP_HLEN + 8);
	memset(h, 0, TCP_HLEN + 8);
	wr16(h, 1001); wr16(h + 2, 85); wr32(h + 4, 7);
	h[12] = 7 << 4; h[13] = TCP_SYN; wr16(h + 14, 1000);
	h[20] = 2; h[21] = 40;   /* MSS claiming 40 bytes */
	h[22] = 8; h[23] = 0;    /* zero length */
	wr16(h + 16, csum_fold(csum_add(csum_pseudo(A, B, IPPROTO_TCP, p->len), h, p->len)));
	tcp_input(p, A, B);
	CHECK_EQ_INT("SYN with bad options still answered", l->synq_len, 1);
	drop_all();
	/* SYN+FIN and SYN+RST are dropped silently. */
	tcp_input(seg(A, B, 1002, 85, 1, 0, TCP_SYN | TCP_FIN, "", 0, true), A, B);
	tcp_input(seg(A, B, 1003, 85, 1, 0, TCP_SYN | TCP_RST, "", 0, true), A, B);
	CHECK_EQ_INT("nonsense flags dropped", qn, 0);
	/* ACK to a listener: RST with seq = ack. */
	tcp_input(seg(A, B, 1004, 85, 1, 777, TCP_ACK, "", 0, true), A, B);
	CHECK_EQ_INT("ACK to listener gets RST", count_rst(), 1);
	if (qn)
		CHECK_EQ_INT("RST seq = their ack", rd32(q[0].p->data + 4), 777);
	drop_all();
	/* Segment to a closed port: RST/ACK covering it; a RST gets no answer. */
	tcp_input(seg(A, B, 1005, 86, 100, 0, TCP_SYN, "", 0, true), A, B);
	CHECK_EQ_INT("closed port: RST", count_rst(), 1);
	if (qn)
		CHECK_EQ_INT("RST acks SYN", rd32(q[0].p->data + 8), 101);
	drop_all();
	tcp_input(seg(A, B, 1005, 86, 100, 0, TCP_RST, "", 0, true), A, B);
	CHECK_EQ_INT("RST to closed port: silence", qn, 0);
	/* Port 0 and broadcast sources are ignored. */
	tcp_input(seg(A, B, 0, 85, 1, 0, TCP_SYN, "", 0, true), A, B);
	tcp_input(seg(0xffffffffu, B, 1006, 85, 1, 0, TCP_SYN, "", 0, true), 0xffffffffu, B);
	CHECK_EQ_INT("port 0 / broadcast ignored", qn, 0);
	tcp_close(l);
	drop_all();
}

static void test_window_rules(void)
{
	drop_all();
	struct tcp_pcb *l = listener(87, 4), *s;
	struct tcp_pcb *c = connect_pair(l, &s, 65536);
	uint32_t nxt = s->rcv_nxt;
	uint16_t cport = c->lport;
	/* Data far beyond the window: dropped, ACKed. */
	tcp_input(seg(A, B, cport, 87, nxt + 10000000, c->rcv_nxt, TCP_ACK, "zz", 2, true), A, B);
	CHECK_EQ_INT("out-of-window data not queued", s->rlen, 0);
	CHECK("out-of-window answered with ACK", qn == 1 && !(q[0].p->data[13] & TCP_RST), "qn %d", qn);
	drop_all();
	/* An old duplicate entirely before rcv_nxt. */
	tcp_input(seg(A, B, cport, 87, nxt - 5, c->rcv_nxt, TCP_ACK, "old", 3, true), A, B);
	CHECK_EQ_INT("old duplicate not queued", s->rlen, 0);
	drop_all();
	/* Out-of-order data is held, then completed by the missing piece. */
	tcp_input(seg(A, B, cport, 87, nxt + 3, c->rcv_nxt, TCP_ACK, "def", 3, true), A, B);
	CHECK_EQ_INT("ooo held back", s->rlen, 0);
	CHECK("dup ACK for ooo", qn >= 1 && rd32(q[qn - 1].p->data + 8) == nxt, "qn %d", qn);
	drop_all();
	tcp_input(seg(A, B, cport, 87, nxt, c->rcv_nxt, TCP_ACK, "abc", 3, true), A, B);
	char b[8] = { 0 };
	CHECK_EQ_INT("hole filled", tcp_recv(s, b, 8, false), 6);
	CHECK("in order", !memcmp(b, "abcdef", 6), "%s", b);
	drop_all();
	/* RST with a wrong sequence number: challenge ACK, connection stays. */
	nxt = s->rcv_nxt;
	tcp_input(seg(A, B, cport, 87, nxt + 1, 0, TCP_RST, "", 0, true), A, B);
	CHECK_EQ_INT("blind RST ignored", s->state, TCP_ESTABLISHED);
	CHECK("challenge ACK", qn == 1 && (q[0].p->data[13] & TCP_ACK), "qn %d", qn);
	drop_all();
	/* SYN in ESTABLISHED: challenge ACK. */
	tcp_input(seg(A, B, cport, 87, nxt, 0, TCP_SYN, "", 0, true), A, B);
	CHECK_EQ_INT("SYN in established ignored", s->state, TCP_ESTABLISHED);
	drop_all();
	/* ACK for data never sent: ACK back, drop. */
	tcp_input(seg(A, B, cport, 87, nxt, s->snd_max + 100000, TCP_ACK, "q", 1, true), A, B);
	CHECK_EQ_INT("ack of unsent data: data dropped", s->rlen, 0);
	drop_all();
	/* Exact RST resets. */
	tcp_input(seg(A, B, cport, 87, nxt, 0, TCP_RST, "", 0, true), A, B);
	CHECK_EQ_INT("exact RST resets", s->state, TCP_CLOSE);
	CHECK_EQ_INT("ECONNRESET", s->error, ECONNRESET);
	tcp_close(s);
	tcp_abort(c);
	tcp_close(c);
	tcp_close(l);
	drop_all();
}

static void test_close_with_unread_data(void)
{
	struct tcp_pcb *l = listener(88, 4), *s;
	struct tcp_pcb *c = connect_pair(l, &s, 65536);
	tcp_send(c, "unread", 6, false);
	deliver();
	tick(TCP_DELACK_MS + 1);
	deliver();
	uint64_t rst0 = tcp_stats.OutRsts;
	tcp_close(s);
	deliver();
	CHECK_EQ_INT("close with unread data sends RST", tcp_stats.OutRsts - rst0, 1);
	CHECK_EQ_INT("peer reset", c->state, TCP_CLOSE);
	CHECK_EQ_INT("peer error", c->error, ECONNRESET);
	char b[2];
	CHECK_EQ_INT("recv ECONNRESET", tcp_recv(c, b, 2, false), -ECONNRESET);
	CHECK_EQ_INT("then EOF", tcp_recv(c, b, 2, false), 0);
	CHECK_EQ_INT("send EPIPE", tcp_send(c, "x", 1, false), -EPIPE);
	tcp_close(c);
	tcp_close(l);
	drop_all();
}

static void test_loopback_mtu(void)
{
	mtu = 65536;
	struct tcp_pcb *l = listener(89, 4), *s;
	struct tcp_pcb *c = connect_pair(l, &s, 212992);
	CHECK_EQ_INT("lo mss (Linux: 65483)", c->mss, 65483);
	CHECK_EQ_INT("lo bulk 1 MiB, reader 64 KiB", transfer(c, s, 1 << 20, 65536, 100000), 1 << 20);
	CHECK_EQ_INT("lo bulk, reader 1 KiB", transfer(c, s, 200000, 1024, 100000), 200000);
	mtu = 1500;
	teardown_pair(l, c, s);
}

/* TSO: on an interface that cuts segments, the sender hands it up to 64 KiB at a time, the
 * peer (which sees them whole, as after GRO) reassembles the stream; loss is still repaired. */
static void test_tso(void)
{
	tso_max = 65535 - IP_HLEN;
	max_payload = 0;
	gso_bad = 0;
	struct tcp_pcb *l = listener(90, 4), *s;
	struct tcp_pcb *c = connect_pair(l, &s, 212992);
	CHECK_EQ_INT("mss stays the wire's", c->mss, 1448);
	CHECK("tso_max is whole segments under 64 KiB", c->tso_max && c->tso_max % c->mss == 0 && c->tso_max + 60 <= 65535,
	      "tso_max %u", c->tso_max);
	CHECK_EQ_INT("bulk 1 MiB over TSO", transfer(c, s, 1 << 20, 65536, 100000), 1 << 20);
	CHECK("segments of many mss went out", max_payload >= 10 * c->mss, "largest payload %u", max_payload);
	CHECK_EQ_INT("every oversized segment was marked for the NIC with gso_size = mss", gso_bad, 0);
	uint64_t re0 = tcp_stats.RetransSegs;
	drop_next_data = 1;
	CHECK_EQ_INT("a lost TSO segment is repaired", transfer(c, s, 1 << 20, 65536, 100000), 1 << 20);
	CHECK("and counted as retransmitted", tcp_stats.RetransSegs > re0, "RetransSegs did not move");
	tso_max = 0;
	teardown_pair(l, c, s);
}

/* Both directions at once: the server echoes what it reads, the client
 * keeps writing while it reads the echo (the ABI echo test's pattern). */
static void test_echo_bidirectional(void)
{
	mtu = 65536;
	struct tcp_pcb *l = listener(90, 4), *s;
	struct tcp_pcb *c = connect_pair(l, &s, 212992);
	const size_t n = 1 << 20;
	uint8_t *src = pattern(n), *dst = malloc(n), *tmp = malloc(65536);
	size_t sent = 0, got = 0;
	uint8_t *echo = malloc(n);
	size_t echo_in = 0, echo_out = 0;
	int rounds = 0;
	for (; rounds < 200000 && got < n; rounds++) {
		if (sent < n) {
			long r = tcp_send(c, src + sent, n - sent < 50000 ? n - sent : 50000, false);
			if (r > 0)
				sent += (size_t)r;
		}
		deliver();
		long r = tcp_recv(s, echo + echo_in, 65536 < n - echo_in ? 65536 : n - echo_in, false);
		if (r > 0)
			echo_in += (size_t)r;
		if (echo_out < echo_in) {
			r = tcp_send(s, echo + echo_out, echo_in - echo_out, false);
			if (r > 0)
				echo_out += (size_t)r;
		}
		deliver();
		r = pull(c, tmp, 65536, dst, &got);
		deliver();
		if (!qn)
			tick(r > 0 ? 1 : 50);
	}
	CHECK_EQ_INT("bidirectional echo 1 MiB", got, n);
	CHECK("echo intact", got == n && !memcmp(src, dst, n), "mismatch");
	if (got != n)
		printf("# c: una %u nxt %u max %u slen %u wnd %u rlen %u | s: una %u nxt %u slen %u wnd %u rlen %u\n", c->snd_una, c->snd_nxt,
		       c->snd_max, c->slen, c->snd_wnd, c->rlen, s->snd_una, s->snd_nxt, s->slen, s->snd_wnd, s->rlen);
	free(src); free(dst); free(tmp); free(echo);
	mtu = 1500;
	tcp_abort(c); tcp_close(c); tcp_abort(s); tcp_close(s); tcp_close(l);
	drop_all();
}

/* A server that closes first, 3000 times: every connection leaves a TIME_WAIT pcb (no rings),
 * an open connection is still found among them, and all of them go after 2MSL. */
static void test_churn_time_wait(void)
{
	struct tcp_pcb *l = listener(89, 64), *s;
	struct tcp_pcb *keep_c = connect_pair(l, &s, 65536), *keep_s = s;
	static uint8_t port_seen[65536];
	int ok = 0, ports = 0;
	for (int i = 0; i < 3000; i++) {
		struct tcp_pcb *c = connect_pair(l, &s, 65536);
		if (!s)
			break;
		if (!port_seen[c->lport]) {
			port_seen[c->lport] = 1;
			ports++;
		}
		tcp_send(c, "GET", 3, false);
		deliver();
		char b[8];
		if (tcp_recv(s, b, sizeof b, false) == 3 && tcp_send(s, "200", 3, false) == 3)
			ok++;
		tcp_close(s);   /* server first: it ends in TIME_WAIT */
		deliver();
		tcp_recv(c, b, sizeof b, false);
		tcp_close(c);
		deliver();
		tick(1);
	}
	CHECK_EQ_INT("3000 request/response/close cycles", ok, 3000);
	int tw = 0, other = 0;
	for (struct tcp_pcb *p = tcp_pcb_first(); p; p = tcp_pcb_next(p)) {
		if (p->state == TCP_TIME_WAIT && !p->sbuf && !p->rbuf)
			tw++;
		else
			other++;
	}
	/* A client port reused while its old pair was in TIME_WAIT replaced that one (RFC 6191). */
	CHECK_EQ_INT("one TIME_WAIT per client port, none with rings", tw, ports);
	CHECK("ports were reused", ports < 3000, "%d ports", ports);
	CHECK_EQ_INT("besides them: the listener and one open pair", other, 3);
	CHECK_EQ_INT("the open pair still talks", transfer(keep_c, keep_s, 100000, 4096, 10000), 100000);
	tick(TCP_TIMEWAIT_MS + 1);
	int left = 0;
	for (struct tcp_pcb *p = tcp_pcb_first(); p; p = tcp_pcb_next(p))
		left++;
	CHECK_EQ_INT("all TIME_WAITs freed after 2MSL", left, 3);
	tcp_close(keep_c);
	tcp_close(keep_s);
	deliver();
	tcp_close(l);
	tick(TCP_TIMEWAIT_MS + 1);
	CHECK("nothing left", tcp_pcb_first() == NULL, "pcbs remain");
	drop_all();
}

/* The server shuts down first but keeps its socket: its pcb sits in TIME_WAIT, still owned. A
 * client SYN reusing the pair (newer timestamp) opens a new connection; the old pcb must end
 * CLOSED, not freed under its socket (ASan would see the use below). */
static void test_time_wait_reuse_keeps_owned_pcb(void)
{
	struct tcp_pcb *l = listener(90, 8), *s;
	struct tcp_pcb *c = connect_pair(l, &s, 65536);
	uint16_t port = c->lport;
	tcp_shutdown(s, 1);
	deliver();
	tcp_close(c);
	deliver();
	CHECK_EQ_INT("owned server pcb in TIME_WAIT", s->state, TCP_TIME_WAIT);
	tick(1000);
	struct tcp_pcb *c2 = tcp_pcb_new(65536, 65536), *s2;
	c2->user = (void *)4;
	c2->reuseaddr = true;
	CHECK_EQ_INT("rebind the old client port", tcp_bind(c2, A, port), 0);
	tcp_connect(c2, B, 90);
	deliver();
	s2 = tcp_accept(l);
	CHECK("the reused pair is accepted", s2 != NULL && c2->state == TCP_ESTABLISHED, "state %d", c2->state);
	CHECK_EQ_INT("the old pcb is closed, still there for its socket", s->state, TCP_CLOSE);
	tcp_close(s);
	if (s2) {
		s2->user = (void *)5;
		tcp_abort(s2);
		tcp_close(s2);
	}
	tcp_abort(c2);
	tcp_close(c2);
	tcp_close(l);
	tick(TCP_TIMEWAIT_MS + 1);
	drop_all();
}

int main(void)
{
	test_echo_bidirectional();
	test_handshake_and_transfer();
	test_loopback_mtu();
	test_tso();
	test_loss_recovery();
	test_rto_values();
	test_backlog_and_refused();
	test_zero_window();
	test_malformed();
	test_window_rules();
	test_close_with_unread_data();
	test_churn_time_wait();
	test_time_wait_reuse_keeps_owned_pcb();
	return check_done();
}
