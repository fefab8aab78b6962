/* The app's console files: fd 0 reads COM1's receive side, fd 1 writes
 * COM1, fd 2 writes COM2 (DESIGN.md, output channels). They are character
 * devices but not terminals: TCGETS and TIOCGWINSZ fail with ENOTTY, so Node
 * treats them as files and writes synchronously. How stdin ends is chosen by
 * unipack.stdin= on the kernel command line: "null" (default: reads return
 * 0 at once), "raw" (bytes as they come, never EOF) or "framed" (0xFF 0xFF
 * is a 0xFF byte, 0xFF 0x00 is end of file). */
#ifndef FS_CONSOLE_H
#define FS_CONSOLE_H
#include <stdint.h>
#include <stddef.h>

struct file_ops;

enum console_stdin_mode { STDIN_NULL, STDIN_RAW, STDIN_FRAMED };

extern const struct file_ops console_out_ops;   /* COM1: stdin + stdout (ttyS0, console) */
extern const struct file_ops console_err_ops;   /* COM2: stderr (ttyS1) */

/* Parses the mode; with hw set, routes COM1's IRQ 4 to CONSOLE_VECTOR. */
void console_init(const char *mode, int hw);
#define CONSOLE_VECTOR 0x24
/* Feeds received bytes through the EOF protocol into the ring (IRQ handler; tests). */
void console_rx_bytes(const uint8_t *b, size_t n);

#endif
