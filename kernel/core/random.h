/* The kernel CSPRNG (ChaCha20, seeded from RDSEED/RDRAND and virtio-rng when
 * present): getrandom, /dev/urandom, AT_RANDOM, ASLR. */
#ifndef CORE_RANDOM_H
#define CORE_RANDOM_H
#include <stddef.h>
#include <stdint.h>

void random_init(void);
void random_bytes(void *buf, size_t n);
uint64_t random_u64(void);
/* Mixes entropy in (virtio-rng); never lowers the state's quality. */
void random_mix(const void *buf, size_t n);

#endif
