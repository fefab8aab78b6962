/* The ELF loader and process start-up (compat/exec.h). Layout follows
 * Linux's binfmt_elf: PIE at ELF_ET_DYN_BASE plus a random offset, the
 * interpreter and mmaps top-down below the stack, brk after the program's
 * data, and the initial stack as in the x86-64 psABI (section 3.4.1). */
#include "compat/exec.h"
#include "compat/elf.h"
#include "compat/uaccess.h"
#include "compat/vdso/vvar.h"
#include "mm/vm.h"
#include "mm/pmm.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/layout.h"
#include "sched/thread.h"
#include "fs/file.h"
#include "core/random.h"
#include "core/log.h"
#include "lib/cmdline.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

#define ELF_ET_DYN_BASE 0x555555554000ULL
#define STACK_SIZE (8ULL << 20)
#define MAX_PHNUM 128

struct file *exec_open(const char *path, long *err);
extern const char *proc_exe_path;
extern char vdso_image_start[], vdso_image_end[];
extern struct vvar_data *vvar_page;
/* argv and envp as the app got them, NUL-separated (/proc/self/cmdline, environ). */
char *exec_cmdline, *exec_environ;
size_t exec_cmdline_len, exec_environ_len;

struct image {
	uint64_t bias, entry, phdr, phnum, end;
	char interp[256];
};

static bool aslr = true;

static uint64_t rand_pages(uint64_t max_bytes)
{
	if (!aslr)
		return 0;
	return (random_u64() % (max_bytes / PAGE_SIZE)) * PAGE_SIZE;
}

static uint64_t page_down(uint64_t v) { return v & ~(uint64_t)(PAGE_SIZE - 1); }
static uint64_t page_up(uint64_t v) { return (v + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1); }

static uint32_t seg_prot(uint32_t pf)
{
	return (pf & PF_R ? VMA_READ : 0) | (pf & PF_W ? VMA_WRITE : 0) | (pf & PF_X ? VMA_EXEC : 0);
}

static long read_exact(struct file *f, void *buf, size_t n, uint64_t off)
{
	long r = f->ops->pread(f, buf, n, off);
	if (r < 0)
		return r;
	return (size_t)r == n ? 0 : -ENOEXEC;
}

