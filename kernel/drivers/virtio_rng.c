/* virtio-rng: 64 bytes of host entropy mixed into the CSPRNG at boot. */
#include "drivers/virtio_rng.h"
#include "drivers/virtio.h"
#include "arch/x86_64/layout.h"
#include "arch/x86_64/clock.h"
#include "arch/x86_64/cpu.h"
#include "core/random.h"
#include "core/time.h"
#include "mm/kmalloc.h"
#include "lib/errno.h"

static volatile int done;

static void rng_irq(struct virtio_dev *d) { done = 1; }

int virtio_rng_probe(struct virtio_dev *d)
{
	if (virtio_negotiate(d, 0, NULL, 0))
		return -EIO;
	struct virtq *q = virtq_create(d, 0, 8);
	if (!q)
		return -ENOMEM;
	d->irq = rng_irq;
	virtio_driver_ok(d);
	uint8_t *buf = kzalloc(64);
	if (!buf)
		return -ENOMEM;
	uint64_t pa = virt_to_phys(buf);
	uint32_t len = 64;
	virtq_add(q, &pa, &len, 0, 1, buf);
	virtq_kick(q);
	/* Boot context: wait for the interrupt, at most 100 ms. */
	uint64_t deadline = time_monotonic_ns() + 100000000ULL;
	uint64_t f = irq_save();
	while (!done && time_monotonic_ns() < deadline)
		cpu_idle_wait();
	irq_restore(f);
	uint32_t got = 0;
	if (virtq_get_used(q, &got) && got)
		random_mix(buf, got > 64 ? 64 : got);
	kfree(buf);
	return done ? 0 : -EIO;
}
