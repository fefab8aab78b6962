/* The n largest of a stream of values, each with an item, kept largest first in caller arrays
 * (the profile's busiest functions, the threads record's busiest threads). */
#ifndef LIB_TOPN_H
#define LIB_TOPN_H
#include <stdint.h>

/* Offers v (with it) to val/item holding *n of at most cap entries. Returns the value that fell
 * out — v itself, or the smallest kept one — or 0 when nothing did, so callers can sum the rest. */
static inline uint64_t topn_offer(uint64_t *val, const void **item, int *n, int cap, uint64_t v, const void *it)
{
	uint64_t dropped = 0;
	int i;
	if (*n < cap) {
		i = (*n)++;
	} else {
		if (v <= val[cap - 1])
			return v;
		dropped = val[cap - 1];
		i = cap - 1;
	}
	for (; i > 0 && val[i - 1] < v; i--) {
		val[i] = val[i - 1];
		item[i] = item[i - 1];
	}
	val[i] = v;
	item[i] = it;
	return dropped;
}

#endif
