/* The kernel's own symbol table, embedded at build time (scripts/gen-ksyms.sh),
 * so fault reports and panics name functions. */
#ifndef CORE_KSYMS_H
#define CORE_KSYMS_H
#include <stdint.h>

/* Returns the function containing addr and its offset, or NULL. */
const char *ksyms_lookup(uint64_t addr, uint64_t *offset);
/* Prints "    #i 0x... name+0x.." lines for rip (when nonzero) and the
 * frame-pointer chain from rbp. */
void ksyms_backtrace(uint64_t rip, uint64_t rbp);
/* The same, also naming the caller of a frameless leaf from the return address at rsp. */
void ksyms_backtrace_ex(uint64_t rip, uint64_t rbp, uint64_t rsp);

#endif
