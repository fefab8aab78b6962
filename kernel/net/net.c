/* The network core: the global net_lock, and start-up. */
#include "net/net.h"
#include "net/socket.h"
#include "lib/spinlock.h"
#include "lib/errno.h"

static struct spinlock net_spin = SPINLOCK_INIT;

uint64_t net_lock(void) { return spin_lock_irqsave(&net_spin); }
void net_unlock(uint64_t flags) { spin_unlock_irqrestore(&net_spin, flags); }

int inet_create(struct socket *s) { return -EAFNOSUPPORT; }
int netlink_create(struct socket *s) { return -EAFNOSUPPORT; }

void net_init(void)
{
}
