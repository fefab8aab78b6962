/* Host tests of the IPv4 layer (kernel/net/ipv4.c, icmp.c, udp.c, netif.c)
 * with crafted packets: header checks (truncated, bad version, bad lengths,
 * bad checksums), addressing, fragmentation on a small-MTU interface and
 * reassembly in any order (with overlaps, oversize and timed-out pieces),
 * UDP checks and demultiplexing, ICMP echo and port-unreachable. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "net/netif.h"
#include "net/ipv4.h"
#include "net/icmp.h"
#include "net/udp.h"
#include "net/pkt.h"
#include "net/inet.h"
#include "lib/errno.h"

void *kmalloc(size_t n) { return malloc(n ? n : 1); }
void *kzalloc(size_t n) { return calloc(1, n ? n : 1); }
void kfree(void *p) { free(p); }
static uint64_t now = 5000;
uint64_t net_now_ms(void) { return now; }
void net_timer_request(uint64_t d) {}
uint64_t random_u64(void) { static uint64_t r = 99; r = r * 6364136223846793005ULL + 1; return r >> 13; }
static int tcp_seen, tcp_err_seen;
void tcp_input(struct pkt *p, uint32_t src, uint32_t dst) { tcp_seen++; pkt_free(p); }
void tcp_icmp_error(uint32_t s, uint32_t d, uint16_t sp, uint16_t dp, uint32_t seq, int err) { tcp_err_seen = err; }
static int udp_wakes;
void udp_notify(struct udp_pcb *u, uint32_t ev) { udp_wakes++; }

/* eth0 stand-in: 10.0.0.1/24, MTU 1500, captures what it is given. */
static struct pkt *txq[256];
static int ntx;
static int eth_output(struct netif *n, struct pkt *p, uint32_t nh)
{
	if (ntx < 256)
		txq[ntx++] = p;
	else
		pkt_free(p);
	return 0;
}
static struct netif eth = { .name = "eth0", .flags = IFF_UP | IFF_RUNNING | IFF_BROADCAST, .type = ARPHRD_ETHER,
			    .mtu = 1500, .addr = 0x0a000001, .prefixlen = 24, .output = eth_output };
#define PEER 0x0a000002u
#define ME   0x0a000001u

static void flush_tx(void)
{
	while (ntx)
		pkt_free(txq[--ntx]);
}

/* An IPv4 packet around payload; fix=0 leaves the header checksum right. */
static struct pkt *ip_pkt(uint32_t src, uint32_t dst, uint8_t proto, const void *payload, uint32_t len)
{
	struct pkt *p = pkt_alloc(IP_HLEN + len);
	uint8_t *h = pkt_put(p, IP_HLEN + len);
	memset(h, 0, IP_HLEN);
	h[0] = 0x45;
	wr16(h + 2, (uint16_t)(IP_HLEN + len));
	h[8] = 64;
	h[9] = proto;
	wr32(h + 12, src);
	wr32(h + 16, dst);
	wr16(h + 10, csum_fold(csum_add(0, h, IP_HLEN)));
	memcpy(h + IP_HLEN, payload, len);
	return p;
}

static void recsum(struct pkt *p)
{
	wr16(p->data + 10, 0);
	wr16(p->data + 10, csum_fold(csum_add(0, p->data, IP_HLEN)));
}

static uint8_t *udp_payload(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport, const void *data, uint32_t len,
			    bool csum)
{
	uint8_t *u = malloc(UDP_HLEN + len);
	wr16(u, sport);
	wr16(u + 2, dport);
	wr16(u + 4, (uint16_t)(UDP_HLEN + len));
	wr16(u + 6, 0);
	memcpy(u + UDP_HLEN, data, len);
	if (csum)
		wr16(u + 6, csum_fold(csum_add(csum_pseudo(src, dst, IPPROTO_UDP, UDP_HLEN + len), u, UDP_HLEN + len)));
	return u;
}

