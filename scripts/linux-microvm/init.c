// PID 1 of the Linux microVM baseline (scripts/linux-microvm/build.mjs): the least a stock
// Debian cloud kernel needs to run the same Node app the unikernel runs. Mounts /proc, /sys,
// /dev and /tmp; loads the virtio modules with finit_module (the cloud kernel has virtio,
// virtio_mmio and virtio_net as modules and no modprobe here); configures lo and eth0 with a
// static address by ioctl (CONFIG_IP_PNP is off, so `ip=` does nothing); then runs the app as
// described by /etc/linux-microvm.conf and reboots (QEMU's -no-reboot ends the VM).
//
// Output on the console (COM1): `linux-microvm: ready uptime_ms=N tsc=N idle_ms=N clocksource=S` before the
// app starts (under -icount shift=0 the TSC counts virtual ns, one instruction each, plus the
// idle time skipped: instructions ≈ tsc - idle_ms × 1e6) and
// `linux-microvm: exit status=N` after it ends; the app's own output in between.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ARGS 64
#define MAX_ENV 64
#define MAX_MODS 16

static void say(const char *fmt, const char *a, long n) {
	char buf[256];
	int len = snprintf(buf, sizeof buf, fmt, a, n);
	if (len > 0) (void)!write(1, buf, (size_t)len);
}

static long uptime_ms(void) {
	struct timespec ts;
	clock_gettime(CLOCK_BOOTTIME, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

// The idle time from /proc/uptime's second field, in ms (10 ms resolution).
static long idle_ms(void) {
	char buf[128] = {0};
	int fd = open("/proc/uptime", O_RDONLY);
	if (fd < 0) return -1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	char *sp = n > 0 ? strchr(buf, ' ') : NULL;
	return sp ? (long)(strtod(sp + 1, NULL) * 1000.0) : -1;
}

// The clocksource Linux settled on (the vDSO only serves clock_gettime with tsc).
static void clocksource(char *out, size_t len) {
	snprintf(out, len, "?");
	int fd = open("/sys/devices/system/clocksource/clocksource0/current_clocksource", O_RDONLY);
	if (fd < 0) return;
	ssize_t n = read(fd, out, len - 1);
	close(fd);
	out[n > 0 ? n : 0] = 0;
	out[strcspn(out, "\n")] = 0;
}

static void do_mount(const char *src, const char *dst, const char *type, const char *opts) {
	mkdir(dst, 0755);
	if (mount(src, dst, type, 0, opts) != 0) say("linux-microvm: mount %s failed errno=%ld\n", dst, errno);
}

// Loads the modules in the order given, retrying the ones whose dependencies were not yet in
// (finit_module fails with ENOENT on an unknown symbol), until a pass makes no progress.
static void load_modules(char **mods, int n) {
	int done[MAX_MODS] = {0};
	for (int progress = 1; progress;) {
		progress = 0;
		for (int i = 0; i < n; i++) {
			if (done[i]) continue;
			int fd = open(mods[i], O_RDONLY | O_CLOEXEC);
			if (fd < 0) {
				say("linux-microvm: cannot open %s errno=%ld\n", mods[i], errno);
				done[i] = 1;
				continue;
			}
			long r = syscall(SYS_finit_module, fd, "", 0);
			int err = errno;
			close(fd);
			if (r == 0 || err == EEXIST) done[i] = progress = 1;
		}
	}
	for (int i = 0; i < n; i++)
		if (!done[i]) say("linux-microvm: module %s not loaded%.0ld\n", mods[i], 0);
}

static void set_addr(int s, const char *ifname, unsigned long req, const char *addr) {
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
	sin->sin_family = AF_INET;
	inet_pton(AF_INET, addr, &sin->sin_addr);
	if (ioctl(s, req, &ifr) != 0) say("linux-microvm: address ioctl on %s errno=%ld\n", ifname, errno);
}

static int link_up(int s, const char *ifname) {
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) != 0) return -errno;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) != 0) return -errno;
	return 0;
}

