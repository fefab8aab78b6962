/* ICMP (RFC 792): echo replies, destination-unreachable reports sent for
 * closed UDP ports and unknown protocols, and received ones handed to UDP
 * and TCP (connection refused, host unreachable). Errors are never sent
 * about ICMP errors, broadcasts or fragments after the first (RFC 1122). */
#include "net/icmp.h"
#include "net/ipv4.h"
#include "net/pkt.h"
#include "net/inet.h"
#include "net/netif.h"
#include "lib/string.h"
#include "lib/errno.h"

struct icmp_stats icmp_stats;

#define ICMP_ECHOREPLY 0
#define ICMP_DEST_UNREACH 3
#define ICMP_ECHO 8
#define ICMP_TIME_EXCEEDED 11

static void send_icmp(struct pkt *p, uint32_t src, uint32_t dst)
{
	wr16(p->data + 2, 0);
	wr16(p->data + 2, csum_fold(csum_add(0, p->data, p->len)));
	icmp_stats.OutMsgs++;
	ipv4_output(p, src, dst, IPPROTO_ICMP, IP_DEFAULT_TTL, 0, 0);
}

void icmp_send_unreach(const uint8_t *iph, uint32_t len, uint8_t code)
{
	if (len < IP_HLEN)
		return;
	uint32_t hlen = (uint32_t)(iph[0] & 0xf) * 4;
	if (hlen < IP_HLEN || hlen > len || (rd16(iph + 6) & 0x1fff))
		return;
	if (iph[9] == IPPROTO_ICMP && len >= hlen + 1 && iph[hlen] != ICMP_ECHO && iph[hlen] != ICMP_ECHOREPLY)
		return;
	uint32_t quote = hlen + 8 < len ? hlen + 8 : len;
	struct pkt *p = pkt_alloc(ICMP_HLEN + quote);
	if (!p)
		return;
	uint8_t *d = pkt_put(p, ICMP_HLEN + quote);
	memset(d, 0, ICMP_HLEN);
	d[0] = ICMP_DEST_UNREACH;
	d[1] = code;
	memcpy(d + ICMP_HLEN, iph, quote);
	icmp_stats.OutDestUnreachs++;
	send_icmp(p, rd32(iph + 16), rd32(iph + 12));
}

static int unreach_errno(uint8_t code)
{
	switch (code) {
	case 0: return ENETUNREACH;
	case 1: return EHOSTUNREACH;
	case 2: return ENOPROTOOPT;
	case 3: return ECONNREFUSED;
	case 4: return EMSGSIZE;
	default: return EHOSTUNREACH;
	}
}

void icmp_input(struct pkt *p, uint32_t src, uint32_t dst, struct netif *nif)
{
	icmp_stats.InMsgs++;
	if (p->len < ICMP_HLEN || csum_fold(csum_add(0, p->data, p->len)) != 0) {
		icmp_stats.InErrors++;
		if (p->len >= ICMP_HLEN)
			icmp_stats.InCsumErrors++;
		pkt_free(p);
		return;
	}
	uint8_t type = p->data[0], code = p->data[1];
	switch (type) {
	case ICMP_ECHO:
		icmp_stats.InEchos++;
		if (netif_is_broadcast(dst))
			break;
		{
			struct pkt *r = pkt_alloc(p->len);
			if (!r)
				break;
			memcpy(pkt_put(r, p->len), p->data, p->len);
			r->data[0] = ICMP_ECHOREPLY;
			icmp_stats.OutEchoReps++;
			send_icmp(r, dst, src);
		}
		break;
	case ICMP_ECHOREPLY:
		icmp_stats.InEchoReps++;
		break;
	case ICMP_DEST_UNREACH: {
		icmp_stats.InDestUnreachs++;
		const uint8_t *q = p->data + ICMP_HLEN;
		uint32_t qlen = p->len - ICMP_HLEN;
		if (qlen < IP_HLEN)
			break;
		uint32_t hlen = (uint32_t)(q[0] & 0xf) * 4;
		if (hlen < IP_HLEN || qlen < hlen + 8)
			break;
		const uint8_t *l4 = q + hlen;
		int err = unreach_errno(code);
		if (q[9] == IPPROTO_UDP)
			udp_icmp_error(rd32(q + 16), rd16(l4), rd16(l4 + 2), err);
		else if (q[9] == IPPROTO_TCP)
			tcp_icmp_error(rd32(q + 12), rd32(q + 16), rd16(l4), rd16(l4 + 2), rd32(l4 + 4), err);
		break;
	}
	default:
		break;
	}
	pkt_free(p);
}