static void test_headers(void)
{
	struct ip_stats before = ip_stats;
	uint8_t d[8] = { 0 };
	struct pkt *p = ip_pkt(PEER, ME, IPPROTO_TCP, d, 8);
	p->len = 10;   /* truncated header */
	ipv4_input(&eth, p);
	p = ip_pkt(PEER, ME, IPPROTO_TCP, d, 8);
	p->data[0] = 0x65;   /* version 6 */
	recsum(p);
	ipv4_input(&eth, p);
	p = ip_pkt(PEER, ME, IPPROTO_TCP, d, 8);
	p->data[0] = 0x44;   /* ihl 4 */
	recsum(p);
	ipv4_input(&eth, p);
	p = ip_pkt(PEER, ME, IPPROTO_TCP, d, 8);
	p->data[0] = 0x4f;   /* ihl 15: 60 bytes > packet */
	recsum(p);
	ipv4_input(&eth, p);
	p = ip_pkt(PEER, ME, IPPROTO_TCP, d, 8);
	wr16(p->data + 2, 200);   /* tot_len beyond the frame */
	recsum(p);
	ipv4_input(&eth, p);
	p = ip_pkt(PEER, ME, IPPROTO_TCP, d, 8);
	wr16(p->data + 2, 10);   /* tot_len below the header */
	recsum(p);
	ipv4_input(&eth, p);
	p = ip_pkt(PEER, ME, IPPROTO_TCP, d, 8);
	p->data[10] ^= 0xff;   /* checksum */
	ipv4_input(&eth, p);
	CHECK_EQ_INT("malformed headers counted", ip_stats.InHdrErrors - before.InHdrErrors, 7);
	CHECK_EQ_INT("none delivered", tcp_seen, 0);
	ipv4_input(&eth, ip_pkt(PEER, 0x0b000001, IPPROTO_TCP, d, 8));
	CHECK_EQ_INT("not for us", ip_stats.InAddrErrors - before.InAddrErrors, 1);
	ipv4_input(&eth, ip_pkt(0xe0000001, ME, IPPROTO_TCP, d, 8));
	CHECK_EQ_INT("multicast source dropped", ip_stats.InAddrErrors - before.InAddrErrors, 2);
	/* Trailing link-layer padding is trimmed; a good packet is delivered. */
	p = ip_pkt(PEER, ME, IPPROTO_TCP, d, 8);
	struct pkt *padded = pkt_alloc(p->len + 6);
	memcpy(pkt_put(padded, p->len), p->data, p->len);
	memset(pkt_put(padded, 6), 0, 6);
	pkt_free(p);
	ipv4_input(&eth, padded);
	CHECK_EQ_INT("good packet delivered", tcp_seen, 1);
	/* Unknown protocol: ICMP protocol unreachable. */
	flush_tx();
	ipv4_input(&eth, ip_pkt(PEER, ME, 99, d, 8));
	CHECK_EQ_INT("unknown protocol counted", ip_stats.InUnknownProtos - before.InUnknownProtos, 1);
	CHECK("protocol unreachable sent", ntx == 1 && txq[0]->data[IP_HLEN] == 3 && txq[0]->data[IP_HLEN + 1] == 2, "ntx %d", ntx);
	flush_tx();
}

static void test_fragments(void)
{
	struct udp_pcb *u = udp_pcb_new();
	udp_bind(u, 0, 7000);
	struct udp_pcb *snd = udp_pcb_new();
	udp_bind(snd, 0, 7001);
	static uint8_t big[5000];
	for (int i = 0; i < 5000; i++)
		big[i] = (uint8_t)(i * 13);
	flush_tx();
	CHECK_EQ_INT("udp send 5000 over mtu 1500", udp_send(snd, big, 5000, PEER, 7000), 5000);
	CHECK_EQ_INT("4 fragments", ntx, 4);
	int n = ntx;
	struct pkt *frags[8];
	for (int i = 0; i < n; i++)
		frags[i] = txq[i];
	ntx = 0;
	CHECK("fragments carry MF except the last", (rd16(frags[0]->data + 6) & IP_MF) && !(rd16(frags[n - 1]->data + 6) & IP_MF), "flags");
	/* Turn them around (peer -> me) and deliver in reverse order, one duplicated. */
	for (int i = 0; i < n; i++) {
		wr32(frags[i]->data + 12, PEER);
		wr32(frags[i]->data + 16, ME);
		recsum(frags[i]);
	}
	/* The UDP checksum was computed for ME->PEER: fix it for PEER->ME (same sum, swapped). */
	struct ip_stats before = ip_stats;
	struct pkt *dup = pkt_alloc(frags[1]->len);
	memcpy(pkt_put(dup, frags[1]->len), frags[1]->data, frags[1]->len);
	for (int i = n - 1; i >= 0; i--) {
		ipv4_input(&eth, frags[i]);
		if (i == 2)
			ipv4_input(&eth, dup);
	}
	CHECK_EQ_INT("reassembled once", ip_stats.ReasmOKs - before.ReasmOKs, 1);
	CHECK("datagram queued", u->rx_head && u->rx_head->len == 5000 && !memcmp(u->rx_head->data, big, 5000),
	      "len %u", u->rx_head ? u->rx_head->len : 0);
	/* Oversize: a fragment claiming an offset past 64 KiB. */
	struct pkt *p = ip_pkt(PEER, ME, IPPROTO_UDP, big, 1000);
	wr16(p->data + 6, 0x1fff);   /* offset 65528 */
	recsum(p);
	uint64_t fails = ip_stats.ReasmFails;
	ipv4_input(&eth, p);
	CHECK_EQ_INT("oversize fragment dropped", ip_stats.ReasmFails - fails, 1);
	/* A MF fragment whose length is not a multiple of 8. */
	p = ip_pkt(PEER, ME, IPPROTO_UDP, big, 13);
	wr16(p->data + 6, IP_MF);
	recsum(p);
	ipv4_input(&eth, p);
	CHECK_EQ_INT("odd-sized middle fragment dropped", ip_stats.ReasmFails - fails, 2);
	/* An incomplete datagram times out after 30 s. */
	p = ip_pkt(PEER, ME, IPPROTO_UDP, big, 1480);
	wr16(p->data + 4, 4242);
	wr16(p->data + 6, IP_MF);
	recsum(p);
	ipv4_input(&eth, p);
	uint64_t to = ip_stats.ReasmTimeout;
	now += 31000;
	ipv4_timers(now);
	CHECK_EQ_INT("reassembly timeout", ip_stats.ReasmTimeout - to, 1);
	/* Many unfinished datagrams: the table is bounded, nothing leaks past it. */
	for (int i = 0; i < 100; i++) {
		p = ip_pkt(PEER, ME, IPPROTO_UDP, big, 8);
		wr16(p->data + 4, (uint16_t)(5000 + i));
		wr16(p->data + 6, IP_MF);
		recsum(p);
		ipv4_input(&eth, p);
	}
	now += 31000;
	ipv4_timers(now);
	CHECK("table drained", ipv4_timers(now) == 0, "pending");
	udp_close(u);
	udp_close(snd);
}

