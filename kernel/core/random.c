/* The kernel CSPRNG: ChaCha20 keyed from RDSEED/RDRAND (and the TSC as a
 * last resort), with fast key erasure: every request first replaces the key
 * with keystream, so earlier output cannot be recomputed from a later state. */
#include "core/random.h"
#include "arch/x86_64/cpu.h"
#include "lib/chacha20.h"
#include "lib/spinlock.h"
#include "lib/string.h"

static uint32_t key[8];
static uint32_t nonce[3];
static uint64_t counter;
static struct spinlock lock = SPINLOCK_INIT;
static int have_rdrand, have_rdseed;

static int hw_random(uint64_t *v)
{
	unsigned char ok = 0;
	for (int tries = 0; tries < 10 && !ok; tries++) {
		if (have_rdseed)
			__asm__ volatile("rdseed %0; setc %1" : "=r"(*v), "=qm"(ok));
		if (!ok && have_rdrand)
			__asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok));
	}
	return ok;
}

void random_init(void)
{
	uint32_t a, b, c, d;
	cpuid(1, 0, &a, &b, &c, &d);
	have_rdrand = (c >> 30) & 1;
	cpuid(7, 0, &a, &b, &c, &d);
	have_rdseed = (b >> 18) & 1;
	for (int i = 0; i < 8; i += 2) {
		uint64_t v = 0;
		if (!hw_random(&v))
			v = rdtsc() * 0x9e3779b97f4a7c15ULL ^ ((uint64_t)i << 56);
		key[i] ^= (uint32_t)v;
		key[i + 1] ^= (uint32_t)(v >> 32);
	}
	uint64_t t = rdtsc();
	nonce[0] = (uint32_t)t;
	nonce[1] = (uint32_t)(t >> 32);
}

static void block(uint8_t out[64])
{
	uint32_t n[3] = { nonce[0], nonce[1], nonce[2] ^ (uint32_t)(counter >> 32) };
	chacha20_block(key, (uint32_t)counter, n, out);
	counter++;
}

void random_bytes(void *buf, size_t n)
{
	uint8_t ks[64];
	uint8_t *p = buf;
	uint64_t f = spin_lock_irqsave(&lock);
	block(ks);
	memcpy(key, ks, 32);   /* fast key erasure */
	while (n) {
		block(ks);
		size_t k = n < 64 ? n : 64;
		memcpy(p, ks, k);
		p += k;
		n -= k;
	}
	memset(ks, 0, sizeof(ks));
	spin_unlock_irqrestore(&lock, f);
}

uint64_t random_u64(void)
{
	uint64_t v;
	random_bytes(&v, sizeof(v));
	return v;
}

void random_mix(const void *buf, size_t n)
{
	const uint8_t *p = buf;
	uint64_t f = spin_lock_irqsave(&lock);
	for (size_t i = 0; i < n; i++)
		((uint8_t *)key)[i % 32] ^= p[i];
	spin_unlock_irqrestore(&lock, f);
}
