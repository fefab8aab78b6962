/* IPv4 wire formats and the Internet checksum (RFC 1071): byte-order
 * helpers that read and write big-endian fields through byte pointers (no
 * alignment assumptions about packets), header lengths and protocol numbers.
 * Inline and hardware-free: the protocol files and their host tests share it. */
#ifndef NET_INET_H
#define NET_INET_H
#include <stdint.h>
#include <stddef.h>

#define IPPROTO_IP   0
#define IPPROTO_ICMP 1
#define IPPROTO_TCP  6
#define IPPROTO_UDP  17
#define IPPROTO_IPV6 41
#define IPPROTO_RAW  255

#define IP_HLEN   20
#define TCP_HLEN  20
#define UDP_HLEN  8
#define ICMP_HLEN 8

#define INADDR_ANY       0x00000000u
#define INADDR_LOOPBACK  0x7f000001u
#define INADDR_BROADCAST 0xffffffffu

static inline uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void wr16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static inline void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}
static inline uint16_t htons(uint16_t v) { return __builtin_bswap16(v); }
static inline uint16_t ntohs(uint16_t v) { return __builtin_bswap16(v); }
static inline uint32_t htonl(uint32_t v) { return __builtin_bswap32(v); }
static inline uint32_t ntohl(uint32_t v) { return __builtin_bswap32(v); }

/* One's-complement sum of big-endian 16-bit words, not yet folded. Eight
 * bytes per step: the sum is byte-order independent up to a final swap
 * (RFC 1071 2.B), so little-endian 32-bit halves are added into a 64-bit
 * accumulator, folded to 16 bits and swapped once. The byte loop was most
 * of the per-segment cost under TCG. */
static inline uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = (const uint8_t *)data;
	if (len >= 8) {
		uint64_t acc = 0;
		while (len >= 8) {
			uint64_t v;
			__builtin_memcpy(&v, p, 8);
			acc += (v & 0xffffffffu) + (v >> 32);
			p += 8;
			len -= 8;
		}
		acc = (acc & 0xffffffffu) + (acc >> 32);
		acc = (acc & 0xffffffffu) + (acc >> 32);
		uint32_t s = (uint32_t)(acc & 0xffff) + (uint32_t)(acc >> 16);
		s = (s & 0xffff) + (s >> 16);
		s = (s & 0xffff) + (s >> 16);
		sum = (sum & 0xffff) + (sum >> 16) + __builtin_bswap16((uint16_t)s);
	}
	while (len > 1) {
		sum += (uint32_t)(p[0] << 8 | p[1]);
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

/* Folds and complements: the value for the header's checksum field. A
 * buffer whose checksum field is right sums to 0 here. */
static inline uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The TCP/UDP pseudo-header sum (addresses in host order). */
static inline uint32_t csum_pseudo(uint32_t src, uint32_t dst, uint8_t proto, uint32_t len)
{
	return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + proto + len;
}

/* Sequence-number comparisons modulo 2^32 (RFC 793). */
#define SEQ_LT(a, b)  ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define SEQ_GT(a, b)  ((int32_t)((uint32_t)(a) - (uint32_t)(b)) > 0)
#define SEQ_GEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) >= 0)

#endif
