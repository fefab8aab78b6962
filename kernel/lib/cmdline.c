#include "lib/cmdline.h"
#include "lib/string.h"

struct cmdline kernel_cmdline;

void cmdline_parse(struct cmdline *cl, const char *s)
{
	size_t o = 0;
	cl->count = 0;
	cl->truncated = false;
	while (*s) {
		while (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		if (!*s)
			break;
		if (cl->count == CMDLINE_MAX_WORDS) {
			cl->truncated = true;
			break;
		}
		size_t start = o, eq = 0;
		bool quoted = false, has_eq = false;
		while (*s && (quoted || (*s != ' ' && *s != '\t' && *s != '\n'))) {
			if (*s == '"') {
				quoted = !quoted;
				s++;
				continue;
			}
			if (*s == '=' && !has_eq) {
				has_eq = true;
				eq = o;
			}
			if (o + 1 >= CMDLINE_MAX_LEN) {
				cl->truncated = true;
				cl->buf[start] = 0;
				return;
			}
			cl->buf[o++] = *s++;
		}
		cl->buf[o++] = 0;
		cl->key[cl->count] = &cl->buf[start];
		cl->val[cl->count] = NULL;
		if (has_eq) {
			cl->buf[eq] = 0;
			cl->val[cl->count] = &cl->buf[eq + 1];
		}
		cl->count++;
	}
}

const char *cmdline_get(const struct cmdline *cl, const char *key)
{
	for (int i = cl->count - 1; i >= 0; i--)
		if (strcmp(cl->key[i], key) == 0)
			return cl->val[i] ? cl->val[i] : "";
	return NULL;
}

bool cmdline_has(const struct cmdline *cl, const char *key)
{
	return cmdline_get(cl, key) != NULL;
}

unsigned long long cmdline_get_u64(const struct cmdline *cl, const char *key, unsigned long long def)
{
	const char *v = cmdline_get(cl, key);
	unsigned long long n;
	if (!v || parse_u64(v, strlen(v), &n) != 0)
		return def;
	return n;
}
