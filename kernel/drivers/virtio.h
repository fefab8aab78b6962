/* virtio devices (virtio 1.2 spec): one struct per device whatever the
 * transport (virtio-mmio on microvm, virtio-pci on q35), split virtqueues,
 * feature negotiation. Drivers (virtio_net.c, virtio_rng.c) see only this. */
#ifndef DRIVERS_VIRTIO_H
#define DRIVERS_VIRTIO_H
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include "lib/spinlock.h"

#define VIRTIO_ID_NET 1
#define VIRTIO_ID_BLOCK 2
#define VIRTIO_ID_CONSOLE 3
#define VIRTIO_ID_RNG 4

#define VIRTIO_STATUS_ACK 1
#define VIRTIO_STATUS_DRIVER 2
#define VIRTIO_STATUS_DRIVER_OK 4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_FAILED 128

#define VIRTIO_F_VERSION_1 32
#define VIRTIO_F_RING_EVENT_IDX 29

#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2

struct virtq_desc { uint64_t addr; uint32_t len; uint16_t flags, next; };

struct virtq {
	uint16_t size, index;
	struct virtq_desc *desc;
	volatile uint16_t *avail;    /* flags, idx, ring[size], used_event */
	volatile uint8_t *used;      /* flags, idx, ring[size] of {id, len}, avail_event */
	uint64_t desc_pa, avail_pa, used_pa;
	uint16_t free_head, num_free, last_used;
	void **cookie;               /* per head descriptor */
	struct spinlock lock;
	struct virtio_dev *dev;
};

struct virtio_transport;

struct virtio_dev {
	const struct virtio_transport *t;
	void *tpriv;                 /* transport state */
	uint32_t device_id;
	int irq_vector;
	uint64_t features;           /* negotiated */
	void (*irq)(struct virtio_dev *d);   /* driver's interrupt handler */
	void *driver;
	char name[24];
};

struct virtio_transport {
	uint64_t (*get_features)(struct virtio_dev *d);
	void (*set_features)(struct virtio_dev *d, uint64_t f);
	uint8_t (*get_status)(struct virtio_dev *d);
	void (*set_status)(struct virtio_dev *d, uint8_t s);
	/* Sets queue idx up with the rings at the given physical addresses; returns its size or <0. */
	int (*queue_max)(struct virtio_dev *d, uint16_t idx);
	int (*queue_setup)(struct virtio_dev *d, uint16_t idx, struct virtq *q);
	void (*notify)(struct virtio_dev *d, uint16_t idx);
	/* Reads and acknowledges the interrupt status (bit 0 queue, bit 1 config). */
	uint32_t (*ack_irq)(struct virtio_dev *d);
	void (*read_config)(struct virtio_dev *d, uint32_t off, void *buf, uint32_t len);
};

/* A feature the driver may only take together with another (the spec's
 * dependencies, or the driver's own: big receive segments need merged buffers). */
struct virtio_feature_dep { uint8_t feature, needs; };

/* Feature negotiation: offers wanted & device features (VERSION_1 always
 * when the transport is modern), minus any whose dependency did not make it.
 * Returns 0 or -EIO. */
int virtio_negotiate(struct virtio_dev *d, uint64_t wanted, const struct virtio_feature_dep *deps, int ndeps);
/* Allocates and registers queue idx with at most max_size entries. */
struct virtq *virtq_create(struct virtio_dev *d, uint16_t idx, uint16_t max_size);
/* Adds a chain of n buffers (physical addresses; the first 'out' are device-readable,
 * the rest writable). Returns 0 or -ENOSPC. */
int virtq_add(struct virtq *q, const uint64_t *pa, const uint32_t *len, int out, int n, void *cookie);
void virtq_kick(struct virtq *q);
/* Asks the device not to interrupt when it uses this queue's buffers (a hint it may ignore). */
void virtq_no_interrupts(struct virtq *q);
/* Returns the cookie of the next used chain (and its written length), or NULL. */
void *virtq_get_used(struct virtq *q, uint32_t *len);
void virtio_driver_ok(struct virtio_dev *d);

/* Probes both transports and starts the drivers of the devices found. */
void virtio_init(void);
/* Registers a device found by a transport and binds its driver. */
void virtio_add_device(struct virtio_dev *d);

#endif
