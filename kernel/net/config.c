#include "net/config.h"
#include "net/dhcp.h"
#include "net/ether.h"
#include "net/netif.h"
#include "net/socket.h"
#include "core/log.h"
#include "lib/cmdline.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "lib/printf.h"

int net_parse_ipv4(const char *s, uint32_t *out)
{
	uint32_t v = 0;
	for (int part = 0; part < 4; part++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		uint32_t n = 0;
		int digits = 0;
		while (*s >= '0' && *s <= '9' && digits < 4)
			n = n * 10 + (*s++ - '0'), digits++;
		if (n > 255 || (part < 3 && *s++ != '.'))
			return -EINVAL;
		v = v << 8 | n;
	}
	if (*s && *s != ':' && *s != '/')
		return -EINVAL;
	*out = v;
	return 0;
}

static int mask_prefix(uint32_t m)
{
	int n = 0;
	while (n < 32 && (m & (0x80000000u >> n)))
		n++;
	return (n == 32 || (m << n) == 0) ? n : -1;
}

int net_parse_ip_param(const char *v, struct net_boot_cfg *c)
{
	memset(c, 0, sizeof(*c));
	if (!strcmp(v, "dhcp") || !strcmp(v, "on") || !strcmp(v, "any")) {
		c->mode = NET_DHCP;
		return 0;
	}
	if (!strcmp(v, "off") || !strcmp(v, "none")) {
		c->mode = NET_NONE;
		return 0;
	}
	/* client:server:gateway:netmask:... — empty fields allowed except the client. */
	const char *f[4] = { v, 0, 0, 0 };
	for (int i = 1; i < 4; i++) {
		const char *colon = strchr(f[i - 1], ':');
		if (!colon)
			break;
		f[i] = colon + 1;
	}
	if (net_parse_ipv4(f[0], &c->addr))
		return -EINVAL;
	c->prefix = 24;
	if (f[2] && *f[2] != ':' && *f[2] && net_parse_ipv4(f[2], &c->gateway))
		return -EINVAL;
	if (f[3] && *f[3] != ':' && *f[3]) {
		uint32_t m;
		if (net_parse_ipv4(f[3], &m) || (c->prefix = mask_prefix(m)) < 0)
			return -EINVAL;
	}
	c->mode = NET_STATIC;
	return 0;
}

static void fmt_ip(char *b, uint32_t a)
{
	ksnprintf(b, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

int net_boot_configure(const struct net_boot_cfg *cfg)
{
	struct net_boot_cfg c = *cfg;
	const char *ip = cmdline_get(&kernel_cmdline, "ip");
	if (ip && net_parse_ip_param(ip, &c)) {
		krecord("net error=\"cannot parse ip=%s\"", ip);
		return -EINVAL;
	}
	ether_init();
	struct netif *eth = 0;
	for (struct netif *n = netif_list; n; n = n->next)
		if (n->type == ARPHRD_ETHER) {
			eth = n;
			break;
		}
	if (!eth || c.mode == NET_NONE) {
		if (c.mode == NET_STATIC || c.mode == NET_DHCP)
			krecord("net error=\"no network device for the configured address\"");
		return eth || c.mode == NET_NONE || c.mode == NET_AUTO ? 0 : -ENODEV;
	}
	if (c.mode == NET_STATIC) {
		uint64_t f = net_lock();
		eth->addr = c.addr;
		eth->prefixlen = (uint8_t)c.prefix;
		if (c.gateway) {
			route_gateway = c.gateway;
			route_gateway_if = eth;
		}
		net_unlock(f);
	} else {
		struct dhcp_lease l;
		if (dhcp_configure(eth, 5000, &l))
			return -ETIMEDOUT;
	}
	char a[16], g[16];
	fmt_ip(a, eth->addr);
	fmt_ip(g, route_gateway);
	krecord("net dev=%s addr=%s/%d gateway=%s mode=%s", eth->name, a, eth->prefixlen, g,
		c.mode == NET_STATIC ? "static" : "dhcp");
	return 0;
}