static int load_image(struct file *f, bool is_interp, struct image *img)
{
	struct elf64_ehdr eh;
	struct elf64_phdr *ph = 0;
	int err;
	if (read_exact(f, &eh, sizeof(eh), 0))
		return -ENOEXEC;
	if (memcmp(eh.e_ident, "\x7f" "ELF", 4) || eh.e_ident[4] != 2 || eh.e_ident[5] != 1 ||
	    eh.e_machine != EM_X86_64 || (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) ||
	    eh.e_phentsize != sizeof(struct elf64_phdr) || eh.e_phnum == 0 || eh.e_phnum > MAX_PHNUM)
		return -ENOEXEC;
	ph = kmalloc(eh.e_phnum * sizeof(*ph));
	if (!ph)
		return -ENOMEM;
	err = -ENOEXEC;
	if (read_exact(f, ph, eh.e_phnum * sizeof(*ph), eh.e_phoff))
		goto out;
	uint64_t lo = ~0ULL, hi = 0, align = PAGE_SIZE;
	img->interp[0] = 0;
	for (int i = 0; i < eh.e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD) {
			if ((ph[i].p_vaddr & (PAGE_SIZE - 1)) != (ph[i].p_offset & (PAGE_SIZE - 1)) ||
			    ph[i].p_filesz > ph[i].p_memsz || ph[i].p_vaddr + ph[i].p_memsz < ph[i].p_vaddr)
				goto out;
			if (page_down(ph[i].p_vaddr) < lo)
				lo = page_down(ph[i].p_vaddr);
			if (page_up(ph[i].p_vaddr + ph[i].p_memsz) > hi)
				hi = page_up(ph[i].p_vaddr + ph[i].p_memsz);
			if (ph[i].p_align > align && !(ph[i].p_align & (ph[i].p_align - 1)))
				align = ph[i].p_align;
		} else if (ph[i].p_type == PT_INTERP && !is_interp) {
			if (ph[i].p_filesz < 2 || ph[i].p_filesz > sizeof(img->interp) ||
			    read_exact(f, img->interp, ph[i].p_filesz, ph[i].p_offset))
				goto out;
			img->interp[ph[i].p_filesz - 1] = 0;
		}
	}
	if (hi <= lo || hi - lo > (1ULL << 40))
		goto out;
	uint64_t bias = 0;
	if (eh.e_type == ET_DYN) {
		/* Reserve the whole span first (as ld.so does for libraries), then
		 * map each segment over the reservation. */
		uint64_t want = is_interp ? 0 : ELF_ET_DYN_BASE + (rand_pages(1ULL << 32) & ~(align - 1));
		int64_t base = vm_map(want, hi - lo, 0, 0, 0, 0, false, false);
		if (base < 0) {
			err = (int)base;
			goto out;
		}
		if ((uint64_t)base & (align - 1)) {
			vm_unmap(base, hi - lo);
			base = vm_map(0, hi - lo + align, 0, 0, 0, 0, false, false);
			if (base < 0) {
				err = (int)base;
				goto out;
			}
			uint64_t aligned = ((uint64_t)base + align - 1) & ~(align - 1);
			if (aligned > (uint64_t)base)
				vm_unmap(base, aligned - base);
			if (aligned + (hi - lo) < (uint64_t)base + hi - lo + align)
				vm_unmap(aligned + (hi - lo), base + hi - lo + align - (aligned + hi - lo));
			base = aligned;
		}
		bias = base - lo;
	}
	img->end = 0;
	img->phdr = 0;
	for (int i = 0; i < eh.e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		uint64_t start = page_down(ph[i].p_vaddr + bias);
		uint64_t file_end = ph[i].p_vaddr + bias + ph[i].p_filesz;
		uint64_t mem_end = ph[i].p_vaddr + bias + ph[i].p_memsz;
		uint32_t prot = seg_prot(ph[i].p_flags);
		bool zero_tail = ph[i].p_memsz > ph[i].p_filesz && (file_end & (PAGE_SIZE - 1));
		if (ph[i].p_filesz) {
			int64_t r = vm_map(start, page_up(file_end) - start, prot | (zero_tail ? VMA_WRITE : 0), 0, f,
					   page_down(ph[i].p_offset), true, false);
			if (r < 0) {
				err = (int)r;
				goto out;
			}
			if (zero_tail) {
				/* The last file page holds bytes past the segment: .bss starts there. */
				if (clear_user((void *)file_end, page_up(file_end) - file_end)) {
					err = -EFAULT;
					goto out;
				}
				if (!(prot & VMA_WRITE))
					vm_protect(start, page_up(file_end) - start, prot);
			}
			if (ph[i].p_offset == 0 && !img->phdr)
				img->phdr = ph[i].p_vaddr + bias + eh.e_phoff;
		}
		if (page_up(mem_end) > page_up(file_end)) {
			uint64_t a = page_up(file_end);
			int64_t r = vm_map(a, page_up(mem_end) - a, prot, 0, 0, 0, true, false);
			if (r < 0) {
				err = (int)r;
				goto out;
			}
		}
		if (mem_end > img->end)
			img->end = mem_end;
	}
	for (int i = 0; i < eh.e_phnum; i++)
		if (ph[i].p_type == PT_PHDR)
			img->phdr = ph[i].p_vaddr + bias;
	img->bias = bias;
	img->entry = eh.e_entry + bias;
	img->phnum = eh.e_phnum;
	err = 0;
out:
	kfree(ph);
	return err;
}

