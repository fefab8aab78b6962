/* ICMP counters for /proc/net/snmp. */
#ifndef NET_ICMP_H
#define NET_ICMP_H
#include <stdint.h>

struct icmp_stats {
	uint64_t InMsgs, InErrors, InCsumErrors, InDestUnreachs, InEchos, InEchoReps;
	uint64_t OutMsgs, OutErrors, OutDestUnreachs, OutEchoReps;
};
extern struct icmp_stats icmp_stats;

#endif
