/* The root overlay (tarfs data + tmpfs copy-up in kernel/fs/tmpfs.c,
 * whiteouts as edits of the in-memory tree in kernel/fs/namei.c): writes copy
 * a lower file up whole, keeping mode and owner; unlink and rename of lower
 * files and directories; merged readdir; O_TRUNC of a lower file; a page
 * mapped after copy-up shows the new data; the archive never changes. */
#include "fs_host.h"

static int is_lower(const char *path)
{
	int fd = (int)sys_open(path, O_RDONLY, 0);
	if (fd < 0)
		return fd;
	struct file *f = fdtable_get(fd);
	int r = f->inode->u.reg.lower != NULL;
	file_put(f);
	sys_close(fd);
	return r;
}

int main(void)
{
	boot_fs("mkdir -p etc app/lib && echo 'name=old' > etc/conf && chmod 0640 etc/conf && echo one > app/lib/a.js "
		"&& echo two > app/lib/b.js && echo keep > app/k && touch -d @1500000000 etc/conf", NULL);
	uint8_t *snapshot = malloc(initrd_size);
	memcpy(snapshot, initrd_base, initrd_size);
	char buf[4096], list[1024];
	struct kst st, before;

	sys_stat("/etc/conf", &before);
	int fd = (int)sys_open("/etc/conf", O_RDWR, 0);
	CHECK_EQ("open rw does not copy up", is_lower("/etc/conf"), 1);
	CHECK_EQ("times untouched by open", (sys_stat("/etc/conf", &st), st.t[2]), 1500000000);
	CHECK_EQ("partial overwrite", sys_pwrite64(fd, "NEW", 3, 5), 3);
	CHECK_EQ("copied up", is_lower("/etc/conf"), 0);
	CHECK_EQ("whole file kept", get_file("/etc/conf", buf, sizeof(buf)), 9);
	CHECK("merged content", !strcmp(buf, "name=NEW\n"), "got %s", buf);
	sys_stat("/etc/conf", &st);
	CHECK_EQ("mode kept", st.mode, before.mode);
	CHECK_EQ("inode kept", st.ino, before.ino);
	CHECK("mtime moved by the write", st.t[2] != 1500000000, "mtime %ld", st.t[2]);

	/* A shared page after copy-up is the new data. */
	struct file *f = fdtable_get(fd);
	uint64_t phys;
	CHECK_EQ("get_page after copy-up", f->ops->get_page(f, 0, true, &phys), 0);
	CHECK("page holds new data", !memcmp((uint8_t *)f->inode->u.reg.pages[0], "name=NEW", 8), "stale");
	file_put(f);
	sys_close(fd);

	/* O_TRUNC of a lower file. */
	CHECK_EQ("lower before O_TRUNC", is_lower("/app/k"), 1);
	fd = (int)sys_open("/app/k", O_WRONLY | O_TRUNC, 0);
	CHECK_EQ("truncated", (sys_fstat(fd, &st), st.size), 0);
	CHECK_EQ("write after trunc", sys_write(fd, "x", 1), 1);
	sys_close(fd);
	CHECK_EQ("read after trunc", get_file("/app/k", buf, sizeof(buf)), 1);

	/* Merged readdir: lower entries plus new ones, no duplicates. */
	CHECK_EQ("new file beside lower", put_file("/app/lib/c.js", "three"), 0);
	CHECK_EQ("rewrite lower b.js", put_file("/app/lib/b.js", "TWO"), 0);
	CHECK_EQ("merged listing", list_dir("/app/lib", list, sizeof(list)), 3);
	CHECK("merged names", !strcmp(list, "a.js,b.js,c.js"), "got %s", list);

	/* Unlink of a lower file hides it; recreating gives a fresh file. */
	CHECK_EQ("unlink lower", sys_unlink("/app/lib/a.js"), 0);
	CHECK_EQ("gone", sys_stat("/app/lib/a.js", &st), -ENOENT);
	CHECK_EQ("listing hides it", list_dir("/app/lib", list, sizeof(list)), 2);
	CHECK_EQ("recreate", put_file("/app/lib/a.js", "fresh"), 0);
	CHECK_EQ("recreated content", get_file("/app/lib/a.js", buf, sizeof(buf)), 5);

	/* Rename of a lower directory with lower contents. */
	CHECK_EQ("rename lower dir", sys_rename("/app/lib", "/app/lib2"), 0);
	CHECK_EQ("old dir gone", sys_stat("/app/lib", &st), -ENOENT);
	CHECK_EQ("contents moved", get_file("/app/lib2/b.js", buf, sizeof(buf)), 3);
	CHECK_EQ("listing of moved dir", list_dir("/app/lib2", list, sizeof(list)), 3);
	CHECK_EQ("rmdir of non-empty lower dir", sys_rmdir("/etc"), -ENOTEMPTY);
	CHECK_EQ("unlink lower conf", sys_unlink("/etc/conf"), 0);
	CHECK_EQ("rmdir emptied lower dir", sys_rmdir("/etc"), 0);
	CHECK_EQ("root listing", list_dir("/", list, sizeof(list)), 5);
	CHECK("root names (app + mount points)", !strcmp(list, "app,dev,proc,sys,tmp"), "got %s", list);

	/* rename flags on lower files. */
	CHECK_EQ("NOREPLACE onto existing", sys_renameat2(AT_FDCWD, "/app/k", AT_FDCWD, "/app/lib2/c.js", RENAME_NOREPLACE), -EEXIST);
	CHECK_EQ("EXCHANGE", sys_renameat2(AT_FDCWD, "/app/k", AT_FDCWD, "/app/lib2/c.js", RENAME_EXCHANGE), 0);
	CHECK_EQ("exchanged a", get_file("/app/k", buf, sizeof(buf)), 5);
	CHECK_EQ("exchanged b", get_file("/app/lib2/c.js", buf, sizeof(buf)), 1);
	CHECK_EQ("EXCHANGE with missing", sys_renameat2(AT_FDCWD, "/app/k", AT_FDCWD, "/app/none", RENAME_EXCHANGE), -ENOENT);
	CHECK_EQ("EXCHANGE|NOREPLACE", sys_renameat2(AT_FDCWD, "/app/k", AT_FDCWD, "/app/x", 3), -EINVAL);
	CHECK_EQ("dir into itself", sys_rename("/app", "/app/lib2/x"), -EINVAL);
	CHECK_EQ("file over dir", sys_rename("/app/k", "/app/lib2"), -EISDIR);
	CHECK_EQ("dir over file", sys_rename("/app/lib2", "/app/k"), -ENOTDIR);
	CHECK_EQ("dir over empty dir", (sys_mkdir("/empty", 0755), sys_rename("/app/lib2", "/empty")), 0);
	CHECK_EQ("dir over non-empty dir", (sys_mkdir("/ne", 0755), put_file("/ne/f", "1"), sys_rename("/empty", "/ne")), -ENOTEMPTY);
	CHECK_EQ("rename to self", sys_rename("/app/k", "/app/k"), 0);
	CHECK_EQ("rename dot", sys_rename("/app/.", "/x"), -EBUSY);
	CHECK_EQ("rename missing", sys_rename("/nope", "/x"), -ENOENT);
	CHECK_EQ("rename file with slash", sys_rename("/app/k/", "/x"), -ENOTDIR);

	/* Links and symlinks on the root. */
	CHECK_EQ("hard link to lower-born file", sys_link("/app/k", "/app/k2"), 0);
	CHECK_EQ("nlink 2", (sys_stat("/app/k", &st), st.nlink), 2);
	CHECK_EQ("link exists", sys_link("/app/k", "/app/k2"), -EEXIST);
	CHECK_EQ("link a dir", sys_link("/app", "/app3"), -EPERM);
	CHECK_EQ("symlink", sys_symlink("k", "/app/sl"), 0);
	CHECK_EQ("symlink exists", sys_symlink("k", "/app/sl"), -EEXIST);
	CHECK_EQ("symlink empty target", sys_symlink("", "/app/sl2"), -ENOENT);
	CHECK_EQ("readlink non-link", sys_readlink("/app/k", buf, 10), -EINVAL);
	CHECK_EQ("readlink short buffer", sys_readlink("/app/sl", buf, 1), 1);
	CHECK_EQ("O_CREAT through dangling link creates target",
		     (sys_symlink("made", "/app/dl"), (int)sys_open("/app/dl", O_WRONLY | O_CREAT, 0600) >= 0), 1);
	CHECK_EQ("target made", sys_stat("/app/made", &st), 0);
	CHECK_EQ("O_CREAT|O_EXCL on a link", sys_open("/app/dl", O_WRONLY | O_CREAT | O_EXCL, 0600), -EEXIST);

	CHECK("archive untouched", !memcmp(snapshot, initrd_base, initrd_size), "initrd bytes changed");
	free(snapshot);
	return check_done();
}
