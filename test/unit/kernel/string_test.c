/* kernel/lib/string.c (built with k_ names) against the C library. */
#include "check.h"
#include "lib/topn.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void *k_memcpy(void *, const void *, size_t);
void *k_memmove(void *, const void *, size_t);
void *k_memset(void *, int, size_t);
int k_memcmp(const void *, const void *, size_t);
size_t k_strlen(const char *);
size_t k_strnlen(const char *, size_t);
int k_strcmp(const char *, const char *);
int k_strncmp(const char *, const char *, size_t);
char *k_strchr(const char *, int);
char *k_strrchr(const char *, int);
size_t k_strlcpy(char *, const char *, size_t);
int parse_u64(const char *s, size_t len, unsigned long long *out);

static int sign(int v) { return (v > 0) - (v < 0); }

/* lib/topn.h: the 3 largest of a stream, largest first; what falls out sums to the rest. */
static void test_topn(void)
{
	uint64_t vals[] = { 5, 1, 9, 7, 7, 2, 10 }, val[3], rest = 0;
	const void *item[3];
	int n = 0;
	for (int i = 0; i < 7; i++)
		rest += topn_offer(val, item, &n, 3, vals[i], &vals[i]);
	CHECK("topn keeps 10 9 7", n == 3 && val[0] == 10 && val[1] == 9 && val[2] == 7 && item[0] == &vals[6],
	      "n %d: %llu %llu %llu", n, (unsigned long long)val[0], (unsigned long long)val[1], (unsigned long long)val[2]);
	CHECK_EQ_INT("topn: the rest sums what fell out", rest, 5 + 1 + 7 + 2);
}

int main(void)
{
	test_topn();
	unsigned char a[300], b[300], c[300];
	srand(1);
	int ok = 1;
	for (int len = 0; len < 70; len++)
		for (int off = 0; off < 9; off++) {
			for (int i = 0; i < 300; i++)
				a[i] = rand(), b[i] = c[i] = rand();
			k_memcpy(b + off, a + 3, len);
			memcpy(c + off, a + 3, len);
			ok &= !memcmp(b, c, 300);
			k_memset(b + off, 0xa5, len);
			memset(c + off, 0xa5, len);
			ok &= !memcmp(b, c, 300);
			k_memmove(b + off, b + 5, len);
			memmove(c + off, c + 5, len);
			ok &= !memcmp(b, c, 300);
			k_memmove(b + 5, b + off, len);
			memmove(c + 5, c + off, len);
			ok &= !memcmp(b, c, 300);
		}
	CHECK("mem-functions-match-libc", ok, "a result differed");

	const char *strs[] = { "", "a", "abc", "abd", "ab", "\xff", "zzz" };
	ok = 1;
	for (int i = 0; i < 7; i++)
		for (int j = 0; j < 7; j++) {
			ok &= sign(k_strcmp(strs[i], strs[j])) == sign(strcmp(strs[i], strs[j]));
			ok &= sign(k_strncmp(strs[i], strs[j], 2)) == sign(strncmp(strs[i], strs[j], 2));
			ok &= sign(k_memcmp(strs[i], strs[j], 1)) == sign(memcmp(strs[i], strs[j], 1));
		}
	CHECK("compare-functions-match-libc", ok, "a comparison differed");
	CHECK_EQ_INT("strlen", k_strlen("hello"), 5);
	CHECK_EQ_INT("strnlen", k_strnlen("hello", 3), 3);
	CHECK("strchr", k_strchr("a/b/c", '/') == NULL ? 0 : !strcmp(k_strchr("a/b/c", '/'), "/b/c"), "wrong");
	CHECK("strrchr", !strcmp(k_strrchr("a/b/c", '/'), "/c"), "wrong");
	CHECK("strchr-nul", *k_strchr("abc", 0) == 0, "wrong");
	char buf[4];
	CHECK_EQ_INT("strlcpy-return", k_strlcpy(buf, "abcdef", sizeof(buf)), 6);
	CHECK("strlcpy-truncates", !strcmp(buf, "abc"), "got %s", buf);

	unsigned long long v = 0;
	CHECK("parse-dec", parse_u64("1234", 4, &v) == 0 && v == 1234, "v=%llu", v);
	CHECK("parse-hex", parse_u64("0xfF", 4, &v) == 0 && v == 255, "v=%llu", v);
	CHECK("parse-max", parse_u64("18446744073709551615", 20, &v) == 0 && v == ~0ULL, "v=%llu", v);
	CHECK("parse-overflow", parse_u64("18446744073709551616", 20, &v) == -1, "accepted");
	CHECK("parse-garbage", parse_u64("12a", 3, &v) == -1, "accepted");
	CHECK("parse-empty", parse_u64("0x", 2, &v) == -1 && parse_u64("", 0, &v) == -1, "accepted");
	return check_done();
}
