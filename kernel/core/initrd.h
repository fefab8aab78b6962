/* The initrd: the root filesystem tar the launcher passes with -initrd. */
#ifndef CORE_INITRD_H
#define CORE_INITRD_H
#include <stdint.h>
#include <stdbool.h>

extern const uint8_t *initrd_base;
extern uint64_t initrd_size;

/* Finds and checks the archive; with list set, prints one record per entry. */
void initrd_init(bool list);

#endif