/* Maps the vvar page and the vDSO image; returns the vDSO's address. */
static uint64_t map_vdso(void)
{
	uint64_t size = page_up(vdso_image_end - vdso_image_start);
	int64_t base = vm_map(0, size + PAGE_SIZE, VMA_READ, VMA_VVAR, 0, 0, false, false);
	if (base < 0)
		return 0;
	/* Split the reservation: vvar (read-only data) then the code. */
	vm_unmap(base + PAGE_SIZE, size);
	if (vm_map(base + PAGE_SIZE, size, VMA_READ | VMA_EXEC, VMA_VDSO, 0, 0, true, false) < 0)
		return 0;
	uint64_t root = paging_kernel_root();
	paging_map(root, base, virt_to_phys(vvar_page), PTE_U | PTE_NX | PTE_FOREIGN);
	for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
		uint64_t pa = pmm_alloc_page();
		if (!pa)
			return 0;
		memset(phys_to_virt(pa), 0, PAGE_SIZE);
		uint64_t n = size - off < PAGE_SIZE ? size - off : PAGE_SIZE;
		if (off + n > (uint64_t)(vdso_image_end - vdso_image_start))
			n = (vdso_image_end - vdso_image_start) - off;
		memcpy(phys_to_virt(pa), vdso_image_start + off, n);
		/* FOREIGN: the kernel owns these pages; an munmap must not free them. */
		paging_map(root, base + PAGE_SIZE + off, pa, PTE_U | PTE_FOREIGN);
	}
	return base + PAGE_SIZE;
}

struct stack_builder { uint64_t sp; int err; };

static uint64_t push_bytes(struct stack_builder *b, const void *p, size_t n)
{
	b->sp -= n;
	if (copy_to_user((void *)b->sp, p, n))
		b->err = -EFAULT;
	return b->sp;
}

static int count(char *const v[])
{
	int n = 0;
	while (v && v[n])
		n++;
	return n;
}

