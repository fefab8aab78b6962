/* Process start-up from the image's boot configuration,
 * /.unipack/boot.json: {"argv": [...], "exe": "...", "env": {...},
 * "cwd": "...", "hostname": "..."}. Words after "--" on the kernel command
 * line replace argv (for debugging an image by hand). */
#include "compat/exec.h"
#include "fs/file.h"
#include "fs/namei.h"
#include "fs/vfs.h"
#include "core/log.h"
#include "lib/cmdline.h"
#include "lib/errno.h"
#include "lib/json.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "fs/fs.h"
#include "net/config.h"

#define BOOT_JSON "/.unipack/boot.json"
#define MAX_ARGS 4096
#define AT_FDCWD -100

extern char uts_hostname[65];

struct file *exec_open(const char *path, long *err)
{
	struct file *f = 0;
	int r = vfs_openat(AT_FDCWD, path, O_RDONLY, 0, &f);
	if (r < 0) {
		*err = r;
		return 0;
	}
	/* Only regular files can be programs or configuration (execve(2): EACCES). */
	if (!f->inode || !S_ISREG(f->inode->mode) || !f->ops->pread) {
		file_put(f);
		*err = -EACCES;
		return 0;
	}
	return f;
}

static char *read_whole(const char *path, size_t *len, long *err)
{
	struct file *f = exec_open(path, err);
	if (!f)
		return 0;
	size_t cap = 4096, n = 0;
	char *buf = kmalloc(cap);
	while (buf) {
		if (n == cap) {
			char *nb = kmalloc(cap * 2);
			if (nb)
				memcpy(nb, buf, n);
			kfree(buf);
			buf = nb;
			cap *= 2;
			if (!buf)
				break;
		}
		long r = f->ops->pread(f, buf + n, cap - n, n);
		if (r < 0) {
			*err = r;
			kfree(buf);
			buf = 0;
			break;
		}
		if (r == 0)
			break;
		n += r;
	}
	file_put(f);
	if (!buf && !*err)
		*err = -ENOMEM;
	*len = n;
	return buf;
}

static char **string_array(const struct json *a, int *count)
{
	if (!a || a->type != JSON_ARRAY || a->count > MAX_ARGS)
		return 0;
	char **v = kzalloc((a->count + 1) * sizeof(char *));
	if (!v)
		return 0;
	for (size_t i = 0; i < a->count; i++) {
		if (a->items[i]->type != JSON_STRING) {
			kfree(v);
			return 0;
		}
		v[i] = a->items[i]->str;
	}
	*count = (int)a->count;
	return v;
}

static char **env_array(const struct json *o)
{
	size_t n = o && o->type == JSON_OBJECT ? o->count : 0;
	char **v = kzalloc((n + 1) * sizeof(char *));
	if (!v)
		return 0;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (o->items[i]->type != JSON_STRING)
			continue;
		size_t len = strlen(o->keys[i]) + strlen(o->items[i]->str) + 2;
		char *s = kmalloc(len);
		if (!s)
			return v;
		strlcpy(s, o->keys[i], len);
		strlcpy(s + strlen(o->keys[i]), "=", 2);
		strlcpy(s + strlen(o->keys[i]) + 1, o->items[i]->str, len - strlen(o->keys[i]) - 1);
		v[k++] = s;
	}
	return v;
}

/* Returns 0 when the app is running, 1 (BOOT_NO_APP) when the image has
 * no boot configuration, a negative errno when the app could not start. */
