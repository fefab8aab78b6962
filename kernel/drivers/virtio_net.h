#ifndef DRIVERS_VIRTIO_NET_H
#define DRIVERS_VIRTIO_NET_H
struct virtio_dev;
/* Sets the device up and registers it as a netdev (eth0, eth1...). */
int virtio_net_probe(struct virtio_dev *d);
#endif
