/* A streaming reader for the root filesystem tar (ustar, pax extended
 * headers, GNU long names). It reads through a callback so the bytes can
 * come from the initrd in memory now and from a virtio-blk disk later.
 * Host-testable; tarfs builds the directory tree on top of it. */
#ifndef LIB_TAR_H
#define LIB_TAR_H
#include <stdint.h>
#include <stddef.h>

#define TAR_PATH_MAX 4096

enum tar_type {
	TAR_FILE = 'f', TAR_DIR = 'd', TAR_SYMLINK = 'l', TAR_HARDLINK = 'h',
	TAR_CHAR = 'c', TAR_BLOCK = 'b', TAR_FIFO = 'p', TAR_OTHER = '?',
};

struct tar_entry {
	char path[TAR_PATH_MAX];      /* normalised: no leading "./" or "/", no trailing "/" ("" = root) */
	char link[TAR_PATH_MAX];      /* symlink target or hard-link source */
	char type;                    /* enum tar_type */
	uint32_t mode, uid, gid, devmajor, devminor;
	uint64_t size, mtime;
	uint64_t header_offset;       /* of the ustar header (after any pax/GNU headers) */
	uint64_t data_offset;         /* of the file data within the archive */
};

/* Reads len bytes at off; returns 0 or a negative errno. */
typedef int (*tar_read_fn)(void *ctx, uint64_t off, void *buf, size_t len);

struct tar_reader {
	tar_read_fn read;
	void *ctx;
	uint64_t size;     /* archive size in bytes */
	uint64_t off;      /* next header */
	char scratch[TAR_PATH_MAX + 64];   /* one pax record */
};

void tar_reader_init(struct tar_reader *r, tar_read_fn read, void *ctx, uint64_t size);
/* Fills e with the next entry: returns 1, 0 at the end of the archive, or
 * -EINVAL for a corrupt archive (bad checksum, bad number, overrun). */
int tar_next(struct tar_reader *r, struct tar_entry *e);
/* A tar_read_fn over a buffer in memory (ctx = struct tar_mem). */
struct tar_mem { const uint8_t *base; uint64_t size; };
int tar_mem_read(void *ctx, uint64_t off, void *buf, size_t len);

#endif
