/* DHCP over raw frames: until the lease arrives the interface has no
 * address, so requests go out as whole Ethernet/IPv4/UDP frames built here
 * and replies are taken from the receive path before IP sees them. */
#include "net/dhcp.h"
#include "net/ether.h"
#include "net/netif.h"
#include "net/inet.h"
#include "net/socket.h"
#include "sched/wait.h"
#include "sched/thread.h"
#include "core/time.h"
#include "core/random.h"
#include "core/log.h"
#include "lib/errno.h"
#include "lib/string.h"

#define BOOTP_LEN 236
#define OPT_MAX 312
#define MAGIC 0x63825363u

enum { DISCOVER = 1, OFFER = 2, REQUEST = 3, DECLINE = 4, ACK = 5, NAK = 6 };

struct reply { int type; struct dhcp_lease lease; };

static struct {
	struct netif *nif;
	uint32_t xid;
	volatile int got;          /* message type received, 0 = none */
	struct reply r;
	struct waitq wq;
} st;

static uint8_t *opt(uint8_t *o, uint8_t code, uint8_t len, const void *data)
{
	o[0] = code;
	o[1] = len;
	memcpy(o + 2, data, len);
	return o + 2 + len;
}

static void send_msg(struct netif *nif, int type, uint32_t ciaddr, uint32_t req_ip, uint32_t server)
{
	uint8_t f[ETH_HLEN + 20 + 8 + BOOTP_LEN + 4 + OPT_MAX];
	memset(f, 0, sizeof(f));
	uint8_t *b = f + ETH_HLEN + 28;
	b[0] = 1, b[1] = 1, b[2] = 6;
	wr32(b + 4, st.xid);
	wr16(b + 10, ciaddr ? 0 : 0x8000);   /* ask for broadcast replies until we have an address */
	wr32(b + 12, ciaddr);
	memcpy(b + 28, nif->hwaddr, 6);
	wr32(b + BOOTP_LEN, MAGIC);
	uint8_t *o = b + BOOTP_LEN + 4;
	uint8_t t = (uint8_t)type;
	o = opt(o, 53, 1, &t);
	uint8_t ip[4];
	if (req_ip) {
		wr32(ip, req_ip);
		o = opt(o, 50, 4, ip);
	}
	if (server) {
		wr32(ip, server);
		o = opt(o, 54, 4, ip);
	}
	static const uint8_t params[] = { 1, 3, 6, 15, 26, 51, 58, 59 };
	o = opt(o, 55, sizeof(params), params);
	uint8_t cid[7] = { 1 };
	memcpy(cid + 1, nif->hwaddr, 6);
	o = opt(o, 61, 7, cid);
	*o++ = 255;
	uint32_t blen = (uint32_t)(o - b);
	if (blen < 300)
		blen = 300;   /* some servers want the BOOTP minimum */
	uint8_t *ip_h = f + ETH_HLEN, *udp = ip_h + 20;
	wr16(udp, 68);
	wr16(udp + 2, 67);
	wr16(udp + 4, (uint16_t)(8 + blen));
	ip_h[0] = 0x45;
	wr16(ip_h + 2, (uint16_t)(20 + 8 + blen));
	ip_h[8] = 64;
	ip_h[9] = IPPROTO_UDP;
	wr32(ip_h + 12, ciaddr);
	wr32(ip_h + 16, INADDR_BROADCAST);
	wr16(ip_h + 10, csum_fold(csum_add(0, ip_h, 20)));
	memset(f, 0xff, 6);
	memcpy(f + 6, nif->hwaddr, 6);
	wr16(f + 12, ETH_P_IP);
	ether_send_raw(nif, f, ETH_HLEN + 28 + blen);
}

static void parse_options(const uint8_t *o, uint32_t len, struct reply *r)
{
	uint32_t i = 0;
	while (i < len && o[i] != 255) {
		if (o[i] == 0) {
			i++;
			continue;
		}
		if (i + 1 >= len || i + 2 + o[i + 1] > len)
			break;
		uint8_t code = o[i], l = o[i + 1];
		const uint8_t *v = o + i + 2;
		if (code == 53 && l == 1)
			r->type = v[0];
		else if (code == 1 && l == 4)
			r->lease.mask = rd32(v);
		else if (code == 3 && l >= 4)
			r->lease.gateway = rd32(v);
		else if (code == 54 && l == 4)
			r->lease.server = rd32(v);
		else if (code == 51 && l == 4)
			r->lease.lease_s = rd32(v);
		else if (code == 6)
			for (int k = 0; k + 4 <= l && r->lease.ndns < 3; k += 4)
				r->lease.dns[r->lease.ndns++] = rd32(v + k);
		i += 2 + l;
	}
}