int exec_start(const char *path, char *const argv[], char *const envp[])
{
	long ferr = 0;
	const char *a = cmdline_get(&kernel_cmdline, "unipack.aslr");
	aslr = !(a && !strcmp(a, "0"));
	struct file *f = exec_open(path, &ferr);
	if (!f)
		return (int)ferr;
	/* Address-space layout, top down: stack, gap, mmap area. */
	vm.stack_top = VM_USER_TOP - rand_pages(1ULL << 34);
	vm.mmap_base = vm.stack_top - STACK_SIZE - (128ULL << 20) - rand_pages(1ULL << 40);
	struct image exe, interp;
	int err = load_image(f, false, &exe);
	if (err)
		goto out;
	uint64_t entry = exe.entry, base = 0;
	if (exe.interp[0]) {
		struct file *fi = exec_open(exe.interp, &ferr);
		if (!fi) {
			krecord("exec error=interpreter path=%s errno=%ld", exe.interp, -ferr);
			err = (int)ferr;
			goto out;
		}
		err = load_image(fi, true, &interp);
		file_put(fi);
		if (err)
			goto out;
		entry = interp.entry;
		base = interp.bias;
	}
	vm.brk_start = vm.brk = page_up(exe.end) + rand_pages(32ULL << 20);

	int64_t stack_lo = vm_map(vm.stack_top - STACK_SIZE, STACK_SIZE, VMA_READ | VMA_WRITE, VMA_STACK, 0, 0, true,
				  false);
	if (stack_lo < 0) {
		err = (int)stack_lo;
		goto out;
	}
	uint64_t vdso = map_vdso();

	struct stack_builder b = { vm.stack_top - rand_pages(8192) / 16 * 16, 0 };
	int argc = count(argv), envc = count(envp);
	uint64_t *argp = kmalloc((argc + 1) * 8), *envpp = kmalloc((envc + 1) * 8);
	if (!argp || !envpp) {
		kfree(argp);
		kfree(envpp);
		err = -ENOMEM;
		goto out;
	}
	/* Keep NUL-separated copies for /proc/self/cmdline and /proc/self/environ. */
	size_t cl = 0, el = 0;
	for (int i = 0; i < argc; i++)
		cl += strlen(argv[i]) + 1;
	for (int i = 0; i < envc; i++)
		el += strlen(envp[i]) + 1;
	exec_cmdline = kmalloc(cl + 1);
	exec_environ = kmalloc(el + 1);
	if (exec_cmdline && exec_environ) {
		size_t o = 0;
		for (int i = 0; i < argc; i++, o++)
			o += strlcpy(exec_cmdline + o, argv[i], cl + 1 - o);
		exec_cmdline_len = cl;
		o = 0;
		for (int i = 0; i < envc; i++, o++)
			o += strlcpy(exec_environ + o, envp[i], el + 1 - o);
		exec_environ_len = el;
	}
	uint64_t execfn = push_bytes(&b, path, strlen(path) + 1);
	for (int i = envc - 1; i >= 0; i--)
		envpp[i] = push_bytes(&b, envp[i], strlen(envp[i]) + 1);
	for (int i = argc - 1; i >= 0; i--)
		argp[i] = push_bytes(&b, argv[i], strlen(argv[i]) + 1);
	envpp[envc] = argp[argc] = 0;
	uint64_t platform = push_bytes(&b, "x86_64", 7);
	uint8_t rnd[16];
	random_bytes(rnd, sizeof(rnd));
	uint64_t at_random = push_bytes(&b, rnd, sizeof(rnd));
	uint32_t ea, eb, ec, ed;
	cpuid(1, 0, &ea, &eb, &ec, &ed);
	uint64_t auxv[] = {
		AT_SYSINFO_EHDR, vdso, AT_MINSIGSTKSZ, fpu_state_size + 1200, AT_HWCAP, ed, AT_PAGESZ, PAGE_SIZE,
		AT_CLKTCK, 100, AT_PHDR, exe.phdr, AT_PHENT, sizeof(struct elf64_phdr), AT_PHNUM, exe.phnum,
		AT_BASE, base, AT_FLAGS, 0, AT_ENTRY, exe.entry, AT_UID, 0, AT_EUID, 0, AT_GID, 0, AT_EGID, 0,
		AT_SECURE, 0, AT_RANDOM, at_random, AT_HWCAP2, 0, AT_EXECFN, execfn, AT_PLATFORM, platform,
		AT_NULL, 0,
	};
	int auxn = sizeof(auxv) / 8;
	if (!vdso)
		auxv[0] = auxv[1] = AT_FLAGS;   /* no vDSO: glibc falls back to syscalls */
	/* argc + argv + NULL + envp + NULL + auxv must leave sp 16-byte aligned. */
	uint64_t words = 1 + (argc + 1) + (envc + 1) + auxn;
	b.sp = (b.sp - words * 8) & ~15ULL;
	b.sp += words * 8;
	push_bytes(&b, auxv, auxn * 8);
	push_bytes(&b, envpp, (envc + 1) * 8);
	push_bytes(&b, argp, (argc + 1) * 8);
	uint64_t argc64 = argc;
	push_bytes(&b, &argc64, 8);
	kfree(argp);
	kfree(envpp);
	if (b.err) {
		err = b.err;
		goto out;
	}
	/* The caller's string goes away after start-up: keep our own copy. */
	char *exe_copy = kmalloc(strlen(path) + 1);
	if (exe_copy) {
		memcpy(exe_copy, path, strlen(path) + 1);
		proc_exe_path = exe_copy;
	}
	struct trap_frame regs = { 0 };
	regs.rip = entry;
	regs.rsp = b.sp;
	regs.rflags = 0x202;
	struct thread *t = thread_create_user(&regs, 0, 0);
	if (!t) {
		err = -ENOMEM;
		goto out;
	}
	void sched_enqueue(struct thread *t);
	sched_enqueue(t);
	krecord("exec path=%s entry=%#lx interp=%s threads=1", path, entry, exe.interp[0] ? exe.interp : "none");
out:
	file_put(f);
	return err;
}
