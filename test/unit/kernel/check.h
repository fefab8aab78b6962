/* A tiny TAP-style harness for host unit tests of kernel units. Each CHECK
 * prints "ok N - name" or "not ok N - name: detail"; main returns the
 * failure count so the vitest wrapper sees a non-zero exit. */
#ifndef UNIT_CHECK_H
#define UNIT_CHECK_H
#include <stdio.h>

static int check_n, check_failed;

#define CHECK(name, cond, ...)                                              \
	do {                                                                \
		check_n++;                                                  \
		if (cond) {                                                 \
			printf("ok %d - %s\n", check_n, name);              \
		} else {                                                    \
			check_failed++;                                     \
			printf("not ok %d - %s: ", check_n, name);          \
			printf(__VA_ARGS__);                                \
			printf("\n");                                       \
		}                                                           \
	} while (0)

#define CHECK_EQ_INT(name, got, want)                                          \
	CHECK(name, (long long)(got) == (long long)(want), "got %lld, want %lld", \
	      (long long)(got), (long long)(want))

static inline int check_done(void)
{
	printf("# %d checks, %d failed\n", check_n, check_failed);
	return check_failed ? 1 : 0;
}
#endif
