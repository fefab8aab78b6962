/* The socket layer: one file type for every socket, dispatching to the
 * family's sock_ops (unix.c, inet_sock.c, netlink.c). The syscall shell in
 * compat/sys/socket.c copies arguments in and out; everything below it works
 * on kernel buffers (struct kmsg). Linux constants and ABI structs live here,
 * their layouts asserted in socket.c.
 *
 * Locking: net_lock (a spinlock, interrupts off) covers all protocol state
 * of every family, the loopback queue and the timers; it is never held while
 * sleeping or touching user memory. ->poll reads state without it. */
#ifndef NET_SOCKET_H
#define NET_SOCKET_H
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "fs/file.h"

#define AF_UNSPEC  0
#define AF_UNIX    1
#define AF_INET    2
#define AF_INET6   10
#define AF_NETLINK 16
#define AF_PACKET  17
#define AF_MAX     46

#define SOCK_STREAM    1
#define SOCK_DGRAM     2
#define SOCK_RAW       3
#define SOCK_RDM       4
#define SOCK_SEQPACKET 5
#define SOCK_TYPE_MASK 0xf
#define SOCK_NONBLOCK  04000
#define SOCK_CLOEXEC   02000000

#define MSG_OOB          0x1
#define MSG_PEEK         0x2
#define MSG_DONTROUTE    0x4
#define MSG_CTRUNC       0x8
#define MSG_TRUNC        0x20
#define MSG_DONTWAIT     0x40
#define MSG_EOR          0x80
#define MSG_WAITALL      0x100
#define MSG_CONFIRM      0x800
#define MSG_ERRQUEUE     0x2000
#define MSG_NOSIGNAL     0x4000
#define MSG_MORE         0x8000
#define MSG_WAITFORONE   0x10000
#define MSG_CMSG_CLOEXEC 0x40000000

#define SHUT_RD   0
#define SHUT_WR   1
#define SHUT_RDWR 2
#define RCV_SHUTDOWN  1
#define SEND_SHUTDOWN 2

#define SOL_IP     0
#define SOL_SOCKET 1
#define SOL_TCP    6
#define SOL_UDP    17
#define SOL_IPV6   41
#define SOL_NETLINK 270

#define SO_DEBUG        1
#define SO_REUSEADDR    2
#define SO_TYPE         3
#define SO_ERROR        4
#define SO_DONTROUTE    5
#define SO_BROADCAST    6
#define SO_SNDBUF       7
#define SO_RCVBUF       8
#define SO_KEEPALIVE    9
#define SO_OOBINLINE    10
#define SO_NO_CHECK     11
#define SO_PRIORITY     12
#define SO_LINGER       13
#define SO_REUSEPORT    15
#define SO_PASSCRED     16
#define SO_PEERCRED     17
#define SO_RCVLOWAT     18
#define SO_SNDLOWAT     19
#define SO_RCVTIMEO_OLD 20
#define SO_SNDTIMEO_OLD 21
#define SO_BINDTODEVICE 25
#define SO_TIMESTAMP_OLD 29
#define SO_ACCEPTCONN   30
#define SO_PEERSEC      31
#define SO_SNDBUFFORCE  32
#define SO_RCVBUFFORCE  33
#define SO_PASSSEC      34
#define SO_MARK         36
#define SO_PROTOCOL     38
#define SO_DOMAIN       39
#define SO_RXQ_OVFL     40
#define SO_ZEROCOPY     60
#define SO_INCOMING_CPU 49
#define SO_RCVTIMEO_NEW 66
#define SO_SNDTIMEO_NEW 67

#define SCM_RIGHTS      1
#define SCM_CREDENTIALS 2

