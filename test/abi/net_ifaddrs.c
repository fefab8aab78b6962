/* Interface discovery, differential against Linux for the loopback
 * interface: getifaddrs (glibc and musl both ask NETLINK_ROUTE for
 * RTM_GETLINK and RTM_GETADDR dumps), if_nametoindex/if_indextoname, the
 * SIOCGIF* ioctls, and a raw netlink dump checked message by message. */
#include "net_common.h"
#include <stdint.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netpacket/packet.h>

/* The netlink ABI, spelled out: musl ships no linux/ headers. */
struct nlmsghdr { uint32_t nlmsg_len; uint16_t nlmsg_type, nlmsg_flags; uint32_t nlmsg_seq, nlmsg_pid; };
struct sockaddr_nl { sa_family_t nl_family; unsigned short nl_pad; uint32_t nl_pid, nl_groups; };
struct ifaddrmsg { uint8_t ifa_family, ifa_prefixlen, ifa_flags, ifa_scope; uint32_t ifa_index; };
struct rtattr { unsigned short rta_len, rta_type; };
struct nlmsgerr { int error; struct nlmsghdr msg; };
#define NETLINK_ROUTE 0
#define NLMSG_ERROR 2
#define NLMSG_DONE 3
#define NLM_F_REQUEST 1
#define NLM_F_ACK 4
#define NLM_F_DUMP 0x300
#define RTM_NEWADDR 20
#define RTM_GETADDR 22
#define IFA_LABEL 3
#define NLA4(n) (((n) + 3u) & ~3u)
#define NLMSG_DATA(h) ((void *)((char *)(h) + 16))
#define NLMSG_OK(h, len) ((len) >= 16 && (h)->nlmsg_len >= 16 && (h)->nlmsg_len <= (size_t)(len))
#define NLMSG_NEXT(h, len) ((len) -= NLA4((h)->nlmsg_len), (struct nlmsghdr *)((char *)(h) + NLA4((h)->nlmsg_len)))
#define IFA_RTA(m) ((struct rtattr *)((char *)(m) + sizeof(struct ifaddrmsg)))
#define IFA_PAYLOAD(h) ((h)->nlmsg_len - 16 - sizeof(struct ifaddrmsg))
#define RTA_OK(a, len) ((len) >= 4 && (a)->rta_len >= 4 && (a)->rta_len <= (len))
#define RTA_NEXT(a, len) ((len) -= NLA4((a)->rta_len), (struct rtattr *)((char *)(a) + NLA4((a)->rta_len)))
#define RTA_DATA(a) ((void *)((char *)(a) + 4))

static void show_lo(void)
{
	struct ifaddrs *ifa;
	expect("getifaddrs", getifaddrs(&ifa), "0");
	int inet = 0, packet = 0;
	char inet_line[160] = "", packet_line[160] = "";
	for (struct ifaddrs *i = ifa; i; i = i->ifa_next) {
		if (strcmp(i->ifa_name, "lo") || !i->ifa_addr)
			continue;
		char a[64], m[64];
		if (i->ifa_addr->sa_family == AF_INET) {
			inet++;
			inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, a, sizeof(a));
			inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_netmask)->sin_addr, m, sizeof(m));
			snprintf(inet_line, sizeof(inet_line), "lo inet %s netmask %s flags %#x", a, m,
			       i->ifa_flags & (IFF_UP | IFF_LOOPBACK | IFF_RUNNING | IFF_BROADCAST));
		} else if (i->ifa_addr->sa_family == AF_PACKET) {
			packet++;
			struct sockaddr_ll *ll = (struct sockaddr_ll *)i->ifa_addr;
			snprintf(packet_line, sizeof(packet_line), "lo packet hatype %d halen %d flags %#x stats %s", ll->sll_hatype, ll->sll_halen,
			       i->ifa_flags & (IFF_UP | IFF_LOOPBACK | IFF_RUNNING), i->ifa_data ? "yes" : "no");
		}
	}
	/* The order of entries differs between glibc and musl: print in a fixed one. */
	printf("%s\n%s\n", inet_line, packet_line);
	expect("lo inet entries", inet, "1");
	expect("lo packet entries", packet, "1");
	freeifaddrs(ifa);
}

