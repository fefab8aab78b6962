/* The C side of syscall entry: dispatch through the generated table,
 * -ENOSYS plus an `unsupported` record for calls we lack, strace-style
 * tracing, fault injection, then signals and preemption on the way out. */
#include "compat/syscall.h"
#include "compat/uaccess.h"
#include "compat/errno_names.h"
#include "compat/signal.h"
#include "sched/thread.h"
#include "core/log.h"
#include "lib/cmdline.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

static uint32_t unsupported_count[SYSCALL_TABLE_SIZE];
static uint32_t unsupported_other;   /* numbers beyond the table */
static bool trace;
static int inject_nr = -1, inject_errno;
static uint64_t inject_nth, inject_seen;   /* nth == 0: fail every call */

int syscall_number(const char *name)
{
	for (int i = 0; i < SYSCALL_TABLE_SIZE; i++)
		if (syscall_table[i].name && !strcmp(syscall_table[i].name, name))
			return i;
	return -1;
}

/* unipack.inject=<syscall>:<errno>[:<n>] — errno by name (ENOENT) or number;
 * with n, only the n-th call fails. */
static void parse_inject(const char *v)
{
	char buf[64];
	strlcpy(buf, v, sizeof(buf));
	char *c1 = strchr(buf, ':');
	if (!c1)
		goto bad;
	*c1++ = 0;
	char *c2 = strchr(c1, ':');
	if (c2)
		*c2++ = 0;
	unsigned long long n;
	inject_nr = parse_u64(buf, strlen(buf), &n) == 0 ? (int)n : syscall_number(buf);
	inject_errno = parse_u64(c1, strlen(c1), &n) == 0 ? (int)n : errno_from_name(c1);
	inject_nth = 0;
	if (c2 && parse_u64(c2, strlen(c2), &n) == 0)
		inject_nth = n;
	if (inject_nr < 0 || inject_nr >= SYSCALL_TABLE_SIZE || inject_errno <= 0)
		goto bad;
	krecord("inject syscall=%s errno=%d nth=%lu", syscall_table[inject_nr].name, inject_errno, inject_nth);
	return;
bad:
	krecord("inject error=\"cannot parse unipack.inject=%s (want <syscall>:<errno>[:<n>])\"", v);
	inject_nr = -1;
}

void syscall_init(void)
{
	const char *t = cmdline_get(&kernel_cmdline, "unipack.trace");
	trace = t && (!strcmp(t, "syscalls") || !strcmp(t, "all"));
	const char *inj = cmdline_get(&kernel_cmdline, "unipack.inject");
	if (inj)
		parse_inject(inj);
}

static void note_unsupported(uint64_t nr)
{
	if (nr >= SYSCALL_TABLE_SIZE) {
		if (unsupported_other++ == 0)
			krecord("unsupported syscall=unknown nr=%lu count=1", nr);
		return;
	}
	if (unsupported_count[nr]++ == 0)
		krecord("unsupported syscall=%s nr=%lu count=1",
			syscall_table[nr].name ? syscall_table[nr].name : "unknown", nr);
}

void syscall_report_unsupported(void)
{
	for (int i = 0; i < SYSCALL_TABLE_SIZE; i++)
		if (unsupported_count[i])
			krecord("unsupported syscall=%s nr=%d count=%u",
				syscall_table[i].name ? syscall_table[i].name : "unknown", i, unsupported_count[i]);
	if (unsupported_other)
		krecord("unsupported syscall=unknown nr=-1 count=%u", unsupported_other);
}

/* Trace formats, one letter per argument: d signed int, u unsigned, x hex,
 * o octal, p pointer, s user string, f fd (AT_FDCWD shown by name). */
static int format_arg(char *out, size_t n, char kind, uint64_t v)
{
	switch (kind) {
	case 'd': return ksnprintf(out, n, "%d", (int)v);
	case 'u': return ksnprintf(out, n, "%lu", v);
	case 'o': return ksnprintf(out, n, "0%lo", v);
	case 'f': return (int)v == -100 ? ksnprintf(out, n, "AT_FDCWD") : ksnprintf(out, n, "%d", (int)v);
	case 's': {
		char s[64];
		long len = strncpy_from_user(s, (const char *)v, sizeof(s));
		if (len == -ENAMETOOLONG)
			return ksnprintf(out, n, "\"%.60s\"...", s);
		if (len < 0)
			return ksnprintf(out, n, "%#lx", v);
		return ksnprintf(out, n, "\"%s\"", s);
	}
	default: return ksnprintf(out, n, "%#lx", v);
	}
}

static void trace_call(uint64_t nr, const struct trap_frame *f, long ret)
{
	char line[400];
	const char *name = nr < SYSCALL_TABLE_SIZE && syscall_table[nr].name ? syscall_table[nr].name : "unknown";
	int o = ksnprintf(line, sizeof(line), "[%d] %s(", current()->tid, name);
	const char *fmt = nr < SYSCALL_TABLE_SIZE ? syscall_table[nr].args : "";
	uint64_t a[6] = { f->rdi, f->rsi, f->rdx, f->r10, f->r8, f->r9 };
	int nargs = fmt && *fmt ? (int)strlen(fmt) : 3;
	for (int i = 0; i < nargs && i < 6 && o < (int)sizeof(line) - 80; i++) {
		if (i)
			o += ksnprintf(line + o, sizeof(line) - o, ", ");
		o += format_arg(line + o, sizeof(line) - o, fmt && *fmt ? fmt[i] : 'x', a[i]);
	}
	if (ret < 0 && ret > -4096)
		ksnprintf(line + o, sizeof(line) - o, ") = -1 %s\n", errno_name((int)-ret));
	else
		ksnprintf(line + o, sizeof(line) - o, ") = %ld\n", ret);
	kprintf("%s", line);
}

void syscall_handle(struct trap_frame *f)
{
	uint64_t nr = f->rax;
	long ret;
	const struct syscall_desc *d = nr < SYSCALL_TABLE_SIZE ? &syscall_table[nr] : 0;
	current()->syscall_nr = nr;
	if ((int)nr == inject_nr && (inject_nth == 0 || ++inject_seen == inject_nth)) {
		ret = -inject_errno;
	} else if (d && d->fn) {
		ret = d->fn(f->rdi, f->rsi, f->rdx, f->r10, f->r8, f->r9);
		/* A variant we refuse (fork through clone, PI futexes) is reported
		 * like a missing call: never silent. */
		if (ret == -ENOSYS)
			note_unsupported(nr);
	} else {
		note_unsupported(nr);
		ret = -ENOSYS;
	}
	/* rt_sigreturn restores every register and returns the restored rax. */
	f->rax = ret;
	if (trace)
		trace_call(nr, f, ret);
	signal_deliver_pending(f, ret);
	sched_preempt_check();
}