// QEMU user networking's fixed plan: guest 10.0.2.15/24, gateway 10.0.2.2.
static void net_config(const char *ip, const char *mask, const char *gw) {
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0) return;
	link_up(s, "lo");
	// virtio_net probes asynchronously after the module load: wait for eth0 for up to 5 s.
	int r = -ENODEV;
	for (int i = 0; i < 500 && (r = link_up(s, "eth0")) == -ENODEV; i++) usleep(10000);
	if (r != 0) {
		say("linux-microvm: eth0 not up (%s) errno=%ld\n", "", -r);
		close(s);
		return;
	}
	set_addr(s, "eth0", SIOCSIFADDR, ip);
	set_addr(s, "eth0", SIOCSIFNETMASK, mask);
	struct rtentry rt;
	memset(&rt, 0, sizeof rt);
	struct sockaddr_in *dst = (struct sockaddr_in *)&rt.rt_dst, *g = (struct sockaddr_in *)&rt.rt_gateway,
			   *m = (struct sockaddr_in *)&rt.rt_genmask;
	dst->sin_family = g->sin_family = m->sin_family = AF_INET;
	inet_pton(AF_INET, gw, &g->sin_addr);
	rt.rt_flags = RTF_UP | RTF_GATEWAY;
	rt.rt_dev = "eth0";
	if (ioctl(s, SIOCADDRT, &rt) != 0) say("linux-microvm: default route%s errno=%ld\n", "", errno);
	close(s);
}

int main(void) {
	static char conf[16384];
	char *argv[MAX_ARGS + 1] = {0}, *envp[MAX_ENV + 1] = {0}, *mods[MAX_MODS] = {0};
	int nargs = 0, nenv = 0, nmods = 0;
	int net = 1;
	const char *cwd = "/", *hostname = NULL, *ip = "10.0.2.15", *mask = "255.255.255.0", *gw = "10.0.2.2";

	do_mount("proc", "/proc", "proc", NULL);
	do_mount("sysfs", "/sys", "sysfs", NULL);
	do_mount("devtmpfs", "/dev", "devtmpfs", NULL);
	do_mount("tmpfs", "/tmp", "tmpfs", "mode=1777");

	// One `key=value` a line: arg= (in order), env=K=V, cwd=, hostname=, module=, net=none, ip=,
	// mask=, gw=.
	int fd = open("/etc/linux-microvm.conf", O_RDONLY);
	ssize_t len = fd >= 0 ? read(fd, conf, sizeof conf - 1) : -1;
	if (len <= 0) {
		say("linux-microvm: no /etc/linux-microvm.conf%s errno=%ld\n", "", errno);
		reboot(RB_AUTOBOOT);
	}
	for (char *line = strtok(conf, "\n"); line; line = strtok(NULL, "\n")) {
		char *v = strchr(line, '=');
		if (!v) continue;
		*v++ = 0;
		if (!strcmp(line, "arg") && nargs < MAX_ARGS) argv[nargs++] = v;
		else if (!strcmp(line, "env") && nenv < MAX_ENV) envp[nenv++] = v;
		else if (!strcmp(line, "module") && nmods < MAX_MODS) mods[nmods++] = v;
		else if (!strcmp(line, "net")) net = strcmp(v, "none") != 0;
		else if (!strcmp(line, "cwd")) cwd = v;
		else if (!strcmp(line, "hostname")) hostname = v;
		else if (!strcmp(line, "ip")) ip = v;
		else if (!strcmp(line, "mask")) mask = v;
		else if (!strcmp(line, "gw")) gw = v;
	}
	if (hostname) sethostname(hostname, strlen(hostname));
	if (net) {
		load_modules(mods, nmods);
		net_config(ip, mask, gw);
	}
	if (chdir(cwd) != 0) say("linux-microvm: chdir %s errno=%ld\n", cwd, errno);

	char ready[200], cs[32];
	clocksource(cs, sizeof cs);
	int rl = snprintf(ready, sizeof ready, "linux-microvm: ready uptime_ms=%ld tsc=%llu idle_ms=%ld clocksource=%s\n",
			  uptime_ms(), (unsigned long long)__builtin_ia32_rdtsc(), idle_ms(), cs);
	(void)!write(1, ready, (size_t)rl);
	pid_t pid = fork();
	if (pid == 0) {
		execve(argv[0], argv, envp);
		say("linux-microvm: execve %s errno=%ld\n", argv[0], errno);
		_exit(127);
	}
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
	if (WIFSIGNALED(status)) say("linux-microvm: exit signal=%s%ld\n", "", WTERMSIG(status));
	else say("linux-microvm: exit status=%s%ld\n", "", WEXITSTATUS(status));
	sync();
	reboot(RB_AUTOBOOT);
	return 0;
}
