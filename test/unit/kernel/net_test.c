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
#include "net/l4csum.h"
#include "lib/errno.h"

void *kmalloc(size_t n) { return malloc(n ? n : 1); }
void *kzalloc(size_t n) { return calloc(1, n ? n : 1); }
void kfree(void *p) { free(p); }
static uint64_t now = 5000;
uint64_t net_now_ms(void) { return now; }
void net_timer_request(uint64_t d) {}
uint64_t random_u64(void) { static uint64_t r = 99; r = r * 6364136223846793005ULL + 1; return r >> 13; }
static int tcp_seen, tcp_err_seen;
static bool last_tcp_csum_ok;
void tcp_input(struct pkt *p, uint32_t src, uint32_t dst) { tcp_seen++; last_tcp_csum_ok = p->csum_ok; pkt_free(p); }
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
	CHECK("lo: nobody computes or checks the UDP checksum", b->rx_head && b->rx_head->csum_ok, "csum_ok unset");
	CHECK_EQ_INT("ephemeral source port", a->lport >= 32768 && a->lport <= 60999, 1);
	CHECK_EQ_INT("no route", udp_send(a, "x", 1, 0x08080808, 53), -ENETUNREACH);
	CHECK_EQ_INT("too big", udp_send(a, "x", 65508, INADDR_LOOPBACK, 9000), -EMSGSIZE);
	udp_close(a);
	udp_close(b);
}

/* RFC 1071 by the book, two bytes at a time: what csum_add's word-at-a-time
 * loop must agree with for every length, alignment and starting sum. */
