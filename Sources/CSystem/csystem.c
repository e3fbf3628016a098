#define _GNU_SOURCE
#include "csystem.h"

#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

int csys_epoll_create(void) {
    int fd = epoll_create1(EPOLL_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

static int ctl(int epfd, int op, int fd, uint32_t events, uint64_t data) {
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = events;
    ev.data.u64 = data;
    return epoll_ctl(epfd, op, fd, &ev) < 0 ? -errno : 0;
}

int csys_epoll_add(int epfd, int fd, uint32_t events, uint64_t data) { return ctl(epfd, EPOLL_CTL_ADD, fd, events, data); }
int csys_epoll_mod(int epfd, int fd, uint32_t events, uint64_t data) { return ctl(epfd, EPOLL_CTL_MOD, fd, events, data); }
int csys_epoll_del(int epfd, int fd) { return ctl(epfd, EPOLL_CTL_DEL, fd, 0, 0); }

int csys_epoll_wait(int epfd, struct csys_event *events, int max, int timeout_ms) {
    struct epoll_event raw[256];
    if (max > 256) max = 256;
    int n;
    do { n = epoll_wait(epfd, raw, max, timeout_ms); } while (n < 0 && errno == EINTR);
    if (n < 0) return -errno;
    for (int i = 0; i < n; i++) {
        events[i].events = raw[i].events;
        events[i].data = raw[i].data.u64;
    }
    return n;
}

int csys_eventfd(void) {
    int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

int csys_eventfd_signal(int fd) {
    uint64_t one = 1;
    return write(fd, &one, sizeof one) < 0 && errno != EAGAIN ? -errno : 0;
}

int csys_eventfd_drain(int fd) {
    uint64_t value;
    return read(fd, &value, sizeof value) < 0 && errno != EAGAIN ? -errno : 0;
}

int csys_listen_tcp(const char *host, int port, int backlog, int share) {
    struct addrinfo hints, *result = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    char service[16];
    snprintf(service, sizeof service, "%d", port);
    int rc = getaddrinfo(host && *host ? host : NULL, service, &hints, &result);
    if (rc != 0) return -EADDRNOTAVAIL;
    int fd = -1, err = 0;
    for (struct addrinfo *ai = result; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) { err = errno; continue; }
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        /* The first listener binds without SO_REUSEPORT, so the bind fails while any other
           socket (another process's, with or without the option) holds the address. Setting
           the option between bind and listen still lets this process's other listeners join
           it: the kernel checks the option of sockets already bound when a new one binds,
           and forms the load-balancing group at listen. */
        if (share == CSYS_LISTEN_JOIN) setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0
            && (share != CSYS_LISTEN_FIRST || setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) == 0)
            && listen(fd, backlog) == 0) break;
        err = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(result);
    return fd < 0 ? -(err ? err : EADDRNOTAVAIL) : fd;
}

int csys_local_port(int fd) {
    struct sockaddr_storage addr;
    socklen_t len = sizeof addr;
    if (getsockname(fd, (struct sockaddr *)&addr, &len) < 0) return -errno;
    if (addr.ss_family == AF_INET) return ntohs(((struct sockaddr_in *)&addr)->sin_port);
    if (addr.ss_family == AF_INET6) return ntohs(((struct sockaddr_in6 *)&addr)->sin6_port);
    return -EAFNOSUPPORT;
}

int csys_accept(int fd, char *peer, int peer_len) {
    struct sockaddr_storage addr;
    socklen_t len = sizeof addr;
    int client = accept4(fd, (struct sockaddr *)&addr, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (client < 0) return -errno;
    int one = 1;
    setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (peer && peer_len > 0) {
        peer[0] = 0;
        if (addr.ss_family == AF_INET) inet_ntop(AF_INET, &((struct sockaddr_in *)&addr)->sin_addr, peer, peer_len);
        else if (addr.ss_family == AF_INET6) inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&addr)->sin6_addr, peer, peer_len);
    }
    return client;
}

int csys_close(int fd) { return close(fd) < 0 ? -errno : 0; }

long csys_read(int fd, void *buffer, unsigned long count) {
    long n;
    do { n = read(fd, buffer, count); } while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : n;
}

long csys_write(int fd, const void *buffer, unsigned long count) {
    long n;
    do { n = send(fd, buffer, count, MSG_NOSIGNAL); } while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : n;
}

long csys_write_fd(int fd, const void *buffer, unsigned long count) {
    long n;
    do { n = write(fd, buffer, count); } while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : n;
}

int csys_shutdown_write(int fd) { return shutdown(fd, SHUT_WR) < 0 ? -errno : 0; }

void csys_ignore_sigpipe(void) { signal(SIGPIPE, SIG_IGN); }

void csys_tune_allocator_for_serving(void) {
    mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
    mallopt(M_MMAP_THRESHOLD, 8 * 1024 * 1024);
}

int csys_spawn(const char *path, char *const argv[], char *const envp[], int in_fd, int out_fd, int err_fd, int *pid_out) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_adddup2(&actions, in_fd, 0);
    posix_spawn_file_actions_adddup2(&actions, out_fd, 1);
    posix_spawn_file_actions_adddup2(&actions, err_fd, 2);
    /* A script gets stdin, stdout and stderr, nothing else: not the listening sockets, the
       state file, clients' connections, or serve's own stderr (which would keep a log
       reader waiting on a script that outlived serve). */
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    sigset_t defaults, empty;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigaddset(&defaults, SIGTERM);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGHUP);
    sigemptyset(&empty);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setsigmask(&attr, &empty);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, path, &actions, &attr, argv, envp);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) return -rc;
    *pid_out = pid;
    return 0;
}

int csys_pipe(int fds[2]) { return pipe2(fds, O_CLOEXEC) < 0 ? -errno : 0; }

int csys_kill_group(int pgid, int signal) { return kill(-pgid, signal) < 0 ? -errno : 0; }

int csys_wait(int pid) {
    int status = 0;
    pid_t r;
    do { r = waitpid(pid, &status, 0); } while (r < 0 && errno == EINTR);
    if (r < 0) return -errno;
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return -(128 + WTERMSIG(status));
    return -1;
}

int csys_poll2(int fd1, int fd2, int timeout_ms) {
    struct pollfd fds[2] = {{fd1, POLLIN, 0}, {fd2, POLLIN, 0}};
    int n = poll(fds, 2, timeout_ms);
    if (n < 0) return errno == EINTR ? 0 : -errno;
    int mask = 0;
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) mask |= 1;
    if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) mask |= 2;
    return mask;
}

int csys_set_nonblocking(int fd) {
    int flags = fcntl(fd, F_GETFL, 0);
    return fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0 ? -errno : 0;
}

long csys_raise_nofile_limit(void) {
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) < 0) return -errno;
    if (limit.rlim_cur < limit.rlim_max) {
        struct rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
    }
    return limit.rlim_cur == RLIM_INFINITY ? (long)1 << 30 : (long)limit.rlim_cur;
}

int csys_open_reserve(void) {
    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
}