static void test_udp(void)
{
	struct udp_pcb *u = udp_pcb_new();
	udp_bind(u, 0, 53);
	struct udp_stats before = udp_stats;
	uint8_t *pl = udp_payload(PEER, ME, 1234, 53, "query", 5, true);
	ipv4_input(&eth, ip_pkt(PEER, ME, IPPROTO_UDP, pl, UDP_HLEN + 5));
	CHECK_EQ_INT("udp delivered", udp_stats.InDatagrams - before.InDatagrams, 1);
	CHECK("sender recorded", u->rx_head && u->rx_head->saddr == PEER && u->rx_head->sport == 1234, "no");
	pl[6] ^= 1;   /* checksum */
	ipv4_input(&eth, ip_pkt(PEER, ME, IPPROTO_UDP, pl, UDP_HLEN + 5));
	CHECK_EQ_INT("bad udp checksum", udp_stats.InCsumErrors - before.InCsumErrors, 1);
	free(pl);
	pl = udp_payload(PEER, ME, 1234, 53, "nocsum", 6, false);
	ipv4_input(&eth, ip_pkt(PEER, ME, IPPROTO_UDP, pl, UDP_HLEN + 6));
	CHECK_EQ_INT("zero checksum accepted", udp_stats.InDatagrams - before.InDatagrams, 2);
	wr16(pl + 4, 100);   /* length beyond the packet */
	ipv4_input(&eth, ip_pkt(PEER, ME, IPPROTO_UDP, pl, UDP_HLEN + 6));
	wr16(pl + 4, 3);     /* below the header */
	ipv4_input(&eth, ip_pkt(PEER, ME, IPPROTO_UDP, pl, UDP_HLEN + 6));
	ipv4_input(&eth, ip_pkt(PEER, ME, IPPROTO_UDP, pl, 5));   /* truncated header */
	CHECK_EQ_INT("bad lengths", udp_stats.InErrors - before.InErrors, 4);
	free(pl);
	/* Closed port: ICMP port unreachable quoting the datagram. */
	flush_tx();
	pl = udp_payload(PEER, ME, 1234, 54, "x", 1, true);
	ipv4_input(&eth, ip_pkt(PEER, ME, IPPROTO_UDP, pl, UDP_HLEN + 1));
	CHECK_EQ_INT("no port counted", udp_stats.NoPorts - before.NoPorts, 1);
	CHECK("port unreachable sent", ntx == 1 && txq[0]->data[IP_HLEN] == 3 && txq[0]->data[IP_HLEN + 1] == 3, "ntx %d", ntx);
	flush_tx();
	/* The peer's port unreachable about our datagram reaches a connected socket as ECONNREFUSED. */
	struct udp_pcb *c = udp_pcb_new();
	udp_bind(c, ME, 1234);
	c->connected = true;
	c->raddr = PEER;
	c->rport = 54;
	udp_send(c, "q", 1, PEER, 54);
	CHECK_EQ_INT("datagram out", ntx, 1);
	if (ntx == 1) {
		uint8_t icmp[8 + 28] = { 3, 3 };
		memcpy(icmp + 8, txq[0]->data, 28);
		wr16(icmp + 2, csum_fold(csum_add(0, icmp, sizeof(icmp))));
		flush_tx();
		ipv4_input(&eth, ip_pkt(PEER, ME, IPPROTO_ICMP, icmp, sizeof(icmp)));
		CHECK_EQ_INT("connected socket gets ECONNREFUSED", c->error, ECONNREFUSED);
	}
	udp_close(c);
	free(pl);
	/* Broadcast to a closed port: silence. */
	flush_tx();
	pl = udp_payload(PEER, 0x0a0000ff, 1234, 54, "x", 1, true);
	ipv4_input(&eth, ip_pkt(PEER, 0x0a0000ff, IPPROTO_UDP, pl, UDP_HLEN + 1));
	CHECK_EQ_INT("no ICMP for broadcast", ntx, 0);
	free(pl);
	udp_close(u);
}

