/* stat, fstat, lstat, newfstatat, statx: struct kstat from kernel/fs laid
 * out as Linux x86-64 does (asm/stat.h, linux/stat.h for statx). */
#include "compat/sys/fs_args.h"
#include "fs/namei.h"
#include "lib/string.h"

struct stat_k {
	uint64_t st_dev, st_ino, st_nlink;
	uint32_t st_mode, st_uid, st_gid, pad0;
	uint64_t st_rdev;
	int64_t st_size, st_blksize, st_blocks;
	int64_t st_atime, st_atime_nsec, st_mtime, st_mtime_nsec, st_ctime, st_ctime_nsec;
	int64_t unused[3];
};
_Static_assert(sizeof(struct stat_k) == 144, "struct stat");
_Static_assert(__builtin_offsetof(struct stat_k, st_nlink) == 16, "st_nlink");
_Static_assert(__builtin_offsetof(struct stat_k, st_mode) == 24, "st_mode");
_Static_assert(__builtin_offsetof(struct stat_k, st_rdev) == 40, "st_rdev");
_Static_assert(__builtin_offsetof(struct stat_k, st_size) == 48, "st_size");
_Static_assert(__builtin_offsetof(struct stat_k, st_blocks) == 64, "st_blocks");
_Static_assert(__builtin_offsetof(struct stat_k, st_atime) == 72, "st_atim");
_Static_assert(__builtin_offsetof(struct stat_k, st_mtime) == 88, "st_mtim");
_Static_assert(__builtin_offsetof(struct stat_k, st_ctime) == 104, "st_ctim");

struct statx_ts { int64_t tv_sec; uint32_t tv_nsec; int32_t reserved; };
struct statx_k {
	uint32_t stx_mask, stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink, stx_uid, stx_gid;
	uint16_t stx_mode, spare0;
	uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
	struct statx_ts stx_atime, stx_btime, stx_ctime, stx_mtime;
	uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
	uint64_t stx_mnt_id;
	uint32_t stx_dio_mem_align, stx_dio_offset_align;
	uint64_t spare3[12];
};
_Static_assert(sizeof(struct statx_k) == 256, "struct statx");
_Static_assert(__builtin_offsetof(struct statx_k, stx_nlink) == 16, "stx_nlink");
_Static_assert(__builtin_offsetof(struct statx_k, stx_mode) == 28, "stx_mode");
_Static_assert(__builtin_offsetof(struct statx_k, stx_ino) == 32, "stx_ino");
_Static_assert(__builtin_offsetof(struct statx_k, stx_atime) == 64, "stx_atime");
_Static_assert(__builtin_offsetof(struct statx_k, stx_btime) == 80, "stx_btime");
_Static_assert(__builtin_offsetof(struct statx_k, stx_ctime) == 96, "stx_ctime");
_Static_assert(__builtin_offsetof(struct statx_k, stx_mtime) == 112, "stx_mtime");
_Static_assert(__builtin_offsetof(struct statx_k, stx_rdev_major) == 128, "stx_rdev_major");
_Static_assert(__builtin_offsetof(struct statx_k, stx_mnt_id) == 144, "stx_mnt_id");

#define STATX_BASIC_STATS 0x7ffU
#define STATX_BTIME 0x800U
#define STATX_RESERVED 0x80000000U

static long put_stat(const struct kstat *k, struct stat_k *ust)
{
	struct stat_k s;
	memset(&s, 0, sizeof(s));
	s.st_dev = k->dev;
	s.st_ino = k->ino;
	s.st_nlink = k->nlink;
	s.st_mode = k->mode;
	s.st_uid = k->uid;
	s.st_gid = k->gid;
	s.st_rdev = k->rdev;
	s.st_size = (int64_t)k->size;
	s.st_blksize = k->blksize;
	s.st_blocks = (int64_t)k->blocks;
	s.st_atime = k->atime.sec;
	s.st_atime_nsec = k->atime.nsec;
	s.st_mtime = k->mtime.sec;
	s.st_mtime_nsec = k->mtime.nsec;
	s.st_ctime = k->ctime.sec;
	s.st_ctime_nsec = k->ctime.nsec;
	return copy_to_user(ust, &s, sizeof(s)) ? -EFAULT : 0;
}

static long stat_path(int dirfd, const char *upath, struct stat_k *ust, int flags)
{
	char *path;
	long err = path_from_user(upath, &path);
	if (err)
		return err;
	struct kstat k;
	err = vfs_statat(dirfd, path, flags, &k);
	kfree(path);
	return err ? err : put_stat(&k, ust);
}

long sys_stat(const char *path, struct stat_k *st) { return stat_path(AT_FDCWD, path, st, 0); }
long sys_lstat(const char *path, struct stat_k *st) { return stat_path(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW); }
long sys_newfstatat(int dirfd, const char *path, struct stat_k *st, int flags)
{
	return stat_path(dirfd, path, st, flags);
}

long sys_fstat(int fd, struct stat_k *st)
{
	struct file *f = fdtable_get(fd);
	if (!f)
		return -EBADF;
	struct kstat k;
	long err = vfs_fstat(f, &k);
	file_put(f);
	return err ? err : put_stat(&k, st);
}

static struct statx_ts sx_ts(struct ktimespec t) { return (struct statx_ts){ t.sec, (uint32_t)t.nsec, 0 }; }

long sys_statx(int dirfd, const char *upath, int flags, unsigned mask, struct statx_k *ubuf)
{
	if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE || (mask & STATX_RESERVED))
		return -EINVAL;
	struct kstat k;
	long err;
	if (!upath && (flags & AT_EMPTY_PATH)) {   /* Linux 6.11: NULL path with AT_EMPTY_PATH */
		struct file *f = dirfd == AT_FDCWD ? NULL : fdtable_get(dirfd);
		if (dirfd == AT_FDCWD)
			err = vfs_statat(AT_FDCWD, "", flags, &k);
		else if (!f)
			return -EBADF;
		else {
			err = vfs_fstat(f, &k);
			file_put(f);
		}
	} else {
		char *path;
		err = path_from_user(upath, &path);
		if (err)
			return err;
		err = vfs_statat(dirfd, path, flags, &k);
		kfree(path);
	}
	if (err)
		return err;
	struct statx_k s;
	memset(&s, 0, sizeof(s));
	s.stx_mask = STATX_BASIC_STATS | STATX_BTIME;
	s.stx_blksize = k.blksize;
	s.stx_nlink = k.nlink;
	s.stx_uid = k.uid;
	s.stx_gid = k.gid;
	s.stx_mode = (uint16_t)k.mode;
	s.stx_ino = k.ino;
	s.stx_size = k.size;
	s.stx_blocks = k.blocks;
	s.stx_atime = sx_ts(k.atime);
	s.stx_btime = sx_ts(k.btime);
	s.stx_ctime = sx_ts(k.ctime);
	s.stx_mtime = sx_ts(k.mtime);
	s.stx_rdev_major = DEV_MAJOR(k.rdev);
	s.stx_rdev_minor = DEV_MINOR(k.rdev);
	s.stx_dev_major = DEV_MAJOR(k.dev);
	s.stx_dev_minor = DEV_MINOR(k.dev);
	return copy_to_user(ubuf, &s, sizeof(s)) ? -EFAULT : 0;
}
