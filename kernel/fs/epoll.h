/* epoll instances (epoll(7)): an interest list of (fd, file) items, each
 * hooked on its file's wait queue so a readiness change puts it on the ready
 * list; level-triggered items stay there while they are ready, EPOLLET items
 * are reported once per change, EPOLLONESHOT items are disabled after one. */
#ifndef FS_EPOLL_H
#define FS_EPOLL_H
#include <stdint.h>
#include <stdbool.h>

struct file;

#define EPOLLIN 0x001
#define EPOLLPRI 0x002
#define EPOLLOUT 0x004
#define EPOLLERR 0x008
#define EPOLLHUP 0x010
#define EPOLLRDNORM 0x040
#define EPOLLRDBAND 0x080
#define EPOLLWRNORM 0x100
#define EPOLLWRBAND 0x200
#define EPOLLMSG 0x400
#define EPOLLRDHUP 0x2000
#define EPOLLEXCLUSIVE (1u << 28)
#define EPOLLWAKEUP (1u << 29)
#define EPOLLONESHOT (1u << 30)
#define EPOLLET (1u << 31)

#define EPOLL_CTL_ADD 1
#define EPOLL_CTL_DEL 2
#define EPOLL_CTL_MOD 3

struct epoll_event_k { uint32_t events; uint64_t data; } __attribute__((packed));
_Static_assert(sizeof(struct epoll_event_k) == 12, "struct epoll_event is packed on x86-64");

/* A new epoll file (flags: O_CLOEXEC is the caller's business). */
struct file *epoll_create_file(void);
bool file_is_epoll(struct file *f);
int epoll_ctl(struct file *ep, int op, int fd, struct file *target, const struct epoll_event_k *ev);
/* Fills up to max events; waits until deadline (0 = forever, 1 = don't wait).
 * Returns the count, -EINTR or 0 on timeout. */
int epoll_wait_events(struct file *ep, struct epoll_event_k *out, int max, uint64_t deadline);
/* The last reference to f is gone: drop it from every interest list. */
void epoll_file_released(struct file *f);

#endif
