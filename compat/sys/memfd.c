/* memfd_create(2): argument checks as Linux makes them; the file itself is
 * kernel/fs/memfd.c. */
#include "compat/sys/fs_args.h"
#include "fs/memfd.h"
#include "fs/tmpfs.h"
#include "fs/file.h"

#define MFD_CLOEXEC       0x0001U
#define MFD_ALLOW_SEALING 0x0002U
#define MFD_HUGETLB       0x0004U
#define MFD_NOEXEC_SEAL   0x0008U
#define MFD_EXEC          0x0010U
#define MFD_NAME_MAX      249     /* memfd_create(2): longer names are EINVAL */

long sys_memfd_create(const char *uname, unsigned flags)
{
	/* No hugetlbfs here: MFD_HUGETLB (and the page-size bits above it) is refused. */
	if (flags & ~(MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_NOEXEC_SEAL | MFD_EXEC))
		return -EINVAL;
	if ((flags & MFD_NOEXEC_SEAL) && (flags & MFD_EXEC))
		return -EINVAL;
	char name[MFD_NAME_MAX + 1];
	long n = uname ? strncpy_from_user(name, uname, sizeof(name)) : -EFAULT;
	if (n == -ENAMETOOLONG)
		return -EINVAL;
	if (n < 0)
		return n;
	bool noexec = flags & MFD_NOEXEC_SEAL;
	uint32_t seals = noexec ? F_SEAL_EXEC : (flags & MFD_ALLOW_SEALING) ? 0 : F_SEAL_SEAL;
	int err;
	struct file *f = memfd_create_file(name, seals, noexec, &err);
	if (!f)
		return err;
	int fd = fdtable_install(f, 0, flags & MFD_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}
