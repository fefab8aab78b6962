/* Streaming tar reader. Format references: POSIX pax (IEEE 1003.1-2017,
 * "pax Interchange Format") and GNU tar's 'L'/'K' long-name records. */
#include "lib/tar.h"
#include "lib/errno.h"
#include "lib/string.h"

#define BLOCK 512

void tar_reader_init(struct tar_reader *r, tar_read_fn read, void *ctx, uint64_t size)
{
	r->read = read;
	r->ctx = ctx;
	r->size = size;
	r->off = 0;
}

int tar_mem_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct tar_mem *m = ctx;
	if (off > m->size || len > m->size - off)
		return -EIO;
	memcpy(buf, m->base + off, len);
	return 0;
}

/* Octal (space/NUL terminated) or GNU base-256 (high bit of the first byte). */
static int parse_num(const uint8_t *f, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	if (f[0] & 0x80) {
		if (f[0] & 0x40)
			return -EINVAL;     /* negative */
		v = f[0] & 0x3f;
		for (size_t i = 1; i < n; i++) {
			if (v >> 56)
				return -EINVAL;
			v = (v << 8) | f[i];
		}
		*out = v;
		return 0;
	}
	size_t i = 0;
	while (i < n && f[i] == ' ')
		i++;
	for (; i < n && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v >> 61)
			return -EINVAL;
		v = v * 8 + (f[i] - '0');
	}
	for (; i < n; i++)
		if (f[i] != ' ' && f[i] != 0)
			return -EINVAL;
	*out = v;
	return 0;
}

static uint64_t round_block(uint64_t n) { return (n + BLOCK - 1) & ~(uint64_t)(BLOCK - 1); }

static void normalise(char *p)
{
	char *s = p;
	for (;;) {
		if (s[0] == '/')
			s++;
		else if (s[0] == '.' && s[1] == '/')
			s += 2;
		else
			break;
	}
	if (s[0] == '.' && s[1] == 0)
		s++;
	size_t n = strlen(s);
	memmove(p, s, n + 1);
	while (n && p[n - 1] == '/')
		p[--n] = 0;
}

static int nl_ends_with_slash(const uint8_t *h)
{
	size_t n = strnlen((const char *)h, 100);
	return n && h[n - 1] == '/';
}

static int set_str(char *dst, const char *src, size_t n)
{
	if (n >= TAR_PATH_MAX)
		return -EINVAL;
	memcpy(dst, src, n);
	dst[n] = 0;
	return 0;
}

struct overrides {
	int has_path, has_link, has_size, has_mtime, has_uid, has_gid;
	uint64_t size, mtime, uid, gid;
};

static int parse_decimal(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;
	/* pax mtime may carry a fraction ("1700000000.5"); keep the seconds. */
	for (; i < n && s[i] != '.'; i++) {
		if (s[i] < '0' || s[i] > '9' || v > (~0ULL - 9) / 10)
			return -EINVAL;
		v = v * 10 + (s[i] - '0');
	}
	if (i == 0)
		return -EINVAL;
	*out = v;
	return 0;
}

/* Parses a pax 'x' data block of len bytes at off: records "<len> <key>=<value>\n". */
static int parse_pax(struct tar_reader *r, uint64_t off, uint64_t len, struct tar_entry *e, struct overrides *ov)
{
	char *rec = r->scratch;
	uint64_t pos = 0;
	while (pos < len) {
		char head[24];
		size_t peek = len - pos < sizeof(head) ? (size_t)(len - pos) : sizeof(head);
		int err = r->read(r->ctx, off + pos, head, peek);
		if (err)
			return err;
		size_t i = 0;
		uint64_t rlen = 0;
		while (i < peek && head[i] >= '0' && head[i] <= '9' && rlen < (1ULL << 40))
			rlen = rlen * 10 + (head[i++] - '0');
		if (i == 0 || i >= peek || head[i] != ' ' || rlen <= i + 2 || rlen > len - pos)
			return -EINVAL;
		if (rlen > sizeof(r->scratch)) {
			pos += rlen;        /* e.g. a large xattr: not a key we use */
			continue;
		}
		err = r->read(r->ctx, off + pos, rec, rlen);
		if (err)
			return err;
		if (rec[rlen - 1] != '\n')
			return -EINVAL;
		char *key = rec + i + 1, *end = rec + rlen - 1, *eq = key;
		while (eq < end && *eq != '=')
			eq++;
		if (eq == end)
			return -EINVAL;
		size_t klen = eq - key, vlen = end - (eq + 1);
		const char *val = eq + 1;
		if (klen == 4 && !memcmp(key, "path", 4)) {
			if (set_str(e->path, val, vlen))
				return -EINVAL;
			ov->has_path = 1;
		} else if (klen == 8 && !memcmp(key, "linkpath", 8)) {
			if (set_str(e->link, val, vlen))
				return -EINVAL;
			ov->has_link = 1;
		} else if (klen == 4 && !memcmp(key, "size", 4)) {
			if (parse_decimal(val, vlen, &ov->size))
				return -EINVAL;
			ov->has_size = 1;
		} else if (klen == 5 && !memcmp(key, "mtime", 5)) {
			if (parse_decimal(val, vlen, &ov->mtime))
				return -EINVAL;
			ov->has_mtime = 1;
		} else if (klen == 3 && !memcmp(key, "uid", 3)) {
			if (parse_decimal(val, vlen, &ov->uid))
				return -EINVAL;
			ov->has_uid = 1;
		} else if (klen == 3 && !memcmp(key, "gid", 3)) {
			if (parse_decimal(val, vlen, &ov->gid))
				return -EINVAL;
			ov->has_gid = 1;
		}
		pos += rlen;
	}
	return 0;
}