#define IP_TOS             1
#define IP_TTL             2
#define IP_HDRINCL         3
#define IP_OPTIONS         4
#define IP_RECVOPTS        6
#define IP_PKTINFO         8
#define IP_MTU_DISCOVER    10
#define IP_RECVERR         11
#define IP_RECVTTL         12
#define IP_RECVTOS         13
#define IP_MTU             14
#define IP_FREEBIND        15
#define IP_BIND_ADDRESS_NO_PORT 24
#define IP_MULTICAST_IF    32
#define IP_MULTICAST_TTL   33
#define IP_MULTICAST_LOOP  34
#define IP_ADD_MEMBERSHIP  35
#define IP_DROP_MEMBERSHIP 36
#define IP_MULTICAST_ALL   49
#define IP_UNBLOCK_SOURCE  37
#define IP_BLOCK_SOURCE    38
#define IP_ADD_SOURCE_MEMBERSHIP  39
#define IP_DROP_SOURCE_MEMBERSHIP 40

#define TCP_NODELAY      1
#define TCP_MAXSEG       2
#define TCP_CORK         3
#define TCP_KEEPIDLE     4
#define TCP_KEEPINTVL    5
#define TCP_KEEPCNT      6
#define TCP_SYNCNT       7
#define TCP_LINGER2      8
#define TCP_DEFER_ACCEPT 9
#define TCP_WINDOW_CLAMP 10
#define TCP_INFO         11
#define TCP_QUICKACK     12
#define TCP_CONGESTION   13
#define TCP_USER_TIMEOUT 18
#define TCP_FASTOPEN     23
#define TCP_FASTOPEN_CONNECT 30

/* --- ABI structs (x86-64 Linux) --- */
struct linux_sockaddr { uint16_t sa_family; char sa_data[14]; };
struct linux_sockaddr_in { uint16_t sin_family; uint16_t sin_port; uint32_t sin_addr; uint8_t sin_zero[8]; };
#define UNIX_PATH_MAX 108
struct linux_sockaddr_un { uint16_t sun_family; char sun_path[UNIX_PATH_MAX]; };
struct linux_sockaddr_nl { uint16_t nl_family; uint16_t nl_pad; uint32_t nl_pid; uint32_t nl_groups; };
#define SOCKADDR_MAX 128   /* sizeof(struct sockaddr_storage) */
struct linux_iovec { uint64_t iov_base, iov_len; };
struct linux_msghdr {
	uint64_t msg_name; uint32_t msg_namelen; uint32_t pad0;
	uint64_t msg_iov; uint64_t msg_iovlen;
	uint64_t msg_control; uint64_t msg_controllen;
	int32_t msg_flags; uint32_t pad1;
};
struct linux_mmsghdr { struct linux_msghdr msg_hdr; uint32_t msg_len; uint32_t pad; };
struct linux_cmsghdr { uint64_t cmsg_len; int32_t cmsg_level; int32_t cmsg_type; };
struct linux_linger { int32_t l_onoff; int32_t l_linger; };
struct linux_ucred { int32_t pid; uint32_t uid; uint32_t gid; };
struct linux_timeval { int64_t tv_sec; int64_t tv_usec; };
#define CMSG_ALIGN8(n) (((n) + 7) & ~(uint64_t)7)
#define SCM_MAX_FD 253

/* A message on its way through a family: a kernel data buffer, the peer
 * address (in: destination of a send; out: source of a receive), and the
 * ancillary data the socket layer understands. */
struct kmsg {
	void *buf;
	size_t len;
	void *addr;              /* SOCKADDR_MAX bytes, or NULL */
	uint32_t addrlen;        /* in: bytes given; out: bytes of the address (may exceed the buffer) */
	struct file **fds;       /* SCM_RIGHTS: in: files to pass (references stay the caller's);
				  * out: received references the caller installs or drops */
	int nfds;
	int maxfds;              /* out: room in fds[] */
	bool want_creds;         /* out: receiver asked SO_PASSCRED */
	bool got_creds;
	struct linux_ucred creds;
	int flags;               /* out: MSG_TRUNC, MSG_CTRUNC, MSG_EOR */
};

struct socket;

