/* kernel/fs/tarfs.c over an archive written by GNU tar: modes, owners and
 * mtimes kept, hard links sharing an inode, symlinks, directories the
 * archive only implies (0755), GNU long names, and get_page sharing only
 * page-aligned whole pages of file data. */
#include "fs_host.h"

int main(void)
{
	const char *setup =
		"head -c 3072 /dev/zero > pad && head -c 8192 /dev/urandom > big && mkdir -p x/y && echo data > x/y/z.txt "
		"&& chmod 0750 x/y/z.txt && ln x/y/z.txt hard && ln -s x/y/z.txt soft && chown 7:9 soft 2>/dev/null; "
		"L=$(printf 'l%.0s' $(seq 1 150)) && echo long > $L && "
		"tar --format=gnu --owner=0 --group=0 --mtime=@1600000000 -cf ../r.tar --no-recursion pad big x/y/z.txt hard soft $L";
	boot_fs_tar(setup, NULL, NULL);
	CHECK("archive built", initrd_size > 0, "no archive");
	char buf[16384];
	struct kst st, st2;
	CHECK_EQ("file read", get_file("/x/y/z.txt", buf, sizeof(buf)), 5);
	CHECK("file data", !strcmp(buf, "data\n"), "got %s", buf);
	CHECK_EQ("stat file", sys_stat("/x/y/z.txt", &st), 0);
	CHECK_EQ("mode kept", st.mode, S_IFREG | 0750);
	CHECK_EQ("mtime kept", st.t[2], 1600000000);
	CHECK_EQ("ctime = mtime", st.t[4], 1600000000);
	CHECK_EQ("hard link nlink", st.nlink, 2);
	CHECK_EQ("stat hard link", sys_stat("/hard", &st2), 0);
	CHECK("hard link shares the inode", st.ino == st2.ino, "%lu %lu", st.ino, st2.ino);
	CHECK_EQ("implicit dir", sys_stat("/x/y", &st), 0);
	CHECK_EQ("implicit dir mode", st.mode, S_IFDIR | 0755);
	CHECK_EQ("implicit dir nlink", st.nlink, 2);
	long n = sys_readlink("/soft", buf, sizeof(buf));
	CHECK("symlink target", n == 9 && !memcmp(buf, "x/y/z.txt", 9), "n=%ld", n);
	CHECK_EQ("through symlink", get_file("/soft", buf, sizeof(buf)), 5);
	char longname[160] = "/";
	memset(longname + 1, 'l', 150);
	CHECK_EQ("GNU long name", get_file(longname, buf, sizeof(buf)), 5);
	char list[1024];
	CHECK_EQ("root listing", list_dir("/", list, sizeof(list)), 10);   /* 6 from the archive + dev, proc, sys, tmp */

	/* Data is read from the archive in place. */
	int fd = (int)sys_open("/big", O_RDONLY, 0);
	struct file *f = fdtable_get(fd);
	CHECK("big is lower", f->inode->u.reg.lower == initrd_base + 4096, "lower %p base %p",
	      (void *)f->inode->u.reg.lower, (void *)initrd_base);
	uint64_t phys;
	CHECK_EQ("aligned get_page", f->ops->get_page(f, 1, false, &phys), 0);
	CHECK("page shared with the archive", phys == virt_to_phys(initrd_base + 8192), "phys %lx", phys);
	file_put(f);
	CHECK_EQ("read big", sys_read(fd, buf, sizeof(buf)), 8192);
	CHECK("big bytes", !memcmp(buf, initrd_base + 4096, 8192), "mismatch");
	fd = (int)sys_open("/x/y/z.txt", O_RDONLY, 0);
	f = fdtable_get(fd);
	CHECK_EQ("unaligned get_page", f->ops->get_page(f, 0, false, &phys), -EOPNOTSUPP);
	file_put(f);
	fd = (int)sys_open("/pad", O_RDONLY, 0);
	f = fdtable_get(fd);
	CHECK_EQ("partial page not shared", f->ops->get_page(f, 0, false, &phys), -EOPNOTSUPP);
	file_put(f);

	/* A corrupt archive keeps what came before and reports it. */
	static struct super *sb;   /* kept reachable: supers are never unmounted */
	sb = tmpfs_new("t", 0, 0755);
	uint8_t *bad = malloc(initrd_size);
	memcpy(bad, initrd_base, initrd_size);
	bad[4096 - 512 + 148] ^= 0x55;   /* break the checksum of big's header */
	struct tarfs_stats ts;
	CHECK_EQ("corrupt archive", tarfs_populate(sb, bad, initrd_size, &ts), -EINVAL);
	CHECK_EQ("entries before the damage", ts.files, 1);
	free(bad);
	return check_done();
}
