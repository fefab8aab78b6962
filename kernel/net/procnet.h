/* /proc/net: tcp, udp, unix, snmp, dev, route, sockstat. */
#ifndef NET_PROCNET_H
#define NET_PROCNET_H

void procnet_init(void);

#endif
