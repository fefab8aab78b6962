/* /proc/net files, generated from the live tables and counters in the
 * Linux formats that tools parse (ss and netstat read /proc/net/tcp and
 * snmp; Node reads none, but diagnostics do). */
#include "net/procnet.h"
#include "net/socket.h"
#include "net/tcp.h"
#include "net/udp.h"
#include "net/ipv4.h"
#include "net/icmp.h"
#include "net/netif.h"
#include "net/pkt.h"
#include "fs/procfs.h"
#include "lib/printf.h"
#include "core/log.h"

long unix_proc_show(char *buf, size_t size);

/* Appends to a snprintf-style buffer, tracking the full length. */
struct out { char *buf; size_t size, len; };
static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	size_t at = o->len < o->size ? o->len : o->size;
	o->len += (size_t)kvsnprintf(o->buf + at, o->size - at, fmt, ap);
	va_end(ap);
}

static uint32_t le(uint32_t host) { return __builtin_bswap32(host); }   /* how Linux prints __be32 */

static unsigned long sock_ino(void *user) { return user ? (unsigned long)((struct socket *)user)->ino : 0; }

static long gen_tcp(char *buf, size_t size)
{
	struct out o = { buf, size, 0 };
	put(&o, "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n");
	uint64_t fl = net_lock();
	uint64_t now = net_now_ms();
	int i = 0;
	for (struct tcp_pcb *p = tcp_pcb_first(); p; p = tcp_pcb_next(p)) {
		if (p->state == TCP_CLOSE)
			continue;
		int tr = p->t_rexmit ? 1 : p->t_keep ? 2 : p->t_2msl ? 3 : p->t_persist ? 4 : 0;
		uint64_t when = p->t_rexmit ? p->t_rexmit : p->t_keep ? p->t_keep : p->t_2msl ? p->t_2msl : p->t_persist;
		unsigned long jif = when > now ? (unsigned long)((when - now) / 10) : 0;   /* USER_HZ-ish ticks */
		uint32_t txq = p->state == TCP_LISTEN ? 0 : p->snd_max - p->snd_una;
		uint32_t rxq = p->state == TCP_LISTEN ? (uint32_t)p->acq_len : p->rlen;
		put(&o, "%4d: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5u %8d %lu 1 0000000000000000 %u %u %u %u %d\n",
		    i++, le(p->laddr), p->lport, le(p->raddr), p->rport, p->state, txq, rxq, tr, jif, p->retries, 0, 0,
		    sock_ino(p->user), p->rto / 10, TCP_DELACK_MS / 10, 0, p->mss ? p->cwnd / p->mss : 0,
		    p->ssthresh >= 0x7fffffff ? -1 : (int)(p->mss ? p->ssthresh / p->mss : 0));
	}
	net_unlock(fl);
	return (long)o.len;
}

static long gen_udp(char *buf, size_t size)
{
	struct out o = { buf, size, 0 };
	put(&o, "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n");
	uint64_t fl = net_lock();
	int i = 0;
	for (struct udp_pcb *u = udp_pcb_first(); u; u = u->next)
		put(&o, "%5d: %08X:%04X %08X:%04X %02X %08X:%08X 00:00000000 00000000 %5u %8d %lu 2 0000000000000000 0\n",
		    i++, le(u->laddr), u->lport, le(u->raddr), u->rport, u->connected ? 1 : 7, 0, u->rx_bytes, 0, 0,
		    sock_ino(u->user));
	net_unlock(fl);
	return (long)o.len;
}

static long gen_snmp(char *buf, size_t size)
{
	struct out o = { buf, size, 0 };
	uint64_t fl = net_lock();
	struct ip_stats ip = ip_stats;
	struct icmp_stats ic = icmp_stats;
	struct tcp_stats t = tcp_stats;
	struct udp_stats u = udp_stats;
	uint32_t estab = tcp_curr_estab();
	net_unlock(fl);
	put(&o, "Ip: Forwarding DefaultTTL InReceives InHdrErrors InAddrErrors ForwDatagrams InUnknownProtos InDiscards "
		"InDelivers OutRequests OutDiscards OutNoRoutes ReasmTimeout ReasmReqds ReasmOKs ReasmFails FragOKs "
		"FragFails FragCreates\n");
	put(&o, "Ip: 2 %d %lu %lu %lu 0 %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu\n", IP_DEFAULT_TTL,
	    ip.InReceives, ip.InHdrErrors, ip.InAddrErrors, ip.InUnknownProtos, ip.InDiscards, ip.InDelivers,
	    ip.OutRequests, ip.OutDiscards, ip.OutNoRoutes, ip.ReasmTimeout, ip.ReasmReqds, ip.ReasmOKs,
	    ip.ReasmFails, ip.FragOKs, ip.FragFails, ip.FragCreates);
	put(&o, "Icmp: InMsgs InErrors InCsumErrors InDestUnreachs InTimeExcds InParmProbs InSrcQuenchs InRedirects "
		"InEchos InEchoReps InTimestamps InTimestampReps InAddrMasks InAddrMaskReps OutMsgs OutErrors "
		"OutDestUnreachs OutTimeExcds OutParmProbs OutSrcQuenchs OutRedirects OutEchos OutEchoReps "
		"OutTimestamps OutTimestampReps OutAddrMasks OutAddrMaskReps\n");
	put(&o, "Icmp: %lu %lu %lu %lu 0 0 0 0 %lu %lu 0 0 0 0 %lu %lu %lu 0 0 0 0 0 %lu 0 0 0 0\n", ic.InMsgs,
	    ic.InErrors, ic.InCsumErrors, ic.InDestUnreachs, ic.InEchos, ic.InEchoReps, ic.OutMsgs, ic.OutErrors,
	    ic.OutDestUnreachs, ic.OutEchoReps);
	put(&o, "Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab "
		"InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors\n");
	put(&o, "Tcp: 1 %d %d -1 %lu %lu %lu %lu %u %lu %lu %lu %lu %lu %lu\n", TCP_RTO_MIN, TCP_RTO_MAX, t.ActiveOpens,
	    t.PassiveOpens, t.AttemptFails, t.EstabResets, estab, t.InSegs, t.OutSegs, t.RetransSegs, t.InErrs,
	    t.OutRsts, t.InCsumErrors);
	put(&o, "Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors\n");
	put(&o, "Udp: %lu %lu %lu %lu %lu %lu %lu 0 0\n", u.InDatagrams, u.NoPorts, u.InErrors, u.OutDatagrams,
	    u.RcvbufErrors, u.SndbufErrors, u.InCsumErrors);
	return (long)o.len;
}