static void test_icmp(void)
{
	flush_tx();
	uint8_t echo[16] = { 8, 0, 0, 0, 0x12, 0x34, 0, 1, 'p', 'i', 'n', 'g' };
	wr16(echo + 2, csum_fold(csum_add(0, echo, sizeof(echo))));
	ipv4_input(&eth, ip_pkt(PEER, ME, IPPROTO_ICMP, echo, sizeof(echo)));
	CHECK("echo reply", ntx == 1 && txq[0]->data[IP_HLEN] == 0 && rd32(txq[0]->data + 16) == PEER, "ntx %d", ntx);
	if (ntx == 1)
		CHECK_EQ_INT("reply checksum valid", csum_fold(csum_add(0, txq[0]->data + IP_HLEN, txq[0]->len - IP_HLEN)), 0);
	flush_tx();
	echo[2] ^= 1;
	uint64_t errs = icmp_stats.InErrors;
	ipv4_input(&eth, ip_pkt(PEER, ME, IPPROTO_ICMP, echo, sizeof(echo)));
	CHECK_EQ_INT("bad icmp checksum dropped", icmp_stats.InErrors - errs, 1);
	ipv4_input(&eth, ip_pkt(PEER, ME, IPPROTO_ICMP, echo, 3));
	CHECK_EQ_INT("short icmp dropped", icmp_stats.InErrors - errs, 2);
	/* A destination unreachable quoting garbage. */
	uint8_t un[12] = { 3, 3 };
	wr16(un + 2, csum_fold(csum_add(0, un, sizeof(un))));
	ipv4_input(&eth, ip_pkt(PEER, ME, IPPROTO_ICMP, un, sizeof(un)));
	CHECK_EQ_INT("garbage quote ignored", ntx, 0);
}

static void test_loopback(void)
{
	loopback_init();
	struct udp_pcb *a = udp_pcb_new(), *b = udp_pcb_new();
	udp_bind(b, 0, 9000);
	CHECK_EQ_INT("route to 127.0.0.5 is lo", route_lookup(0x7f000005, &(uint32_t){ 0 }) == netif_lo, 1);
	CHECK_EQ_INT("route to our eth address is lo", route_lookup(ME, &(uint32_t){ 0 }) == netif_lo, 1);
	CHECK_EQ_INT("route to peer is eth0", route_lookup(PEER, &(uint32_t){ 0 }) == &eth, 1);
	CHECK("no route elsewhere", route_lookup(0x08080808, &(uint32_t){ 0 }) == NULL, "route");
	CHECK_EQ_INT("send over lo", udp_send(a, "lo!", 3, INADDR_LOOPBACK, 9000), 3);
	CHECK("queued until drained", b->rx_head == NULL, "early");
	loopback_drain();
	CHECK("delivered after drain", b->rx_head && b->rx_head->len == 3 && b->rx_head->saddr == INADDR_LOOPBACK, "none");
	CHECK_EQ_INT("ephemeral source port", a->lport >= 32768 && a->lport <= 60999, 1);
	CHECK_EQ_INT("no route", udp_send(a, "x", 1, 0x08080808, 53), -ENETUNREACH);
	CHECK_EQ_INT("too big", udp_send(a, "x", 65508, INADDR_LOOPBACK, 9000), -EMSGSIZE);
	udp_close(a);
	udp_close(b);
}

int main(void)
{
	netif_register(&eth);
	test_headers();
	test_fragments();
	test_udp();
	test_icmp();
	test_loopback();
	return check_done();
}