static void show_index(void)
{
	expect("if_nametoindex lo", if_nametoindex("lo"), "1");
	char name[IF_NAMESIZE];
	expect_str("if_indextoname 1", if_indextoname(1, name) ? name : "NULL", "lo");
	expect("if_nametoindex nope", if_nametoindex("nope0"), "0");
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct ifreq r;
	memset(&r, 0, sizeof(r));
	strcpy(r.ifr_name, "lo");
	expect("SIOCGIFFLAGS", ioctl(s, SIOCGIFFLAGS, &r), "0");
	expect("lo flags", r.ifr_flags & (IFF_UP | IFF_LOOPBACK | IFF_RUNNING), "73");
	expect("SIOCGIFMTU", ioctl(s, SIOCGIFMTU, &r), "0");
	expect("lo mtu", r.ifr_mtu, "65536");
	expect("SIOCGIFADDR", ioctl(s, SIOCGIFADDR, &r), "0");
	expect_str("lo addr", inet_ntoa(((struct sockaddr_in *)&r.ifr_addr)->sin_addr), "127.0.0.1");
	expect("SIOCGIFINDEX", ioctl(s, SIOCGIFINDEX, &r), "0");
	expect("lo index", r.ifr_ifindex, "1");
	strcpy(r.ifr_name, "nope0");
	expect("SIOCGIFFLAGS unknown", ioctl(s, SIOCGIFFLAGS, &r), "ENODEV");
	close(s);
}

/* A raw RTM_GETADDR dump: every message checked, lo's address found, NLMSG_DONE last. */
static void raw_dump(void)
{
	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	expect("netlink socket", s >= 0, "1");
	expect("netlink other proto", socket(AF_NETLINK, SOCK_RAW, 31), "EPROTONOSUPPORT");
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	expect("netlink bind", bind(s, (struct sockaddr *)&sa, sizeof(sa)), "0");
	socklen_t sl = sizeof(sa);
	expect("netlink getsockname", getsockname(s, (struct sockaddr *)&sa, &sl), "0");
	expect("port id assigned", sa.nl_pid != 0 && sl == sizeof(sa), "1");
	struct { struct nlmsghdr h; struct ifaddrmsg m; } req = {
		.h = { .nlmsg_len = sizeof(req), .nlmsg_type = RTM_GETADDR, .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 42 },
		.m = { .ifa_family = AF_INET },
	};
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	expect("sendto kernel", sendto(s, &req, sizeof(req), 0, (struct sockaddr *)&kernel, sizeof(kernel)), "24");
	char buf[16384];
	int found_lo = 0, done = 0, bad = 0;
	while (!done) {
		struct sockaddr_nl from;
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n = recvmsg(s, &mh, 0);
		if (n <= 0 || from.nl_pid != 0)
			break;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != 42 || h->nlmsg_pid != sa.nl_pid)
				bad++;
			if (h->nlmsg_type == NLMSG_DONE) {
				done = 1;
				break;
			}
			if (h->nlmsg_type != RTM_NEWADDR) {
				bad++;
				continue;
			}
			struct ifaddrmsg *m = NLMSG_DATA(h);
			int len = (int)IFA_PAYLOAD(h);
			for (struct rtattr *a = IFA_RTA(m); RTA_OK(a, len); a = RTA_NEXT(a, len))
				if (a->rta_type == IFA_LABEL && !strcmp(RTA_DATA(a), "lo") && m->ifa_prefixlen == 8)
					found_lo++;
		}
	}
	expect("dump done", done, "1");
	expect("lo address in dump", found_lo, "1");
	expect("headers consistent", bad, "0");
	/* An unknown request gets an NLMSG_ERROR. */
	struct nlmsghdr bogus = { .nlmsg_len = sizeof(bogus), .nlmsg_type = 0x7777, .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK, .nlmsg_seq = 7 };
	send(s, &bogus, sizeof(bogus), 0);
	ssize_t n = recv(s, buf, sizeof(buf), 0);
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	expect("error reply", n > 0 && h->nlmsg_type == NLMSG_ERROR, "1");
	expect("error is negative", n > 0 && ((struct nlmsgerr *)NLMSG_DATA(h))->error < 0, "1");
	expect("nothing more", recv(s, buf, sizeof(buf), MSG_DONTWAIT), "EAGAIN");
	close(s);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	show_lo();
	show_index();
	raw_dump();
	return finish();
}
