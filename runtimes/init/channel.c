/*
 * The host channel: one stream (a Unix socket, or stdin/stdout) carrying length-prefixed
 * frames (see PROTOCOL.md).
 *
 * Reading: small frames are parsed straight out of a fixed 64 KiB buffer; a frame larger than
 * that (a big event) is read into a block of its own, which the INVOKE handler may keep, so a
 * 6 MB event is never copied.
 *
 * Writing: the fd is non-blocking. A frame is written with one writev() when nothing is
 * queued; whatever the kernel does not take is queued and flushed on EPOLLOUT. Blocking
 * writes could deadlock (the host may be busy reading our 6 MB response while the runtime
 * fills its log pipe); instead, a large backlog pauses the producers (log pipes and Runtime
 * API connections) until the host catches up.
 */
#include "init.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define RBUF_CAP (64 * 1024)
#define HIGH_WATER (1u << 20)      /* pause producers above this backlog */
#define LOW_WATER (256u * 1024)    /* ...and resume below this one */
#define CONNECT_WAIT_NS (2000000000ull)

static int in_fd = -1, out_fd = -1;
static int out_polled;             /* out_fd is in epoll (regular files cannot be) */
static int dead;                   /* the host went away: nothing more to write */

static char rbuf[RBUF_CAP];
static size_t rlen;

/* A frame too large for rbuf, being read into its own block. */
static char *big;
static size_t big_have, big_need;
static unsigned big_type;

static outq_t out;
static int paused;

static void chan_lost(const char *why) __attribute__((noreturn));
static void chan_lost(const char *why)
{
    (void)why;
    dead = 1;
    init_exit(0);
}

/* Connects to the host's socket, retrying while it is not there yet. */
static int connect_unix(const char *path)
{
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof sa.sun_path) {
        warnx_("channel path too long: %s", path);
        return -1;
    }
    strcpy(sa.sun_path, path);

    uint64_t deadline = now_ns() + CONNECT_WAIT_NS;
    for (;;) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
            return -1;
        if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0)
            return fd;
        int err = errno;
        close(fd);
        if ((err != ENOENT && err != ECONNREFUSED && err != EINTR) || now_ns() > deadline) {
            warnx_("cannot connect to %s: %s", path, strerror(err));
            return -1;
        }
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

/* The epoll interest of the channel: always readable, writable while output is queued. */
static void update_interest(void)
{
    uint32_t want_out = out.bytes ? EPOLLOUT : 0;
    if (in_fd == out_fd)
        ep_mod(in_fd, EPOLLIN | want_out, ev_tag(EV_CHAN_IN, 0, 0));
    else if (out_polled)
        ep_mod(out_fd, want_out, ev_tag(EV_CHAN_OUT, 0, 0));
}

int chan_open(const char *path)
{
    if (path) {
        in_fd = out_fd = connect_unix(path);
        if (in_fd < 0)
            return -1;
    } else {
        in_fd = 0;
        out_fd = 1;
    }
    if (set_nonblock(in_fd) < 0 || set_nonblock(out_fd) < 0)
        return -1;
    ep_add(in_fd, EPOLLIN, ev_tag(EV_CHAN_IN, 0, 0));
    out_polled = 1;
    if (out_fd != in_fd) {
        /* events 0: still told about EPOLLERR (host closed its end of the pipe). */
        struct epoll_event ev = {.events = 0, .data.u64 = ev_tag(EV_CHAN_OUT, 0, 0)};
        out_polled = epoll_ctl(g_epfd, EPOLL_CTL_ADD, out_fd, &ev) == 0;
    }
    return 0;
}

