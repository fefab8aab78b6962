#ifndef DRIVERS_VIRTIO_RNG_H
#define DRIVERS_VIRTIO_RNG_H
struct virtio_dev;
/* Feeds the kernel CSPRNG from the device once at boot. */
int virtio_rng_probe(struct virtio_dev *d);
#endif
