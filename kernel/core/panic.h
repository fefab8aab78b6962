/* Ending the VM: panic() for broken kernel invariants, machine_exit() for
 * the app's exit. Both write their record to the kernel log first, then
 * stop QEMU through isa-debug-exit (or a triple fault without it). */
#ifndef CORE_PANIC_H
#define CORE_PANIC_H
#include <stdint.h>

__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);
/* Writes "unipack: exit status=N" and powers off. */
__attribute__((noreturn)) void machine_exit(int status);
/* Writes "unipack: signal sig=N ..." and powers off (the app died of a signal). */
__attribute__((noreturn)) void machine_exit_signal(int sig, const char *detail);
__attribute__((noreturn)) void power_off(uint32_t code);

#define BUG_ON(cond) do { if (cond) panic("BUG_ON(%s) at %s:%d", #cond, __FILE__, __LINE__); } while (0)

#endif
