/* Packet buffers: one contiguous kmalloc'd block with headroom, so each
 * layer on the way down pushes its header in front of the payload and each
 * layer on the way up pulls its own off. Inline so host unit tests of a
 * single protocol file need nothing else. */
#ifndef NET_PKT_H
#define NET_PKT_H
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "mm/kmalloc.h"

#define PKT_HEADROOM 128   /* Ethernet + IPv4 (with options) + TCP (with options) */

struct pkt {
	struct pkt *next;
	uint8_t *data;          /* first valid byte */
	uint32_t len;           /* valid bytes from data */
	uint32_t cap;           /* bytes of buf[] */
	uint32_t seq;           /* TCP: sequence number of data[0] (out-of-order queue) */
	uint32_t flags;         /* TCP: FIN carried (out-of-order queue) */
	uint32_t saddr, daddr;  /* IPv4 addresses, host order (UDP receive queue) */
	uint16_t sport, dport;  /* host order */
	int ifindex;            /* interface it arrived on */
	uint8_t *nh;            /* received: the IP header (for ICMP quotes) */
	/* Sent: the TCP/UDP header whose checksum is still to be finished, and
	 * where in it the field is (which holds the pseudo-header sum until
	 * then). ipv4_output finishes it, or leaves it to a device that can. */
	uint8_t *csum_start;
	uint16_t csum_offset;
	uint16_t gso_size;      /* sent TCP: payload bytes per wire segment when the NIC is to cut it (TSO) */
	/* Received: the L4 checksum needs no check (lo, or the device checked it). */
	bool csum_ok;
	uint8_t buf[];
};

/* A packet with room for payload bytes after PKT_HEADROOM; len 0. NULL when out of memory. */
static inline struct pkt *pkt_alloc(uint32_t payload)
{
	struct pkt *p = (struct pkt *)kmalloc(sizeof(struct pkt) + PKT_HEADROOM + payload);
	if (!p)
		return NULL;
	p->next = NULL;
	p->cap = PKT_HEADROOM + payload;
	p->data = p->buf + PKT_HEADROOM;
	p->len = 0;
	p->seq = p->flags = 0;
	p->saddr = p->daddr = 0;
	p->sport = p->dport = 0;
	p->ifindex = 0;
	p->nh = NULL;
	p->csum_start = NULL;
	p->csum_offset = 0;
	p->gso_size = 0;
	p->csum_ok = false;
	return p;
}

static inline void pkt_free(struct pkt *p) { kfree(p); }

/* Prepends n bytes (a header); the caller checked the headroom budget. */
static inline uint8_t *pkt_push(struct pkt *p, uint32_t n)
{
	p->data -= n;
	p->len += n;
	return p->data;
}

/* Drops n bytes from the front (n <= len). */
static inline void pkt_pull(struct pkt *p, uint32_t n)
{
	p->data += n;
	p->len -= n;
}

/* Appends n bytes at the end; returns where to write them. */
static inline uint8_t *pkt_put(struct pkt *p, uint32_t n)
{
	uint8_t *t = p->data + p->len;
	p->len += n;
	return t;
}

static inline uint32_t pkt_tailroom(const struct pkt *p)
{
	return (uint32_t)(p->buf + p->cap - (p->data + p->len));
}

#endif
