/* TCP and UDP checksums finished late: the transport writes its header with
 * the pseudo-header sum in the checksum field and marks the packet partial;
 * ipv4_output, once it knows the interface, finishes the sum in software,
 * hands it to a device that finishes it (virtio-net with VIRTIO_NET_F_CSUM),
 * or drops the need for it (lo, whose receiver trusts memory). The same
 * split Linux calls CHECKSUM_PARTIAL. */
#ifndef NET_L4CSUM_H
#define NET_L4CSUM_H
#include "net/pkt.h"
#include "net/inet.h"

/* Marks p's transport header at l4 (to the end of p) as partial: the
 * checksum field at l4 + field gets the folded, uncomplemented pseudo sum. */
static inline void l4csum_partial(struct pkt *p, uint8_t *l4, uint16_t field, uint32_t pseudo)
{
	uint16_t folded = (uint16_t)~csum_fold(pseudo);
	wr16(l4 + field, folded);
	p->csum_start = l4;
	p->csum_offset = field;
}

/* Finishes a partial checksum in software. UDP sends a computed 0 as
 * 0xffff, since 0 there means "no checksum" (RFC 768). */
static inline void l4csum_finish(struct pkt *p, uint8_t proto)
{
	if (!p->csum_start)
		return;
	uint8_t *l4 = p->csum_start;
	uint16_t c = csum_fold(csum_add(0, l4, (size_t)(p->data + p->len - l4)));
	if (!c && proto == IPPROTO_UDP)
		c = 0xffff;
	wr16(l4 + p->csum_offset, c);
	p->csum_start = NULL;
}

#endif
