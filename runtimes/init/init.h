/*
 * Shared declarations of the Lambda Workbench init (see init.c for the overview).
 *
 *   init.c     main, event loop, host frame dispatch, invocation state
 *   channel.c  the host channel: connect, frame reader, buffered frame writer
 *   http.c     the Runtime API HTTP/1.1 server on 127.0.0.1:9001
 *   runtime.c  the runtime process: spawn, log pipes, kill/reap, OOM, memory
 *   outq.c     output queues for non-blocking fds (the channel, API connections)
 *   tmp.c      the listing of /tmp sent after each invocation (TMP)
 *   util.c     growable buffers, clocks, small helpers
 */
#ifndef LWB_INIT_H
#define LWB_INIT_H

#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#define INIT_VERSION "1"

/* Largest response/error body the Runtime API accepts (same as AWS). */
#define MAX_PAYLOAD 6291556u
/* Largest channel frame (length field), as PROTOCOL.md says. */
#define MAX_FRAME (16u * 1024 * 1024)
/* Longest request id we track; AWS ids are 36 characters. */
#define ID_MAX 255

/* Host -> init frame types. */
enum {
    F_START = 0x01,
    F_INVOKE = 0x02,
    F_KILL = 0x03,
    F_SHUTDOWN = 0x04,
};

/* Init -> host frame types. */
enum {
    F_HELLO = 0x81,
    F_LOG = 0x82,
    F_INIT_DONE = 0x83,
    F_INIT_ERROR = 0x84,
    F_RESPONSE = 0x85,
    F_ERROR = 0x86,
    F_TOO_LARGE = 0x87,
    F_MEMORY = 0x88,
    F_EXIT = 0x89,
    F_FATAL = 0x8A,
    F_TMP = 0x8B,
};

/* ---- util.c ---- */

/* A growable byte buffer; data lives in p[off, len). */
typedef struct {
    char *p;
    size_t off, len, cap;
} buf_t;

void *xrealloc(void *p, size_t n);
void buf_reserve(buf_t *b, size_t n);
void buf_append(buf_t *b, const void *data, size_t n);
void buf_free_if_large(buf_t *b, size_t keep);
static inline size_t buf_pending(const buf_t *b) { return b->len - b->off; }

/* ---- outq.c ---- */

/* Bytes waiting for a non-blocking fd to become writable. */
typedef struct outq {
    struct chunk *head, *tail;
    size_t bytes;
} outq_t;

/* Writes iov (what the fd does not take is queued; if the queue is not empty, everything is).
 * give: NULL, or a heap block holding iov[n-1]'s bytes; if the queue keeps a reference to it,
 * *give becomes NULL and the queue frees it. Returns -1 on a write error. iov is modified. */
int outq_write(outq_t *q, int fd, struct iovec *iov, int n, char **give);
/* Writes queued bytes until the fd is full; -1 on a write error. */
int outq_flush(outq_t *q, int fd);
void outq_clear(outq_t *q);

uint64_t now_ns(void);
void put_u64(unsigned char *p, uint64_t v);
size_t iov_total(const struct iovec *iov, int iovcnt);
/* Advances iov past n written bytes; returns the new count of non-empty entries. */
int iov_advance(struct iovec **iov, int iovcnt, size_t n);
int set_nonblock(int fd);
void warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- epoll registry (init.c) ---- */

/* What an epoll event refers to; stored in the low byte of epoll_data.u64. */
enum ev_kind {
    EV_CHAN_IN = 1,
    EV_CHAN_OUT,
    EV_LISTEN,
    EV_SIGNAL,
    EV_TIMER,
    EV_PIPE,   /* idx = stream (1 stdout, 2 stderr) */
    EV_CONN,   /* idx = slot, gen = slot generation */
};

extern int g_epfd;
uint64_t ev_tag(enum ev_kind kind, unsigned idx, unsigned gen);
void ep_add(int fd, uint32_t events, uint64_t tag);
void ep_mod(int fd, uint32_t events, uint64_t tag);
void ep_del(int fd);

/* Called when the channel's output backlog crosses the high/low watermark. */
void producers_set_paused(int paused);