void chan_send_give(unsigned type, const struct iovec *iov, int iovcnt, char **give)
{
    if (dead || out_fd < 0)
        return;
    struct iovec v[8];
    unsigned char hdr[5];
    size_t len = 1 + iov_total(iov, iovcnt);
    if (len > MAX_FRAME || iovcnt > 7)
        fatal("internal: frame too large");
    hdr[0] = (unsigned char)(len >> 24);
    hdr[1] = (unsigned char)(len >> 16);
    hdr[2] = (unsigned char)(len >> 8);
    hdr[3] = (unsigned char)len;
    hdr[4] = (unsigned char)type;
    v[0] = (struct iovec){hdr, 5};
    memcpy(v + 1, iov, sizeof *iov * (size_t)iovcnt);

    int was_empty = out.bytes == 0;
    if (outq_write(&out, out_fd, v, iovcnt + 1, give) < 0)
        chan_lost("write");
    if (!out_polled) {  /* a regular file cannot be polled: finish synchronously */
        chan_flush_blocking(-1);
        return;
    }
    if (was_empty && out.bytes)
        update_interest();
    if (!paused && out.bytes > HIGH_WATER) {
        paused = 1;
        producers_set_paused(1);
    }
}

void chan_send(unsigned type, const struct iovec *iov, int iovcnt)
{
    chan_send_give(type, iov, iovcnt, NULL);
}

void chan_on_writable(void)
{
    if (outq_flush(&out, out_fd) < 0)
        chan_lost("write");
    if (!out.bytes)
        update_interest();
    if (paused && out.bytes < LOW_WATER) {
        paused = 0;
        producers_set_paused(0);
    }
}

/* Writes out the queue, waiting up to timeout_ms (-1: forever). Used before exiting. */
void chan_flush_blocking(int timeout_ms)
{
    uint64_t deadline = now_ns() + (uint64_t)(timeout_ms < 0 ? 0 : timeout_ms) * 1000000u;
    while (!dead && out.bytes) {
        if (outq_flush(&out, out_fd) < 0) {
            dead = 1;
            return;
        }
        if (!out.bytes)
            return;
        int wait_ms = -1;
        if (timeout_ms >= 0) {
            uint64_t now = now_ns();
            if (now >= deadline)
                return;
            wait_ms = (int)((deadline - now) / 1000000u) + 1;
        }
        struct pollfd p = {.fd = out_fd, .events = POLLOUT};
        poll(&p, 1, wait_ms);
    }
}

static uint32_t be32(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    return (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 | (uint32_t)u[2] << 8 | u[3];
}

static void dispatch_big(void)
{
    char *owner = big;
    size_t len = big_need;
    unsigned type = big_type;
    big = NULL;
    big_have = big_need = 0;
    host_frame(type, owner, len, &owner);
    free(owner);
}

/* Handles every complete frame in rbuf; a frame that cannot fit rbuf moves to `big`. */
static void parse_frames(void)
{
    size_t off = 0;
    while (rlen - off >= 5) {
        uint32_t flen = be32(rbuf + off);
        if (flen < 1 || flen > MAX_FRAME)
            fatal("bad frame length %u from host", flen);
        unsigned type = (unsigned char)rbuf[off + 4];
        size_t plen = flen - 1, avail = rlen - off - 5;
        if (avail >= plen) {
            char *owner = NULL;
            host_frame(type, rbuf + off + 5, plen, &owner);
            off += 5 + plen;
            continue;
        }
        if (5 + plen > RBUF_CAP) {
            big = xrealloc(NULL, plen);
            memcpy(big, rbuf + off + 5, avail);
            big_have = avail;
            big_need = plen;
            big_type = type;
            off = rlen;
        }
        break;
    }
    memmove(rbuf, rbuf + off, rlen - off);
    rlen -= off;
}

void chan_on_readable(void)
{
    for (;;) {
        char *dst = big ? big + big_have : rbuf + rlen;
        size_t room = big ? big_need - big_have : RBUF_CAP - rlen;
        ssize_t r = read(in_fd, dst, room);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN)
                return;
            chan_lost("read");
        }
        if (r == 0)
            chan_lost("eof");
        if (big) {
            big_have += (size_t)r;
            if (big_have == big_need)
                dispatch_big();
        } else {
            rlen += (size_t)r;
            parse_frames();
        }
        if ((size_t)r < room)
            return;  /* drained what was there; level-triggered epoll tells us about more */
    }
}
