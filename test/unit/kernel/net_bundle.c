/* kernel/net's IPv4 layer (ipv4, icmp, udp, the interface table and lo) as
 * one translation unit for the host test net_test.c, compiled like every
 * kernel source here (string functions renamed). TCP is tested on its own
 * (tcp_test.c); here its entry points are stubs in the test. */
#include "../../../kernel/net/netif.c"
#include "../../../kernel/net/ipv4.c"
#include "../../../kernel/net/icmp.c"
#include "../../../kernel/net/udp.c"
