/* kernel/lib/cmdline.c: word splitting, quoting, lookups, limits. */
#include "check.h"
#include "lib/cmdline.h"
#include <string.h>
#include <stdlib.h>

static struct cmdline cl;

int main(void)
{
	cmdline_parse(&cl, "  unipack.selftest unipack.exit=3 ip=10.0.0.2::10.0.0.1  "
			   "virtio_mmio.device=512@0xfeb00e00:12 name=\"a b\" unipack.exit=7\n");
	CHECK_EQ_INT("count", cl.count, 6);
	CHECK("bare-word", cmdline_has(&cl, "unipack.selftest") && !strcmp(cmdline_get(&cl, "unipack.selftest"), ""),
	      "missing");
	CHECK_EQ_INT("last-wins", cmdline_get_u64(&cl, "unipack.exit", 0), 7);
	CHECK("value-with-colons", !strcmp(cmdline_get(&cl, "ip"), "10.0.0.2::10.0.0.1"), "got %s",
	      cmdline_get(&cl, "ip"));
	CHECK("virtio-mmio", !strcmp(cmdline_get(&cl, "virtio_mmio.device"), "512@0xfeb00e00:12"), "got %s",
	      cmdline_get(&cl, "virtio_mmio.device"));
	CHECK("quoted", !strcmp(cmdline_get(&cl, "name"), "a b"), "got %s", cmdline_get(&cl, "name"));
	CHECK("absent", cmdline_get(&cl, "nope") == NULL && !cmdline_has(&cl, "unipack"), "found");
	CHECK_EQ_INT("default", cmdline_get_u64(&cl, "nope", 42), 42);
	CHECK_EQ_INT("malformed-number", cmdline_get_u64(&cl, "ip", 9), 9);

	cmdline_parse(&cl, "");
	CHECK_EQ_INT("empty", cl.count, 0);

	/* Too many words and too long a line are flagged, never overrun. */
	char *big = malloc(20000);
	size_t o = 0;
	for (int i = 0; i < 1000; i++)
		o += sprintf(big + o, "w%d=%d ", i, i);
	cmdline_parse(&cl, big);
	CHECK("too-many-words", cl.truncated && cl.count <= CMDLINE_MAX_WORDS, "count %d", cl.count);
	memset(big, 'x', 19999);
	big[19999] = 0;
	cmdline_parse(&cl, big);
	CHECK("too-long", cl.truncated, "not flagged");
	free(big);
	return check_done();
}
