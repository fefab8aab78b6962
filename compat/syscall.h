/* Syscall dispatch: the table generated from compat/syscalls.tbl, the
 * ENOSYS accounting behind the `unsupported` records, tracing
 * (unipack.trace=syscalls) and fault injection (unipack.inject=). */
#ifndef COMPAT_SYSCALL_H
#define COMPAT_SYSCALL_H
#include <stdint.h>

#define SYSCALL_TABLE_SIZE 512

typedef long (*syscall_fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

struct syscall_desc {
	const char *name;
	syscall_fn fn;       /* NULL: not implemented */
	const char *args;    /* trace format: one letter per argument, see syscall.c */
};

extern const struct syscall_desc syscall_table[SYSCALL_TABLE_SIZE];

/* Reads unipack.trace and unipack.inject from the command line. */
void syscall_init(void);
/* Writes the final `unsupported` records (at exit). */
void syscall_report_unsupported(void);
/* Looks a syscall up by name; -1 when unknown. */
int syscall_number(const char *name);

#endif
