// The few system calls the HTTP server needs, behind plain C functions.
//
// epoll_event is packed on x86_64, which Swift cannot import faithfully, so events are
// copied into an unpacked struct here. Every function returns -errno on failure.
#ifndef CSYSTEM_H
#define CSYSTEM_H

#include <stdint.h>

struct csys_event {
    uint32_t events;
    uint64_t data;
};

enum {
    CSYS_IN = 0x001,
    CSYS_OUT = 0x004,
    CSYS_ERR = 0x008,
    CSYS_HUP = 0x010,
    CSYS_RDHUP = 0x2000,
    CSYS_ET = (int)(1u << 31),
};

int csys_epoll_create(void);
int csys_epoll_add(int epfd, int fd, uint32_t events, uint64_t data);
int csys_epoll_mod(int epfd, int fd, uint32_t events, uint64_t data);
int csys_epoll_del(int epfd, int fd);
int csys_epoll_wait(int epfd, struct csys_event *events, int max, int timeout_ms);

int csys_eventfd(void);
int csys_eventfd_signal(int fd);
int csys_eventfd_drain(int fd);

enum {
    /// A listener of its own.
    CSYS_LISTEN_ALONE = 0,
    /// The first of a group: fails when anything else holds the address, then lets
    /// later CSYS_LISTEN_JOIN listeners of this process share it (SO_REUSEPORT).
    CSYS_LISTEN_FIRST = 1,
    /// Joins the group a CSYS_LISTEN_FIRST listener opened on the same address.
    CSYS_LISTEN_JOIN = 2,
};
/// A non-blocking listening TCP socket on host:port (port 0: ephemeral), SO_REUSEADDR,
/// shared between this process's event loops as `share` says. Returns -errno on failure.
int csys_listen_tcp(const char *host, int port, int backlog, int share);
/// The local port a socket is bound to.
int csys_local_port(int fd);
/// accept4 with SOCK_NONBLOCK | SOCK_CLOEXEC, then TCP_NODELAY. The peer address is
/// written to peer (at most peer_len bytes, NUL-terminated).
int csys_accept(int fd, char *peer, int peer_len);
int csys_close(int fd);
long csys_read(int fd, void *buffer, unsigned long count);
long csys_write(int fd, const void *buffer, unsigned long count);
/// write(2) for pipes and files (csys_write uses send(2), which only sockets accept).
long csys_write_fd(int fd, const void *buffer, unsigned long count);
/// Half-close the write side, so a client sees the end of the last response.
int csys_shutdown_write(int fd);
/// Ignore SIGPIPE once: writes to closed sockets return EPIPE instead of killing us.
void csys_ignore_sigpipe(void);
/// Keep freed heap memory in the process instead of returning it to the kernel after
/// every burst of requests: each return is an madvise that flushes the TLBs of every CPU.
void csys_tune_allocator_for_serving(void);

/// Starts `path` with `argv` and exactly `envp` (no shell, nothing inherited), in a new
/// process group (so a timeout can end everything it started), with default signal
/// dispositions, and with stdin/stdout/stderr on the given descriptors.
int csys_spawn(const char *path, char *const argv[], char *const envp[], int in_fd, int out_fd, int err_fd, int *pid_out);
/// A pipe whose ends close on exec: fds[0] reads, fds[1] writes.
int csys_pipe(int fds[2]);
/// Signals a whole process group.
int csys_kill_group(int pgid, int signal);
/// Waits for `pid`; returns its exit status (>= 0) or -(128 + signal) when a signal ended it.
int csys_wait(int pid);
/// Polls two descriptors for reading; returns a bit mask (1: first, 2: second, 4: hang-up) or -errno.
int csys_poll2(int fd1, int fd2, int timeout_ms);
int csys_set_nonblocking(int fd);

/// Raises the soft RLIMIT_NOFILE to the hard limit (as nginx's worker_rlimit_nofile does)
/// and returns the soft limit in force afterwards, or -errno.
long csys_raise_nofile_limit(void);
/// Opens /dev/null read-only, close-on-exec: a descriptor held in reserve so that when the
/// process is out of descriptors one can still be freed to accept a client and refuse it.
int csys_open_reserve(void);

#endif