struct sock_ops {
	int (*bind)(struct socket *s, const void *addr, uint32_t len);
	int (*connect)(struct socket *s, const void *addr, uint32_t len);
	int (*listen)(struct socket *s, int backlog);
	/* Returns a new socket (not yet in a file) in *out. */
	int (*accept)(struct socket *s, struct socket **out, int flags);
	/* Fills addr (SOCKADDR_MAX bytes) and returns its length. */
	int (*getname)(struct socket *s, void *addr, bool peer);
	/* Returns bytes sent (streams may send part) or -E*. Blocks unless nonblock. */
	long (*sendmsg)(struct socket *s, struct kmsg *m, int flags);
	/* Returns bytes received or, for datagrams with MSG_TRUNC, the full size. */
	long (*recvmsg)(struct socket *s, struct kmsg *m, int flags);
	int (*shutdown)(struct socket *s, int how);
	/* Protocol-level options (not SOL_SOCKET) on a kernel copy of the value. */
	int (*setsockopt)(struct socket *s, int level, int name, const void *val, uint32_t len);
	/* Fills val (up to *len bytes, at most 256) and sets *len; -ENOPROTOOPT if unknown. */
	int (*getsockopt)(struct socket *s, int level, int name, void *val, uint32_t *len);
	/* SOL_SOCKET options the family acts on (buffer sizes, keepalive): called after the generic store. */
	void (*sockopt_changed)(struct socket *s, int name);
	uint32_t (*poll)(struct socket *s);
	long (*nread)(struct socket *s);
	long (*ioctl)(struct socket *s, unsigned long req, uint64_t arg);
	void (*release)(struct socket *s);
};

struct socket {
	const struct sock_ops *ops;
	struct file *file;          /* the file holding this socket (not referenced) */
	struct waitq wq;            /* readiness changes: the file's ->wq */
	int family, type, protocol;
	uint64_t ino;
	int error;                  /* SO_ERROR, cleared when read */
	int shut;                   /* RCV_SHUTDOWN | SEND_SHUTDOWN */
	bool reuseaddr, reuseport, keepalive, broadcast, passcred, oobinline, dontroute;
	bool listening;
	bool connecting;            /* a nonblocking connect returned EINPROGRESS */
	int rcvbuf, sndbuf;         /* as set (SO_RCVBUF/SO_SNDBUF report double, like Linux) */
	int rcvlowat, priority, mark;
	struct linux_linger linger;
	uint64_t rcvtimeo_ns, sndtimeo_ns;  /* 0 = none */
	void *proto;                /* the family's state */
};

/* A socket with its file (refcount 1). flags: SOCK_NONBLOCK. Returns 0 or -E*. */
int socket_create(int family, int type, int protocol, struct socket **out);
/* Makes the file for s: f->priv = s, f->wq = &s->wq. */
struct file *socket_file(struct socket *s, int flags);
/* The socket behind f, or NULL when f is not a socket. */
struct socket *socket_from_file(struct file *f);
/* Allocates a bare socket of the family (for accept). */
struct socket *socket_alloc(int family, int type, int protocol, const struct sock_ops *ops);
/* Frees a socket that never got a file (a failed socket(2), an unaccepted connection). */
void socket_destroy(struct socket *s);
/* Generic SOL_SOCKET options; ->setsockopt/->getsockopt get the rest. */
int socket_setsockopt(struct socket *s, int level, int name, const void *val, uint32_t len);
int socket_getsockopt(struct socket *s, int level, int name, void *val, uint32_t *len);
/* Sleeping helpers: waits until cond(arg) or the socket's timeout; -EAGAIN for
 * a zero-timeout (nonblocking) call, -EINTR, -EAGAIN on SO_*TIMEO expiry. */
int socket_wait(struct socket *s, bool (*cond)(void *arg), void *arg, bool nonblock, bool send);
/* Sends SIGPIPE to the calling thread unless flags has MSG_NOSIGNAL. */
void socket_sigpipe(int flags);
/* Number of sockets open now (tests, /proc/net/sockstat). */
extern uint32_t socket_count;

/* The per-family constructors: set s->ops and s->proto, or fail. */
int unix_create(struct socket *s);
int inet_create(struct socket *s);
int netlink_create(struct socket *s);
/* socketpair(2) for AF_UNIX: both sockets exist already. */
int unix_pair(struct socket *a, struct socket *b);

/* SIOCGIF* interface queries (netdevice(7)) on a raw user argument. */
long netdev_ioctl(unsigned long req, uint64_t arg);

/* The global network lock (see above). */
uint64_t net_lock(void);
void net_unlock(uint64_t flags);

#endif