int boot_start_app(void)
{
	size_t len;
	long err = 0;
	char *text = read_whole(BOOT_JSON, &len, &err);
	if (!text)
		return err == -ENOENT ? 1 : (int)err;
	const char *perr;
	size_t pos;
	struct json *cfg = json_parse(text, len, &perr, &pos);
	kfree(text);
	if (!cfg || cfg->type != JSON_OBJECT) {
		krecord("boot-config error=\"%s\" file=%s offset=%lu", cfg ? "not an object" : perr, BOOT_JSON, pos);
		return -EINVAL;
	}
	int argc = 0;
	char **argv = string_array(json_get(cfg, "argv"), &argc);
	/* "--" on the command line: the words after it replace argv. */
	int dd = -1;
	for (int i = 0; i < kernel_cmdline.count; i++)
		if (!strcmp(kernel_cmdline.key[i], "--") && !kernel_cmdline.val[i])
			dd = i;
	if (dd >= 0 && dd + 1 < kernel_cmdline.count) {
		kfree(argv);
		argc = kernel_cmdline.count - dd - 1;
		argv = kzalloc((argc + 1) * sizeof(char *));
		for (int i = 0; argv && i < argc; i++)
			argv[i] = (char *)kernel_cmdline.key[dd + 1 + i];   /* a=b words keep their '=' split: rejoin */
		for (int i = 0; argv && i < argc; i++)
			if (kernel_cmdline.val[dd + 1 + i])
				((char *)kernel_cmdline.val[dd + 1 + i])[-1] = '=';
	}
	if (!argv || argc == 0) {
		krecord("boot-config error=\"argv must be a non-empty array of strings\" file=%s", BOOT_JSON);
		return -EINVAL;
	}
	const char *exe = json_get_str(cfg, "exe");
	if (!exe)
		exe = argv[0];
	char **envp = env_array(json_get(cfg, "env"));
	const char *cwd = json_get_str(cfg, "cwd");
	const char *host = json_get_str(cfg, "hostname");
	if (host)
		strlcpy(uts_hostname, host, 65);
	/* "mounts": [{"path": "/data", "sizeMiB": 64}] — extra tmpfs mounts (size 0: no limit). */
	const struct json *mounts = json_get(cfg, "mounts");
	for (size_t i = 0; mounts && mounts->type == JSON_ARRAY && i < mounts->count; i++) {
		const struct json *m = mounts->items[i];
		const char *path = json_get_str(m, "path");
		const struct json *size = json_get(m, "sizeMiB");
		long long mib = size && size->type == JSON_NUMBER ? size->num : 0;
		if (!path || mib < 0) {
			krecord("boot-config error=\"mounts[%lu] needs a path and a size in MiB\" file=%s", i, BOOT_JSON);
			return -EINVAL;
		}
		int r = fs_mount_tmpfs(path, (uint64_t)mib << 20);
		if (r) {
			krecord("boot-config error=\"cannot mount a tmpfs\" path=%s errno=%d", path, -r);
			return r;
		}
	}
	/* "net": {"mode": "dhcp"|"static"|"none", "address": "10.0.2.15/24", "gateway": "10.0.2.2"};
	 * absent: DHCP when there is a NIC. A network that does not come up is
	 * reported and the app starts anyway, as on Linux. */
	struct net_boot_cfg net = { .mode = NET_AUTO };
	const struct json *nj = json_get(cfg, "net");
	if (nj) {
		const char *mode = json_get_str(nj, "mode"), *addr = json_get_str(nj, "address"),
			   *gw = json_get_str(nj, "gateway");
		if (mode && !strcmp(mode, "dhcp"))
			net.mode = NET_DHCP;
		else if (mode && !strcmp(mode, "none"))
			net.mode = NET_NONE;
		else if (mode && !strcmp(mode, "static")) {
			net.mode = NET_STATIC;
			net.prefix = 24;
			const char *slash = addr ? strchr(addr, '/') : 0;
			unsigned long long pl;
			if (!addr || net_parse_ipv4(addr, &net.addr) ||
			    (slash && (parse_u64(slash + 1, strlen(slash + 1), &pl) || pl > 32)) ||
			    (gw && net_parse_ipv4(gw, &net.gateway))) {
				krecord("boot-config error=\"net.address must be a.b.c.d/len (and net.gateway a.b.c.d)\" file=%s",
					BOOT_JSON);
				return -EINVAL;
			}
			if (slash)
				net.prefix = (int)pl;
		} else if (mode) {
			krecord("boot-config error=\"net.mode must be dhcp, static or none\" file=%s", BOOT_JSON);
			return -EINVAL;
		}
	}
	net_boot_configure(&net);
	if (cwd) {
		int r = vfs_chdir(AT_FDCWD, cwd);
		if (r) {
			krecord("boot-config error=\"cannot enter cwd\" cwd=%s errno=%d", cwd, -r);
			return r;
		}
	}
	int r = exec_start(exe, argv, envp);
	if (r)
		krecord("exec error=\"cannot start the program\" path=%s errno=%d", exe, -r);
	/* argv/envp were copied to the app's stack: the configuration can go. */
	for (int i = 0; envp && envp[i]; i++)
		kfree(envp[i]);
	kfree(envp);
	kfree(argv);
	json_free(cfg);
	return r;
}
