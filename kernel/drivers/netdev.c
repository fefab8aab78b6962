#include "drivers/netdev.h"
#include "lib/printf.h"
#include "lib/string.h"

static struct netdev *devices;
static int count;

void netdev_register(struct netdev *d)
{
	ksnprintf(d->name, sizeof(d->name), "eth%d", count++);
	struct netdev **pp = &devices;
	while (*pp)
		pp = &(*pp)->next;
	d->next = 0;
	*pp = d;
}

struct netdev *netdev_first(void) { return devices; }

struct netdev *netdev_by_name(const char *name)
{
	for (struct netdev *d = devices; d; d = d->next)
		if (!strcmp(d->name, name))
			return d;
	return 0;
}
