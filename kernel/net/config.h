/* Network configuration at boot, from boot.json's "net" (the packager's
 * manifest) or the kernel command line's ip= override: DHCP (the default
 * when a NIC exists), a static address, or none. */
#ifndef NET_CONFIG_H
#define NET_CONFIG_H
#include <stdint.h>

enum net_mode { NET_AUTO, NET_DHCP, NET_STATIC, NET_NONE };

struct net_boot_cfg {
	enum net_mode mode;
	uint32_t addr, gateway;      /* host order */
	int prefix;
	uint32_t dns[3];
	int ndns;
};

/* Parses "a.b.c.d" into *out (host order): 0 or -EINVAL. */
int net_parse_ipv4(const char *s, uint32_t *out);
/* Linux's ip= syntax: "dhcp", "off"/"none", or client:server:gateway:netmask[:host[:dev[:autoconf]]]. */
int net_parse_ip_param(const char *v, struct net_boot_cfg *c);
/* Brings up the Ethernet interfaces and applies c (the ip= word wins over it). */
int net_boot_configure(const struct net_boot_cfg *c);

#endif