static long gen_netstat(char *buf, size_t size)
{
	struct out o = { buf, size, 0 };
	uint64_t fl = net_lock();
	struct tcp_stats t = tcp_stats;
	net_unlock(fl);
	put(&o, "TcpExt: DelayedACKs ListenOverflows ListenDrops TCPFastRetrans TCPTimeouts TCPDupAcks "
		"TCPKeepAliveProbes TCPWinProbe TCPOFOQueue TCPChallengeACK PAWSEstab TCPOutOfWindow\n");
	put(&o, "TcpExt: %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu\n", t.DelayedACKs, t.ListenOverflows,
	    t.ListenDrops, t.FastRetrans, t.Timeouts, t.DupAcks, t.KeepAliveProbes, t.ZeroWindowProbes, t.OfoQueue,
	    t.ChallengeACKs, t.PAWSDrops, t.OutOfWindow);
	return (long)o.len;
}

static long gen_dev(char *buf, size_t size)
{
	struct out o = { buf, size, 0 };
	put(&o, "Inter-|   Receive                                                |  Transmit\n"
		" face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n");
	uint64_t fl = net_lock();
	for (struct netif *n = netif_list; n; n = n->next)
		put(&o, "%6s: %7lu %7lu %4lu %4lu    0     0          0         0 %8lu %7lu %4lu %4lu    0     0       0          0\n",
		    n->name, n->stats.rx_bytes, n->stats.rx_packets, n->stats.rx_errors, n->stats.rx_dropped,
		    n->stats.tx_bytes, n->stats.tx_packets, n->stats.tx_errors, n->stats.tx_dropped);
	net_unlock(fl);
	return (long)o.len;
}

static long gen_route(char *buf, size_t size)
{
	struct out o = { buf, size, 0 };
	put(&o, "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n");
	uint64_t fl = net_lock();
	if (route_gateway && route_gateway_if)
		put(&o, "%s\t00000000\t%08X\t0003\t0\t0\t0\t00000000\t0\t0\t0\n", route_gateway_if->name, le(route_gateway));
	for (struct netif *n = netif_list; n; n = n->next)
		if (n != netif_lo && n->addr)
			put(&o, "%s\t%08X\t00000000\t0001\t0\t0\t0\t%08X\t0\t0\t0\n", n->name, le(n->addr & netif_mask(n)),
			    le(netif_mask(n)));
	net_unlock(fl);
	return (long)o.len;
}

static long gen_sockstat(char *buf, size_t size)
{
	struct out o = { buf, size, 0 };
	uint64_t fl = net_lock();
	int tcp_inuse = 0, tw = 0, udp_inuse = 0;
	for (struct tcp_pcb *p = tcp_pcb_first(); p; p = tcp_pcb_next(p)) {
		if (p->state == TCP_TIME_WAIT)
			tw++;
		else if (p->user)
			tcp_inuse++;
	}
	for (struct udp_pcb *u = udp_pcb_first(); u; u = u->next)
		udp_inuse++;
	net_unlock(fl);
	put(&o, "sockets: used %u\nTCP: inuse %d orphan 0 tw %d alloc %d mem 0\nUDP: inuse %d mem 0\nUDPLITE: inuse 0\nRAW: inuse 0\nFRAG: inuse 0 memory 0\n",
	    socket_count, tcp_inuse, tw, tcp_inuse, udp_inuse);
	return (long)o.len;
}

void procnet_init(void)
{
	static const struct { const char *path; long (*gen)(char *, size_t); } files[] = {
		{ "net/tcp", gen_tcp }, { "net/udp", gen_udp }, { "net/unix", unix_proc_show },
		{ "net/snmp", gen_snmp }, { "net/netstat", gen_netstat }, { "net/dev", gen_dev },
		{ "net/route", gen_route }, { "net/sockstat", gen_sockstat },
	};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		int err = procfs_register(files[i].path, files[i].gen);
		if (err)
			krecord("net procfs path=/proc/%s error=%d", files[i].path, err);
	}
}
