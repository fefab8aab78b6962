/* IPv4: header build and parse, routing through netif.c, fragmentation on
 * output and reassembly on input, dispatch to ICMP, UDP and TCP. Malformed
 * packets are dropped and counted (ip_stats, /proc/net/snmp). Caller holds
 * net_lock. */
#ifndef NET_IPV4_H
#define NET_IPV4_H
#include <stdint.h>

struct pkt;
struct netif;

struct ip_stats {
	uint64_t InReceives, InHdrErrors, InAddrErrors, InUnknownProtos, InDiscards, InDelivers;
	uint64_t OutRequests, OutDiscards, OutNoRoutes;
	uint64_t ReasmTimeout, ReasmReqds, ReasmOKs, ReasmFails, FragOKs, FragFails, FragCreates;
};
extern struct ip_stats ip_stats;

#define IP_DEFAULT_TTL 64
#define IP_DF 0x4000
#define IP_MF 0x2000

/* Sends p (data at the transport header) from src (0 = the route's
 * address) to dst; consumes p. df forbids fragmentation. Returns 0,
 * -ENETUNREACH, -EMSGSIZE (df and too big) or -ENOBUFS. */
int ipv4_output(struct pkt *p, uint32_t src, uint32_t dst, uint8_t proto, uint8_t ttl, uint8_t tos, int df);
/* The source address a packet to dst would carry; 0 when unreachable. */
uint32_t ipv4_source_for(uint32_t dst);
/* The MTU of the route to dst (0 when unreachable). */
uint32_t ipv4_mtu_for(uint32_t dst);
/* The largest IP payload a packet to dst may carry for the NIC to cut into
 * MTU-sized TCP segments (TSO, pkt->gso_size); 0 when its interface cannot. */
uint32_t ipv4_tso_max_for(uint32_t dst);
/* Handles one received packet (data at the IP header); consumes p. */
void ipv4_input(struct netif *nif, struct pkt *p);
/* Expires stale reassemblies; returns the next deadline in ms (0 = none). */
uint64_t ipv4_timers(uint64_t now_ms);

/* Transport input entry points (p->data at the transport header, len = its length). */
void tcp_input(struct pkt *p, uint32_t src, uint32_t dst);
void udp_input(struct pkt *p, uint32_t src, uint32_t dst, struct netif *nif);
void icmp_input(struct pkt *p, uint32_t src, uint32_t dst, struct netif *nif);
/* ICMP errors about packets we sent (dest unreachable...): the quoted IP header and 8 bytes. */
void udp_icmp_error(uint32_t dst, uint16_t sport, uint16_t dport, int err);
void tcp_icmp_error(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport, uint32_t seq, int err);
/* Sends ICMP destination unreachable (code) about the packet whose IP header starts at iph. */
void icmp_send_unreach(const uint8_t *iph, uint32_t len, uint8_t code);
/* The clock of the stack, in ms (CLOCK_MONOTONIC). */
uint64_t net_now_ms(void);
/* Runs the stack's timers (tcp_timers, ipv4_timers) no later than deadline (ms). */
void net_timer_request(uint64_t deadline);

#endif