static int checksum_ok(const uint8_t *h)
{
	uint64_t want;
	if (parse_num(h + 148, 8, &want))
		return 0;
	uint64_t sum = 0;
	for (int i = 0; i < BLOCK; i++)
		sum += (i >= 148 && i < 156) ? ' ' : h[i];
	return sum == want;
}

static int all_zero(const uint8_t *h)
{
	for (int i = 0; i < BLOCK; i++)
		if (h[i])
			return 0;
	return 1;
}

int tar_next(struct tar_reader *r, struct tar_entry *e)
{
	struct overrides ov = { 0 };
	uint8_t h[BLOCK];
	for (;;) {
		if (r->off + BLOCK > r->size)
			return r->off == r->size ? 0 : -EINVAL;
		int err = r->read(r->ctx, r->off, h, BLOCK);
		if (err)
			return err;
		if (all_zero(h))
			return 0;
		if (!checksum_ok(h))
			return -EINVAL;
		uint64_t size;
		if (parse_num(h + 124, 12, &size))
			return -EINVAL;
		uint64_t data = r->off + BLOCK;
		if (size > r->size || data > r->size - size)
			return -EINVAL;
		char t = h[156];
		if (t == 'x' || t == 'g' || t == 'L' || t == 'K') {
			if (t == 'x') {
				err = parse_pax(r, data, size, e, &ov);
				if (err)
					return err;
			} else if (t == 'L' || t == 'K') {
				char *dst = t == 'L' ? e->path : e->link;
				if (size == 0 || size >= TAR_PATH_MAX)
					return -EINVAL;
				err = r->read(r->ctx, data, dst, size);
				if (err)
					return err;
				dst[size] = 0;   /* GNU includes a trailing NUL; this also covers its absence */
				if (t == 'L')
					ov.has_path = 1;
				else
					ov.has_link = 1;
			}
			/* 'g' (global pax) carries nothing we honour. */
			r->off = data + round_block(size);
			continue;
		}

		e->header_offset = r->off;
		if (!ov.has_path) {
			char name[256 + 2];
			size_t np = 0;
			if (!memcmp(h + 257, "ustar", 5) && h[345]) {
				size_t pl = strnlen((const char *)h + 345, 155);
				memcpy(name, h + 345, pl);
				np = pl;
				name[np++] = '/';
			}
			size_t nl = strnlen((const char *)h, 100);
			memcpy(name + np, h, nl);
			np += nl;
			set_str(e->path, name, np);
		}
		if (!ov.has_link)
			set_str(e->link, (const char *)h + 157, strnlen((const char *)h + 157, 100));
		normalise(e->path);
		uint64_t mode, uid, gid, mtime, dmaj = 0, dmin = 0;
		if (parse_num(h + 100, 8, &mode) || parse_num(h + 108, 8, &uid) || parse_num(h + 116, 8, &gid) ||
		    parse_num(h + 136, 12, &mtime))
			return -EINVAL;
		if (!memcmp(h + 257, "ustar", 5) && (parse_num(h + 329, 8, &dmaj) || parse_num(h + 337, 8, &dmin)))
			return -EINVAL;
		if (ov.has_size)
			size = ov.size;
		if (size > r->size || data > r->size - size)
			return -EINVAL;
		e->mode = mode & 07777;
		e->uid = ov.has_uid ? ov.uid : uid;
		e->gid = ov.has_gid ? ov.gid : gid;
		e->mtime = ov.has_mtime ? ov.mtime : mtime;
		e->devmajor = dmaj;
		e->devminor = dmin;
		e->data_offset = data;
		switch (t) {
		case '0': case 0: case '7': e->type = TAR_FILE; break;
		case '5': e->type = TAR_DIR; break;
		case '2': e->type = TAR_SYMLINK; break;
		case '1': e->type = TAR_HARDLINK; break;
		case '3': e->type = TAR_CHAR; break;
		case '4': e->type = TAR_BLOCK; break;
		case '6': e->type = TAR_FIFO; break;
		default: e->type = TAR_OTHER; break;
		}
		/* Old tars mark directories only by a trailing slash. */
		if (e->type == TAR_FILE && t != '7' && nl_ends_with_slash(h))
			e->type = TAR_DIR;
		e->size = (e->type == TAR_FILE) ? size : 0;
		if (e->type == TAR_HARDLINK)
			normalise(e->link);
		/* Hard links and symlinks carry no data in any tar we write, but a
		 * size field may still say otherwise: skip what it says. */
		r->off = data + round_block(size);
		return 1;
	}
}
