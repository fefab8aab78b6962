/* Network subsystem start-up. */
#ifndef NET_NET_H
#define NET_NET_H

/* Brings up lo, the stack's timers and /proc/net; called once after fs_init. */
void net_init(void);

#endif
