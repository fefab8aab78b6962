/* The root overlay, differential against Linux: run on files that are in
 * the image (lower layer) in unipack, and on a scratch copy of the same
 * fixture on the host. usage: fs_overlay <dir> where <dir> holds a copy of
 * test/abi/fixtures/overlay (the boot harness packs it at /fixtures/overlay).
 * Covers copy-up by a partial write (mode kept, rest of the file kept),
 * O_TRUNC of a lower file, unlink and rename of lower files and
 * directories, merged readdir, and mmap after copy-up. Mutates <dir>. */
#include "fs_common.h"
#include <sys/mman.h>

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc < 2 || chdir(argv[1])) {
		printf("usage: fs_overlay <fixture copy>\n");
		return 2;
	}
	struct stat st, before;
	expect("stat lower", stat("etc/conf", &before), "0");
	printf("lower mode %o size %ld\n", (unsigned)before.st_mode, (long)before.st_size);
	int fd = open("etc/conf", O_RDWR);
	expect("open lower rw", fd >= 0, "1");
	expect("partial write", pwrite(fd, "NEW", 3, 5), "3");
	close(fd);
	show_file("after copy-up", "etc/conf");
	expect("mode kept", (stat("etc/conf", &st), st.st_mode == before.st_mode), "1");
	expect("size kept", st.st_size, "9");

	/* A shared mapping made after the write sees the new bytes, and writes through it land in the file. */
	fd = open("etc/conf", O_RDWR);
	char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	expect("mmap shared", m != MAP_FAILED, "1");
	if (m != MAP_FAILED) {
		printf("mapped: %.8s\n", m);
		m[0] = 'N';
		expect("msync", msync(m, 4096, MS_SYNC), "0");
		munmap(m, 4096);
	}
	close(fd);
	show_file("after mapped write", "etc/conf");

	/* O_TRUNC of a lower file. */
	fd = open("app/k", O_WRONLY | O_TRUNC);
	expect("O_TRUNC size", (fstat(fd, &st), st.st_size), "0");
	expect("write after trunc", write(fd, "k2", 2), "2");
	close(fd);
	show_file("k", "app/k");

	/* Merged readdir, whiteouts, recreation. */
	write_file("app/lib/c.js", "three");
	write_file("app/lib/b.js", "TWO");
	show_dir("lib merged", "app/lib");
	expect("unlink lower", unlink("app/lib/a.js"), "0");
	expect("gone", stat("app/lib/a.js", &st), "ENOENT");
	show_dir("lib after unlink", "app/lib");
	write_file("app/lib/a.js", "fresh");
	show_file("recreated", "app/lib/a.js");

	/* Rename of lower directories and files. */
	expect("rename lower dir", rename("app/lib", "app/lib2"), "0");
	expect("old gone", stat("app/lib", &st), "ENOENT");
	show_dir("moved dir", "app/lib2");
	show_file("moved content", "app/lib2/b.js");
	expect("rename lower file", rename("app/k", "app/lib2/k"), "0");
	show_dir("app", "app");
	expect("rmdir lower non-empty", rmdir("etc"), "ENOTEMPTY");
	expect("unlink conf", unlink("etc/conf"), "0");
	expect("rmdir emptied lower dir", rmdir("etc"), "0");
	expect("mkdir where it was", mkdir("etc", 0755), "0");
	show_dir("etc recreated empty", "etc");
	show_dir("top", ".");
	return finish();
}