static uint16_t csum_reference(uint32_t sum, const uint8_t *p, size_t len)
{
	uint64_t s = sum;
	for (; len > 1; p += 2, len -= 2)
		s += (uint32_t)(p[0] << 8 | p[1]);
	if (len)
		s += (uint32_t)p[0] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void test_checksum(void)
{
	static uint8_t buf[70000];
	uint64_t r = 0x9e3779b97f4a7c15ULL;
	int bad = 0, runs = 0;
	for (int fill = 0; fill < 3; fill++) {
		for (size_t i = 0; i < sizeof(buf); i++) {
			r ^= r << 13, r ^= r >> 7, r ^= r << 17;
			buf[i] = fill == 0 ? (uint8_t)r : fill == 1 ? 0xff : 0;
		}
		for (size_t len = 0; len < 80; len++)
			for (size_t off = 0; off < 8; off++, runs++) {
				uint32_t start = (uint32_t)(r % 0x40000);
				if (csum_fold(csum_add(start, buf + off, len)) != csum_reference(start, buf + off, len))
					bad++;
			}
		size_t big[] = { 1459, 1460, 1480, 8191, 65535, 65536, 69999 };
		for (size_t i = 0; i < sizeof(big) / sizeof(big[0]); i++, runs++)
			if (csum_fold(csum_add(7, buf + (i & 1), big[i])) != csum_reference(7, buf + (i & 1), big[i]))
				bad++;
	}
	CHECK("csum_add agrees with RFC 1071 byte pairs (random, all-ones, zeros; every length < 80 at 8 alignments; large)",
	      bad == 0, "%d of %d differ", bad, runs);
	uint8_t known[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };  /* RFC 1071 section 3's example */
	uint16_t folded = csum_fold(csum_add(0, known, 8));
	CHECK_EQ_INT("RFC 1071 example sums to 0xddf2", 0xffff - (int)folded, 0xddf2);
}

/* A TCP segment of len payload bytes from ME to PEER, checksum left partial as tcp.c leaves it. */
static struct pkt *partial_tcp(uint32_t len)
{
	struct pkt *p = pkt_alloc(TCP_HLEN + len);
	uint8_t *h = pkt_put(p, TCP_HLEN + len);
	for (uint32_t i = 0; i < TCP_HLEN + len; i++)
		h[i] = (uint8_t)(i * 7 + 3);
	h[12] = 5 << 4;
	l4csum_partial(p, h, 16, csum_pseudo(ME, PEER, IPPROTO_TCP, p->len));
	return p;
}

static bool l4_valid(struct pkt *ip, uint8_t proto)
{
	uint32_t hlen = (uint32_t)(ip->data[0] & 0xf) * 4, n = ip->len - hlen;
	return csum_fold(csum_add(csum_pseudo(rd32(ip->data + 12), rd32(ip->data + 16), proto, n), ip->data + hlen, n)) == 0;
}

/* Who finishes a TCP/UDP checksum: software on a plain interface, the device
 * when it offers to (TCP only, and only unfragmented), nobody on lo. */
static void test_checksum_offload(void)
{
	flush_tx();
	ipv4_output(partial_tcp(100), ME, PEER, IPPROTO_TCP, 64, 0, 1);
	CHECK("plain interface: TCP finished in software", ntx == 1 && !txq[0]->csum_start && l4_valid(txq[0], IPPROTO_TCP),
	      "ntx %d", ntx);
	flush_tx();
	eth.offload = NETIF_CSUM_TX_TCP;
	ipv4_output(partial_tcp(100), ME, PEER, IPPROTO_TCP, 64, 0, 1);
	uint16_t pseudo = (uint16_t)~csum_fold(csum_pseudo(ME, PEER, IPPROTO_TCP, 120));
	CHECK("offloading interface: TCP left partial for the device",
	      ntx == 1 && txq[0]->csum_start == txq[0]->data + IP_HLEN && txq[0]->csum_offset == 16 &&
		      rd16(txq[0]->data + IP_HLEN + 16) == pseudo,
	      "ntx %d", ntx);
	if (ntx == 1) {
		l4csum_finish(txq[0], IPPROTO_TCP);   /* what the device does */
		CHECK("the device's sum is the right one", l4_valid(txq[0], IPPROTO_TCP), "invalid");
	}
	flush_tx();
	struct udp_pcb *u = udp_pcb_new();
	udp_send(u, "offload?", 8, PEER, 53);
	CHECK("offloading interface: UDP still finished in software",
	      ntx == 1 && !txq[0]->csum_start && rd16(txq[0]->data + IP_HLEN + 6) && l4_valid(txq[0], IPPROTO_UDP), "ntx %d", ntx);
	flush_tx();
	static char big[3000];
	udp_send(u, big, sizeof(big), PEER, 53);
	CHECK_EQ_INT("fragmented UDP: three fragments", ntx, 3);
	uint32_t sum = csum_pseudo(ME, PEER, IPPROTO_UDP, UDP_HLEN + sizeof(big));
	for (int i = 0; i < ntx; i++)
		sum = csum_add(sum, txq[i]->data + IP_HLEN, txq[i]->len - IP_HLEN);
	CHECK_EQ_INT("fragmented UDP: checksum finished before fragmenting", csum_fold(sum), 0);
	flush_tx();
	udp_close(u);
	eth.offload = 0;

	/* UDP's computed zero goes out as 0xffff: pick the last payload word that makes the sum zero. */
	struct pkt *p = pkt_alloc(UDP_HLEN + 4);
	uint8_t *h = pkt_put(p, UDP_HLEN + 4);
	memset(h, 0, UDP_HLEN + 4);
	wr16(h, 1000), wr16(h + 2, 2000), wr16(h + 4, UDP_HLEN + 4);
	l4csum_partial(p, h, 6, csum_pseudo(ME, PEER, IPPROTO_UDP, UDP_HLEN + 4));
	uint16_t without = csum_fold(csum_add(0, h, UDP_HLEN + 4));
	wr16(h + UDP_HLEN + 2, without);
	l4csum_finish(p, IPPROTO_UDP);
	CHECK_EQ_INT("UDP checksum computed as 0 is sent as 0xffff", rd16(h + 6), 0xffff);
	pkt_free(p);

	/* A received segment the device vouched for skips the check; others do not. */
	uint8_t seg[TCP_HLEN] = { 0 };
	seg[12] = 5 << 4;
	wr16(seg + 16, 0xbad);
	int before = tcp_seen;
	struct pkt *ok = ip_pkt(PEER, ME, IPPROTO_TCP, seg, sizeof(seg));
	ok->csum_ok = true;
	ipv4_input(&eth, ok);
	CHECK_EQ_INT("csum_ok reaches the transport", tcp_seen - before, 1);
	CHECK_EQ_INT("csum_ok survives to tcp_input", last_tcp_csum_ok, 1);
}

int main(void)
{
	netif_register(&eth);
	test_checksum();
	test_headers();
	test_fragments();
	test_udp();
	test_icmp();
	test_loopback();
	test_checksum_offload();
	return check_done();
}
