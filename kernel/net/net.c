/* The network core: net_lock (whose release drains lo's queue, so packets
 * between two local sockets are processed after the sender's protocol work
 * and never recursively), the single kernel timer that drives TCP and IPv4
 * reassembly timers, and start-up. */
#include "net/net.h"
#include "net/socket.h"
#include "net/netif.h"
#include "net/ipv4.h"
#include "net/tcp.h"
#include "net/procnet.h"
#include "sched/timer.h"
#include "core/time.h"
#include "lib/spinlock.h"

static struct spinlock net_spin = SPINLOCK_INIT;
static struct ktimer net_timer;
static uint64_t timer_deadline;   /* ms; 0 = not armed */

uint64_t net_lock(void) { return spin_lock_irqsave(&net_spin); }

void net_unlock(uint64_t flags)
{
	loopback_drain();
	spin_unlock_irqrestore(&net_spin, flags);
}

uint64_t net_now_ms(void) { return time_monotonic_ns() / 1000000; }

/* Caller holds net_lock. */
void net_timer_request(uint64_t deadline)
{
	if (timer_deadline && timer_deadline <= deadline)
		return;
	timer_deadline = deadline;
	ktimer_arm(&net_timer, deadline * 1000000);
}

void tcp_timer_request(uint64_t deadline) { net_timer_request(deadline); }

/* From the timer interrupt. */
static void net_timer_fire(struct ktimer *t)
{
	uint64_t fl = net_lock();
	uint64_t now = net_now_ms();
	timer_deadline = 0;
	uint64_t a = tcp_timers(now);
	uint64_t b = ipv4_timers(now);
	uint64_t next = a && b ? (a < b ? a : b) : (a ? a : b);
	if (next)
		net_timer_request(next <= now ? now + 1 : next);
	net_unlock(fl);
}

void net_init(void)
{
	net_timer.fn = net_timer_fire;
	uint64_t fl = net_lock();
	loopback_init();
	net_unlock(fl);
	procnet_init();
}
