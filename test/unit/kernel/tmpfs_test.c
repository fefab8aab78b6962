/* kernel/fs/tmpfs.c: page-backed data, holes, truncate, the size limit
 * (ENOSPC), get_page for shared mappings, timestamps, unlinked-but-open
 * files, and that every page comes back. */
#include "fs_host.h"

int main(void)
{
	boot_fs(NULL, NULL);
	char buf[9000];
	struct kst st;
	long base_pages = pages_out;
	int fd = (int)sys_open("/tmp/f", O_RDWR | O_CREAT | O_EXCL, 0666);
	CHECK("create", fd >= 0, "%d", fd);
	CHECK_EQ("O_EXCL on existing", sys_open("/tmp/f", O_RDWR | O_CREAT | O_EXCL, 0666), -EEXIST);
	CHECK_EQ("fstat", sys_fstat(fd, &st), 0);
	CHECK_EQ("umask applied", st.mode, S_IFREG | 0644);
	CHECK_EQ("write", sys_write(fd, "hello", 5), 5);
	CHECK_EQ("pwrite far (sparse)", sys_pwrite64(fd, "end", 3, 10000), 3);
	CHECK_EQ("size", (sys_fstat(fd, &st), st.size), 10003);
	CHECK_EQ("blocks count only pages held", st.blocks, 2 * 8);
	CHECK_EQ("pread hole", sys_pread64(fd, buf, 100, 5000), 100);
	int zeros = 1;
	for (int i = 0; i < 100; i++)
		zeros &= buf[i] == 0;
	CHECK("hole reads zeros", zeros, "non-zero byte");
	CHECK_EQ("pread at end", sys_pread64(fd, buf, 100, 10000), 3);
	CHECK_EQ("pread past end", sys_pread64(fd, buf, 100, 20000), 0);
	CHECK_EQ("pread negative", sys_pread64(fd, buf, 1, -1), -EINVAL);
	CHECK_EQ("lseek end", sys_lseek(fd, 0, SEEK_END), 10003);
	CHECK_EQ("lseek negative", sys_lseek(fd, -20000, SEEK_CUR), -EINVAL);
	CHECK_EQ("lseek bad whence", sys_lseek(fd, 0, 7), -EINVAL);
	CHECK_EQ("SEEK_DATA past end", sys_lseek(fd, 20000, SEEK_DATA), -ENXIO);
	CHECK_EQ("SEEK_HOLE", sys_lseek(fd, 3, SEEK_HOLE), 10003);
	CHECK_EQ("truncate down", sys_ftruncate(fd, 3), 0);
	CHECK_EQ("size after truncate", (sys_fstat(fd, &st), st.size), 3);
	CHECK_EQ("truncate up", sys_ftruncate(fd, 4100), 0);
	CHECK_EQ("read after regrow", sys_pread64(fd, buf, 10, 0), 10);
	CHECK("old bytes cut", !memcmp(buf, "hel\0\0\0\0\0\0\0", 10), "got %.10s", buf);
	CHECK_EQ("ftruncate negative", sys_ftruncate(fd, -1), -EINVAL);
	int ro = (int)sys_open("/tmp/f", O_RDONLY, 0);
	CHECK_EQ("ftruncate read-only fd", sys_ftruncate(ro, 0), -EINVAL);
	CHECK_EQ("write read-only fd", sys_write(ro, "x", 1), -EBADF);
	CHECK_EQ("read write-only fd", sys_read((int)sys_open("/tmp/f", O_WRONLY, 0), buf, 1), -EBADF);

	/* O_APPEND */
	int ap = (int)sys_open("/tmp/f", O_WRONLY | O_APPEND, 0);
	CHECK_EQ("append", sys_write(ap, "ZZ", 2), 2);
	CHECK_EQ("append size", (sys_fstat(fd, &st), st.size), 4102);
	CHECK_EQ("pwrite on O_APPEND appends", sys_pwrite64(ap, "Y", 1, 0), 1);
	CHECK_EQ("pread appended", sys_pread64(fd, buf, 3, 4100), 3);
	CHECK("append data", !memcmp(buf, "ZZY", 3), "got %.3s", buf);

	/* get_page: a writable page is the file's own. */
	struct file *f = fdtable_get(fd);
	uint64_t phys1 = 0, phys2 = 0;
	CHECK_EQ("get_page", f->ops->get_page(f, 0, true, &phys1), 0);
	CHECK_EQ("get_page again", f->ops->get_page(f, 0, false, &phys2), 0);
	CHECK("same page", phys1 == phys2 && phys1 == virt_to_phys(f->inode->u.reg.pages[0]), "%lx %lx", phys1, phys2);
	CHECK_EQ("get_page past end", f->ops->get_page(f, 5, false, &phys1), -ENXIO);
	file_put(f);

	/* Timestamps: write moves mtime and ctime, read keeps them. */
	fake_now_ns += 5000000000LL;
	sys_write(fd, "t", 1);
	sys_fstat(fd, &st);
	CHECK_EQ("mtime after write", st.t[2], fake_now_ns / 1000000000LL);
	CHECK_EQ("ctime after write", st.t[4], fake_now_ns / 1000000000LL);
	fake_now_ns += 5000000000LL;
	sys_pread64(fd, buf, 1, 0);
	sys_fstat(fd, &st);
	CHECK_EQ("mtime after read unchanged", st.t[2], (fake_now_ns - 5000000000LL) / 1000000000LL);
	CHECK_EQ("atime after read (relatime)", st.t[0], fake_now_ns / 1000000000LL);

	/* Unlinked while open: data stays until the last close. */
	CHECK_EQ("unlink open file", sys_unlink("/tmp/f"), 0);
	CHECK_EQ("stat gone", sys_stat("/tmp/f", &st), -ENOENT);
	CHECK_EQ("fstat nlink 0", (sys_fstat(fd, &st), st.nlink), 0);
	CHECK_EQ("read unlinked", sys_pread64(fd, buf, 5, 0), 5);
	for (int i = 3; i < 64; i++)
		sys_close(i);
	CHECK_EQ("pages returned", pages_out, base_pages);

	/* Size limit. */
	CHECK_EQ("mount small tmpfs", fs_mount_tmpfs("/small", 8192), 0);
	fd = (int)sys_open("/small/a", O_WRONLY | O_CREAT, 0600);
	memset(buf, 'x', sizeof(buf));
	CHECK_EQ("partial write at the limit", sys_write(fd, buf, 9000), 8192);
	CHECK_EQ("then ENOSPC", sys_write(fd, buf, 10), -ENOSPC);
	CHECK_EQ("overwrite in place still works", sys_pwrite64(fd, buf, 10, 0), 10);
	CHECK_EQ("truncate frees", sys_ftruncate(fd, 0), 0);
	CHECK_EQ("write after free", sys_write(fd, buf, 100), 100);
	sys_close(fd);

	/* Directories. */
	CHECK_EQ("mkdir", sys_mkdir("/tmp/d", 0777), 0);
	CHECK_EQ("mkdir exists", sys_mkdir("/tmp/d", 0777), -EEXIST);
	CHECK_EQ("mkdir trailing slash", sys_mkdir("/tmp/e/", 0777), 0);
	CHECK_EQ("dir mode", (sys_stat("/tmp/d", &st), st.mode), S_IFDIR | 0755);
	CHECK_EQ("dir nlink", st.nlink, 2);
	CHECK_EQ("parent nlink", (sys_stat("/tmp", &st), st.nlink), 4);
	CHECK_EQ("open dir for write", sys_open("/tmp/d", O_WRONLY, 0), -EISDIR);
	CHECK_EQ("O_CREAT on dir", sys_open("/tmp/d", O_RDONLY | O_CREAT, 0), -EISDIR);
	CHECK_EQ("O_CREAT|O_DIRECTORY", sys_open("/tmp/q", O_RDONLY | O_CREAT | O_DIRECTORY, 0), -EINVAL);
	CHECK_EQ("create with trailing slash", sys_open("/tmp/new/", O_RDWR | O_CREAT, 0600), -EISDIR);
	CHECK_EQ("read a dir", sys_read((int)sys_open("/tmp/d", O_RDONLY, 0), buf, 10), -EISDIR);
	CHECK_EQ("file in d", put_file("/tmp/d/x", "1"), 0);
	CHECK_EQ("rmdir non-empty", sys_rmdir("/tmp/d"), -ENOTEMPTY);
	CHECK_EQ("rmdir a file", sys_rmdir("/tmp/d/x"), -ENOTDIR);
	CHECK_EQ("unlink a dir", sys_unlink("/tmp/d"), -EISDIR);
	CHECK_EQ("rmdir dot", sys_rmdir("/tmp/d/."), -EINVAL);
	CHECK_EQ("rmdir dotdot", sys_rmdir("/tmp/d/.."), -ENOTEMPTY);
	CHECK_EQ("unlink file/", sys_unlink("/tmp/d/x/"), -ENOTDIR);
	CHECK_EQ("unlink", sys_unlink("/tmp/d/x"), 0);
	CHECK_EQ("rmdir", sys_rmdir("/tmp/d"), 0);
	CHECK_EQ("rmdir /", sys_rmdir("/"), -EBUSY);
	CHECK_EQ("parent nlink after rmdir", (sys_stat("/tmp", &st), st.nlink), 3);

	/* Readdir while unlinking every entry returns each once. */
	sys_mkdir("/tmp/many", 0755);
	for (int i = 0; i < 200; i++) {
		snprintf(buf, sizeof(buf), "/tmp/many/file%03d", i);
		put_file(buf, "z");
	}
	int dfd = (int)sys_open("/tmp/many", O_RDONLY | O_DIRECTORY, 0);
	char dents[512];
	int seen = 0;
	long r;
	while ((r = sys_getdents64(dfd, dents, sizeof(dents))) > 0)
		for (long off = 0; off < r; off += *(uint16_t *)(dents + off + 16)) {
			char *name = dents + off + 19;
			if (name[0] == '.')
				continue;
			snprintf(buf, sizeof(buf), "/tmp/many/%s", name);
			if (sys_unlink(buf) == 0)
				seen++;
		}
	CHECK_EQ("readdir+unlink saw all", seen, 200);
	CHECK_EQ("getdents tiny buffer", sys_getdents64((int)sys_open("/tmp", O_RDONLY, 0), dents, 10), -EINVAL);
	CHECK_EQ("getdents on a file", sys_getdents64((int)sys_open("/small/a", O_RDONLY, 0), dents, 512), -ENOTDIR);
	return check_done();
}
