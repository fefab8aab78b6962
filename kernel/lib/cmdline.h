/* Kernel command-line parsing: space-separated `key` or `key=value` words,
 * values may be double-quoted. The launcher passes overrides and
 * diagnostics here (unipack.trace=, unipack.inject=, ip=); QEMU appends
 * virtio_mmio.device= words on microvm. Host-testable. */
#ifndef LIB_CMDLINE_H
#define LIB_CMDLINE_H
#include <stdbool.h>
#include <stddef.h>

#define CMDLINE_MAX_LEN   4096
#define CMDLINE_MAX_WORDS 128

struct cmdline {
	char buf[CMDLINE_MAX_LEN];
	int count;
	const char *key[CMDLINE_MAX_WORDS];
	const char *val[CMDLINE_MAX_WORDS];   /* NULL when the word had no '=' */
	bool truncated;
};

/* Parses s into cl. Words beyond the limits are dropped and flagged. */
void cmdline_parse(struct cmdline *cl, const char *s);
/* The value of the last word named key: "" for a bare word, NULL if absent. */
const char *cmdline_get(const struct cmdline *cl, const char *key);
bool cmdline_has(const struct cmdline *cl, const char *key);
/* Parses the value of key as a number; returns def when absent or malformed. */
unsigned long long cmdline_get_u64(const struct cmdline *cl, const char *key, unsigned long long def);

extern struct cmdline kernel_cmdline;

#endif