/* Sends FATAL, kills the runtime and exits 1. */
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Flushes the channel (bounded), kills the runtime's group and exits. */
void init_exit(int code) __attribute__((noreturn));

/* ---- channel.c ---- */

int chan_open(const char *path);            /* NULL: fd 0 / fd 1 */
void chan_send(unsigned type, const struct iovec *iov, int iovcnt);
/* Same, and the last iov's bytes live in the heap block *give, which the channel may keep
 * (then *give becomes NULL) instead of copying them when the host is not reading fast enough. */
void chan_send_give(unsigned type, const struct iovec *iov, int iovcnt, char **give);
void chan_on_readable(void);
void chan_on_writable(void);
void chan_flush_blocking(int timeout_ms);

/* Frame handler (init.c). payload[len] is writable. *owner is the heap block holding the
 * payload (NULL when it lives in the channel's read buffer); set it to NULL to keep it. */
void host_frame(unsigned type, char *payload, size_t len, char **owner);

/* ---- http.c ---- */

struct conn;

int http_listen(const char *host, int port);
void http_on_accept(void);
int http_adopt(int fd);                     /* a connected socket (the fuzz harness feeds its own) */
void http_on_event(unsigned slot, unsigned gen, uint32_t events);
void http_run_deferred(void);
void http_set_paused(int paused);
void http_close_all(void);

/* Parks a /next request until an event arrives. */
void http_park(struct conn *c, uint64_t ts);
/* Oldest parked /next, removed from the queue (NULL if none); *ts = when it arrived. */
struct conn *http_take_waiter(uint64_t *ts);
/* Answers /next with 200, the host's header block, Content-Length and body.
 * Returns 0 when handed to the socket, -1 when the connection is gone. give: as for
 * chan_send_give (the heap block holding body, or NULL). */
int http_send_event(struct conn *c, const char *hdrs, size_t hlen, const char *body, size_t blen,
                    char **give);
/* Canned JSON answers for http_reply(). */
enum reply {
    REPLY_ACCEPTED,         /* 202 {"status":"OK"} */
    REPLY_BAD_ID,           /* 400 InvalidRequestID */
    REPLY_NOT_FOUND,        /* 404 */
    REPLY_TOO_LARGE,        /* 413 RequestEntityTooLarge */
    REPLY_BAD_REQUEST,      /* 400, malformed HTTP (connection closed) */
    REPLY_HEAD_TOO_LARGE,   /* 431 (connection closed) */
    REPLY_COUNT
};
/* Answers the current request with one of the canned replies. */
void http_reply(struct conn *c, int kind);

/* Runtime API handlers (init.c), called with a complete request. */
void api_next(struct conn *c, uint64_t ts);
void api_result(struct conn *c, int is_error, const char *id, const char *errtype,
                const char *body, size_t blen, uint64_t total, int too_large, uint64_t ts,
                char **give);
void api_init_error(struct conn *c, const char *errtype, const char *body, size_t blen,
                    int too_large, uint64_t ts);

/* ---- runtime.c ---- */

void rt_setup(void);                        /* timerfd; called once */
void rt_start(char *payload, size_t len);
int rt_running(void);
void rt_kill(void);                         /* KILL frame */
void rt_shutdown(unsigned grace_ms);        /* SHUTDOWN frame / SIGTERM */
void rt_on_sigchld(void);
void rt_on_timer(void);
void rt_on_pipe(int stream);
void rt_drain_logs(void);
void rt_set_logs_paused(int paused);
void rt_kill_now(void);                     /* SIGKILL the group, no reaping (exit paths) */
unsigned long rt_memory_kb(void);

/* MEMORY owed after a result (init.c): pending? send it now. */
int memory_pending(void);
void memory_flush(void);

/* ---- tmp.c ---- */

void tmp_setup(void);                       /* opens /tmp (LWB_TMP_DIR in tests); called once */
/* Lists /tmp and sends TMP for request `id` when the listing differs from the last one sent. */
void tmp_report(const char *id);

/* Called by runtime.c after EXIT was sent: forget the invocation state. */
void invocations_reset(void);
const char *invocation_inflight(void);

#endif
