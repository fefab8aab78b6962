/* A small JSON reader for /.unipack/boot.json: parses a document into a
 * tree of nodes allocated with kmalloc. Strict RFC 8259 syntax, \u escapes
 * decoded to UTF-8, depth and size limits. Host-testable. */
#ifndef LIB_JSON_H
#define LIB_JSON_H
#include <stddef.h>
#include <stdbool.h>

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json {
	enum json_type type;
	bool boolean;
	long long num;              /* integers only; fractions/exponents are rejected */
	char *str;                  /* JSON_STRING (NUL-terminated, may contain no NUL) */
	size_t count;               /* array or object members */
	struct json **items;        /* members */
	char **keys;                /* JSON_OBJECT keys, parallel to items */
};

/* Parses text[0..len); returns the root or NULL with *err set to a message
 * and *err_pos to the byte offset. */
struct json *json_parse(const char *text, size_t len, const char **err, size_t *err_pos);
void json_free(struct json *j);
/* Member of an object by key, or NULL. */
const struct json *json_get(const struct json *obj, const char *key);
/* The string value of obj[key], or NULL when absent or not a string. */
const char *json_get_str(const struct json *obj, const char *key);

#endif
