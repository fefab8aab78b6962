/* kernel/lib/tar.c against archives written by GNU tar in the gnu, pax and
 * ustar formats (long names, symlinks, hard links, directories, empty and
 * large files), then against truncated and randomly corrupted archives:
 * every entry must come back exactly, and bad input must give an error,
 * never a crash or a read out of bounds (ASan watches). */
#include "check.h"
#include "lib/tar.h"
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *LONG_DIR = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";   /* 60 */
static const char *LONG_FILE = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"; /* 80 */

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	*len = ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *b = malloc(*len ? *len : 1);
	if (fread(b, 1, *len, f) != *len) {
		free(b);
		b = NULL;
	}
	fclose(f);
	return b;
}

struct want { const char *path; char type; long size; const char *link; };

static int run(const char *cmd)
{
	int rc = system(cmd);
	if (rc)
		printf("# command failed (%d): %s\n", rc, cmd);
	return rc;
}

static void check_format(const char *dir, const char *format, int deep)
{
	char cmd[1024], path[512], label[128];
	snprintf(path, sizeof(path), "%s/%s.tar", dir, format);
	snprintf(cmd, sizeof(cmd), "cd %s/tree && tar --format=%s --owner=0 --group=0 -cf %s * 2>/dev/null", dir, format,
		 path);
	snprintf(label, sizeof(label), "%s-archive-written", format);
	CHECK(label, run(cmd) == 0, "tar failed");
	size_t len;
	unsigned char *buf = slurp(path, &len);
	if (!buf)
		return;
	char long_path[200], deep_path[400];
	snprintf(long_path, sizeof(long_path), "%s/%s", LONG_DIR, LONG_FILE);
	snprintf(deep_path, sizeof(deep_path), "%s/%s/%s/%s", LONG_DIR, LONG_DIR, LONG_DIR, LONG_FILE);
	struct want wants[] = {
		{ "d", 'd', 0, "" },
		{ "d/f.txt", 'f', 6, "" },
		{ "d/empty", 'f', 0, "" },
		{ "d/link", 'l', 0, "f.txt" },
		{ "d/hard", 'h', 0, "d/f.txt" },
		{ "big.bin", 'f', 70000, "" },
		{ long_path, 'f', 5, "" },
		{ deep_path, 'f', 4, "" },
	};
	int nwant = deep ? 8 : 7;
	int found[8] = { 0 }, other = 0, data_bad = 0, err;
	struct tar_mem mem = { buf, len };
	static struct tar_reader r;
	static struct tar_entry e;
	tar_reader_init(&r, tar_mem_read, &mem, len);
	while ((err = tar_next(&r, &e)) == 1) {
		int k;
		for (k = 0; k < nwant; k++)
			if (!strcmp(e.path, wants[k].path))
				break;
		if (k == nwant) {
			if (e.type != 'd')
				other++;
			continue;
		}
		/* The hard link may be recorded either way round. */
		if (wants[k].type == 'h' && e.type == 'f' && e.size == 6) {
			found[k]++;
			found[1]++;
			continue;
		}
		if (e.type == wants[k].type && (long)e.size == wants[k].size && !strcmp(e.link, wants[k].link))
			found[k]++;
		else
			printf("# %s: %s type=%c size=%llu link=%s\n", format, e.path, e.type, (unsigned long long)e.size, e.link);
		if (e.type == 'f' && e.size && e.data_offset + e.size <= len) {
			if (!strcmp(e.path, "d/f.txt") && memcmp(buf + e.data_offset, "hello\n", 6))
				data_bad++;
			if (!strcmp(e.path, "big.bin") && (buf[e.data_offset] != 0x5a || buf[e.data_offset + 69999] != 0x5a))
				data_bad++;
		}
	}
	snprintf(label, sizeof(label), "%s-reads-to-end", format);
	CHECK_EQ_INT(label, err, 0);
	for (int k = 0; k < nwant; k++) {
		snprintf(label, sizeof(label), "%s-entry-%.20s", format, wants[k].path);
		CHECK(label, found[k] >= 1, "not found with the right type/size/link");
	}
	snprintf(label, sizeof(label), "%s-no-unexpected", format);
	CHECK_EQ_INT(label, other, 0);
	snprintf(label, sizeof(label), "%s-data", format);
	CHECK_EQ_INT(label, data_bad, 0);

	/* Truncated at every block boundary: an error or a clean end, never more. */
	int trunc_bad = 0;
	for (size_t cut = 0; cut < len; cut += 512) {
		struct tar_mem m2 = { buf, cut };
		tar_reader_init(&r, tar_mem_read, &m2, cut);
		int guard = 0;
		while ((err = tar_next(&r, &e)) == 1 && guard < 100)
			guard++;
		if (err > 0 || r.off > cut)
			trunc_bad++;
	}
	snprintf(label, sizeof(label), "%s-truncations", format);
	CHECK_EQ_INT(label, trunc_bad, 0);

	/* Random corruption: must terminate with a result, and a header with a
	 * corrupted checksum field must be refused. */
	unsigned char *copy = malloc(len);
	srand(1234);
	int loops = 0;
	for (int it = 0; it < 3000; it++) {
		memcpy(copy, buf, len);
		int flips = 1 + rand() % 8;
		for (int f = 0; f < flips; f++)
			copy[rand() % len] = rand();
		struct tar_mem m3 = { copy, len };
		tar_reader_init(&r, tar_mem_read, &m3, len);
		int guard = 0;
		while (tar_next(&r, &e) == 1 && guard < 1000)
			guard++;
		if (guard >= 1000)
			loops++;
	}
	snprintf(label, sizeof(label), "%s-fuzz-terminates", format);
	CHECK_EQ_INT(label, loops, 0);
	memcpy(copy, buf, len);
	copy[148] ^= 1;   /* first header's checksum */
	struct tar_mem m4 = { copy, len };
	tar_reader_init(&r, tar_mem_read, &m4, len);
	snprintf(label, sizeof(label), "%s-bad-checksum", format);
	CHECK_EQ_INT(label, tar_next(&r, &e), -22);
	free(copy);
	free(buf);
}

int main(void)
{
	char dir[] = "/tmp/unipack-tar-test-XXXXXX";
	if (!mkdtemp(dir))
		return 1;
	char cmd[2048];
	snprintf(cmd, sizeof(cmd),
		 "set -e; cd %s; mkdir -p tree/d tree/%s/%s/%s; cd tree; printf 'hello\\n' > d/f.txt; : > d/empty; "
		 "ln -s f.txt d/link; ln d/f.txt d/hard; "
		 "head -c 70000 /dev/zero | tr '\\0' 'Z' > big.bin; mkdir -p %s; printf 'long\\n' > %s/%s; "
		 "printf 'deep' > %s/%s/%s/%s",
		 dir, LONG_DIR, LONG_DIR, LONG_DIR, LONG_DIR, LONG_DIR, LONG_FILE, LONG_DIR, LONG_DIR, LONG_DIR, LONG_FILE);
	if (run(cmd))
		return 1;
	check_format(dir, "gnu", 1);
	check_format(dir, "pax", 1);
	/* ustar cannot hold the 269-character path; the 141-character one splits into prefix/name. */
	snprintf(cmd, sizeof(cmd), "rm -rf %s/tree/%s/%s", dir, LONG_DIR, LONG_DIR);
	run(cmd);
	check_format(dir, "ustar", 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	run(cmd);
	return check_done();
}
