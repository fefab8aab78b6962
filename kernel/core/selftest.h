/* In-kernel self-tests (unipack.selftest): exercise what only a booted
 * kernel can show (allocators on real memory, interrupts, page protections,
 * fault handling). Prints one record per failure and a summary. */
#ifndef CORE_SELFTEST_H
#define CORE_SELFTEST_H
/* Returns the number of failed checks. */
int selftest_run(void);
#endif