/* Receive hook: IPv4/UDP to port 68 with our xid. Runs in the NIC's receive thread. */
static int dhcp_hook(struct netif *nif, const uint8_t *f, uint32_t len)
{
	if (nif != st.nif || len < ETH_HLEN + 28 + BOOTP_LEN + 4 || rd16(f + 12) != ETH_P_IP)
		return 0;
	const uint8_t *ip_h = f + ETH_HLEN;
	uint32_t ihl = (ip_h[0] & 15) * 4;
	if ((ip_h[0] >> 4) != 4 || ihl < 20 || ip_h[9] != IPPROTO_UDP || len < ETH_HLEN + ihl + 8 + BOOTP_LEN + 4)
		return 0;
	const uint8_t *udp = ip_h + ihl, *b = udp + 8;
	if (rd16(udp + 2) != 68)
		return 0;
	if (b[0] != 2 || rd32(b + 4) != st.xid || rd32(b + BOOTP_LEN) != MAGIC)
		return 1;   /* a reply to someone else: still ours to swallow */
	struct reply r;
	memset(&r, 0, sizeof(r));
	r.lease.addr = rd32(b + 16);
	uint32_t opt_len = len - (uint32_t)(b + BOOTP_LEN + 4 - f);
	parse_options(b + BOOTP_LEN + 4, opt_len, &r);
	if (r.type == OFFER || r.type == ACK || r.type == NAK) {
		st.r = r;
		st.got = r.type;
		waitq_wake_all(&st.wq, 0);
	}
	return 1;
}

static bool got_reply(void *arg) { return st.got != 0; }

/* Sends one message and waits for a reply of the wanted type (or NAK). */
static int exchange(struct netif *nif, int type, uint32_t ciaddr, uint32_t req, uint32_t server, int want,
		    uint64_t deadline)
{
	for (int attempt = 0; attempt < 4; attempt++) {
		st.got = 0;
		send_msg(nif, type, ciaddr, req, server);
		uint64_t until = time_monotonic_ns() + (500ULL << attempt) * 1000000ULL;
		if (until > deadline)
			until = deadline;
		waitq_wait(&st.wq, got_reply, 0, until, false);
		if (st.got == want || st.got == NAK)
			return st.got;
		if (time_monotonic_ns() >= deadline)
			break;
	}
	return 0;
}

static int prefix_of(uint32_t mask)
{
	int n = 0;
	while (n < 32 && (mask & (0x80000000u >> n)))
		n++;
	return n;
}

static void apply(struct netif *nif, const struct dhcp_lease *l)
{
	uint64_t f = net_lock();
	nif->addr = l->addr;
	nif->prefixlen = (uint8_t)prefix_of(l->mask ? l->mask : 0xffffff00u);
	if (l->gateway) {
		route_gateway = l->gateway;
		route_gateway_if = nif;
	}
	net_unlock(f);
}

static struct dhcp_lease current_lease;

/* Renews at half the lease (T1), forever; falls back to a new DISCOVER on NAK. */
static void renew_thread(void *arg)
{
	struct netif *nif = arg;
	for (;;) {
		uint64_t t1 = (uint64_t)(current_lease.lease_s ? current_lease.lease_s : 3600) * NSEC_PER_SEC / 2;
		sched_sleep_until(time_monotonic_ns() + t1);
		uint64_t deadline = time_monotonic_ns() + 10 * NSEC_PER_SEC;
		st.xid = (uint32_t)random_u64();
		ether_rx_hook = dhcp_hook;
		int r = exchange(nif, REQUEST, current_lease.addr, 0, 0, ACK, deadline);
		ether_rx_hook = 0;
		if (r == ACK) {
			current_lease.lease_s = st.r.lease.lease_s;
			continue;
		}
		struct dhcp_lease l;
		if (dhcp_configure(nif, 10000, &l) == 0)
			current_lease = l;
	}
}

int dhcp_configure(struct netif *nif, uint32_t timeout_ms, struct dhcp_lease *out)
{
	static bool renewing;
	waitq_init(&st.wq);
	st.nif = nif;
	st.xid = (uint32_t)random_u64();
	ether_rx_hook = dhcp_hook;
	uint64_t deadline = time_monotonic_ns() + (uint64_t)timeout_ms * 1000000ULL;
	int r = exchange(nif, DISCOVER, 0, 0, 0, OFFER, deadline);
	if (r == OFFER) {
		struct reply offer = st.r;
		r = exchange(nif, REQUEST, 0, offer.lease.addr, offer.lease.server, ACK, deadline);
	}
	ether_rx_hook = 0;
	if (r != ACK) {
		krecord("dhcp dev=%s result=%s", nif->name, r == NAK ? "nak" : "timeout");
		return -ETIMEDOUT;
	}
	struct dhcp_lease l = st.r.lease;
	if (!l.server)
		l.server = st.r.lease.server;
	apply(nif, &l);
	current_lease = l;
	if (out)
		*out = l;
	krecord("dhcp dev=%s addr=%u.%u.%u.%u/%d gateway=%u.%u.%u.%u dns=%u.%u.%u.%u lease=%u", nif->name,
		l.addr >> 24, (l.addr >> 16) & 255, (l.addr >> 8) & 255, l.addr & 255, prefix_of(l.mask),
		l.gateway >> 24, (l.gateway >> 16) & 255, (l.gateway >> 8) & 255, l.gateway & 255, l.dns[0] >> 24,
		(l.dns[0] >> 16) & 255, (l.dns[0] >> 8) & 255, l.dns[0] & 255, l.lease_s);
	if (!renewing) {
		renewing = true;
		thread_create_kernel("dhcp", renew_thread, nif);
	}
	return 0;
}
