#include "lib/json.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

#define MAX_DEPTH 32

struct parser {
	const char *s;
	size_t len, pos;
	const char *err;
	int depth;
};

static void ws(struct parser *p)
{
	while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' || p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
		p->pos++;
}

static struct json *node(struct parser *p, enum json_type t)
{
	struct json *j = kzalloc(sizeof(*j));
	if (!j)
		p->err = "out of memory";
	else
		j->type = t;
	return j;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

static int put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) { o[0] = cp; return 1; }
	if (cp < 0x800) { o[0] = 0xc0 | (cp >> 6); o[1] = 0x80 | (cp & 63); return 2; }
	if (cp < 0x10000) { o[0] = 0xe0 | (cp >> 12); o[1] = 0x80 | ((cp >> 6) & 63); o[2] = 0x80 | (cp & 63); return 3; }
	o[0] = 0xf0 | (cp >> 18); o[1] = 0x80 | ((cp >> 12) & 63); o[2] = 0x80 | ((cp >> 6) & 63); o[3] = 0x80 | (cp & 63);
	return 4;
}

static int read_hex4(struct parser *p, unsigned *cp)
{
	if (p->pos + 4 > p->len)
		return -1;
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		int h = hexval(p->s[p->pos + i]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	p->pos += 4;
	*cp = v;
	return 0;
}

static char *parse_string(struct parser *p)
{
	p->pos++;   /* opening quote */
	size_t start = p->pos, n = 0;
	/* First pass: find the end to size the buffer (escapes only shrink). */
	while (p->pos < p->len && p->s[p->pos] != '"') {
		if (p->s[p->pos] == '\\')
			p->pos++;
		p->pos++;
	}
	if (p->pos >= p->len) {
		p->err = "unterminated string";
		return 0;
	}
	char *out = kmalloc(p->pos - start + 1);
	if (!out) {
		p->err = "out of memory";
		return 0;
	}
	p->pos = start;
	while (p->s[p->pos] != '"') {
		unsigned char c = p->s[p->pos++];
		if (c < 0x20) {
			p->err = "control character in string";
			goto bad;
		}
		if (c != '\\') {
			out[n++] = c;
			continue;
		}
		char e = p->s[p->pos++];
		switch (e) {
		case '"': out[n++] = '"'; break;
		case '\\': out[n++] = '\\'; break;
		case '/': out[n++] = '/'; break;
		case 'b': out[n++] = '\b'; break;
		case 'f': out[n++] = '\f'; break;
		case 'n': out[n++] = '\n'; break;
		case 'r': out[n++] = '\r'; break;
		case 't': out[n++] = '\t'; break;
		case 'u': {
			unsigned cp;
			if (read_hex4(p, &cp)) {
				p->err = "bad \\u escape";
				goto bad;
			}
			if (cp >= 0xd800 && cp < 0xdc00) {
				unsigned lo;
				if (p->pos + 6 > p->len || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u') {
					p->err = "lone surrogate";
					goto bad;
				}
				p->pos += 2;
				if (read_hex4(p, &lo) || lo < 0xdc00 || lo > 0xdfff) {
					p->err = "bad surrogate pair";
					goto bad;
				}
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp < 0xe000) {
				p->err = "lone surrogate";
				goto bad;
			}
			if (cp == 0) {
				p->err = "NUL in string";
				goto bad;
			}
			/* Escapes never grow the text: \uXXXX (6 bytes) -> at most 3, a pair (12) -> 4. */
			n += put_utf8(out + n, cp);
			break;
		}
		default:
			p->err = "bad escape";
			goto bad;
		}
	}
	p->pos++;
	out[n] = 0;
	return out;
bad:
	kfree(out);
	return 0;
}

static struct json *parse_value(struct parser *p);

static bool grow(struct parser *p, struct json *j, bool keys)
{
	if (j->count % 8)
		return true;
	struct json **items = kmalloc((j->count + 8) * sizeof(*items));
	char **k = keys ? kmalloc((j->count + 8) * sizeof(*k)) : 0;
	if (!items || (keys && !k)) {
		kfree(items);
		kfree(k);
		p->err = "out of memory";
		return false;
	}
	if (j->count) {
		memcpy(items, j->items, j->count * sizeof(*items));
		if (keys)
			memcpy(k, j->keys, j->count * sizeof(*k));
	}
	kfree(j->items);
	j->items = items;
	if (keys) {
		kfree(j->keys);
		j->keys = k;
	}
	return true;
}

static struct json *parse_container(struct parser *p, bool object)
{
	struct json *j = node(p, object ? JSON_OBJECT : JSON_ARRAY);
	if (!j)
		return 0;
	if (++p->depth > MAX_DEPTH) {
		p->err = "nested too deeply";
		goto bad;
	}
	p->pos++;
	ws(p);
	char close = object ? '}' : ']';
	if (p->pos < p->len && p->s[p->pos] == close) {
		p->pos++;
		p->depth--;
		return j;
	}
	for (;;) {
		char *key = 0;
		ws(p);
		if (object) {
			if (p->pos >= p->len || p->s[p->pos] != '"') {
				p->err = "expected a key";
				goto bad;
			}
			key = parse_string(p);
			if (!key)
				goto bad;
			ws(p);
			if (p->pos >= p->len || p->s[p->pos] != ':') {
				kfree(key);
				p->err = "expected ':'";
				goto bad;
			}
			p->pos++;
		}
		struct json *v = parse_value(p);
		if (!v || !grow(p, j, object)) {
			kfree(key);
			json_free(v);
			goto bad;
		}
		if (object)
			j->keys[j->count] = key;
		j->items[j->count++] = v;
		ws(p);
		if (p->pos < p->len && p->s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->pos < p->len && p->s[p->pos] == close) {
			p->pos++;
			p->depth--;
			return j;
		}
		p->err = object ? "expected ',' or '}'" : "expected ',' or ']'";
		goto bad;
	}
bad:
	json_free(j);
	return 0;
}

static bool match(struct parser *p, const char *word)
{
	size_t n = strlen(word);
	if (p->pos + n <= p->len && !memcmp(p->s + p->pos, word, n)) {
		p->pos += n;
		return true;
	}
	return false;
}

static struct json *parse_value(struct parser *p)
{
	ws(p);
	if (p->pos >= p->len) {
		p->err = "unexpected end";
		return 0;
	}
	char c = p->s[p->pos];
	if (c == '{')
		return parse_container(p, true);
	if (c == '[')
		return parse_container(p, false);
	if (c == '"') {
		char *s = parse_string(p);
		if (!s)
			return 0;
		struct json *j = node(p, JSON_STRING);
		if (!j) {
			kfree(s);
			return 0;
		}
		j->str = s;
		return j;
	}
	bool t = match(p, "true");
	if (t || match(p, "false")) {
		struct json *j = node(p, JSON_BOOL);
		if (j)
			j->boolean = t;
		return j;
	}
	if (match(p, "null"))
		return node(p, JSON_NULL);
	if (c == '-' || (c >= '0' && c <= '9')) {
		bool neg = c == '-';
		if (neg)
			p->pos++;
		if (p->pos >= p->len || p->s[p->pos] < '0' || p->s[p->pos] > '9') {
			p->err = "bad number";
			return 0;
		}
		if (p->s[p->pos] == '0' && p->pos + 1 < p->len && p->s[p->pos + 1] >= '0' && p->s[p->pos + 1] <= '9') {
			p->err = "leading zero";
			return 0;
		}
		unsigned long long v = 0;
		while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') {
			if (v > 922337203685477580ULL) {
				p->err = "number too large";
				return 0;
			}
			v = v * 10 + (p->s[p->pos++] - '0');
		}
		if (p->pos < p->len && (p->s[p->pos] == '.' || p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
			p->err = "only integers are supported";
			return 0;
		}
		struct json *j = node(p, JSON_NUMBER);
		if (j)
			j->num = neg ? -(long long)v : (long long)v;
		return j;
	}
	p->err = "unexpected character";
	return 0;
}

struct json *json_parse(const char *text, size_t len, const char **err, size_t *err_pos)
{
	struct parser p = { text, len, 0, 0, 0 };
	struct json *j = parse_value(&p);
	if (j) {
		ws(&p);
		if (p.pos != p.len) {
			p.err = "trailing characters";
			json_free(j);
			j = 0;
		}
	}
	if (!j) {
		*err = p.err ? p.err : "invalid JSON";
		*err_pos = p.pos;
	}
	return j;
}

void json_free(struct json *j)
{
	if (!j)
		return;
	for (size_t i = 0; i < j->count; i++) {
		json_free(j->items[i]);
		if (j->keys)
			kfree(j->keys[i]);
	}
	kfree(j->items);
	kfree(j->keys);
	kfree(j->str);
	kfree(j);
}

const struct json *json_get(const struct json *obj, const char *key)
{
	if (!obj || obj->type != JSON_OBJECT)
		return 0;
	for (size_t i = obj->count; i-- > 0;)
		if (!strcmp(obj->keys[i], key))
			return obj->items[i];
	return 0;
}

const char *json_get_str(const struct json *obj, const char *key)
{
	const struct json *v = json_get(obj, key);
	return v && v->type == JSON_STRING ? v->str : 0;
}
