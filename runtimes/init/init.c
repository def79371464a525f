/*
 * lwb-init: PID 1 of every Lambda Workbench execution environment.
 *
 * It serves the Lambda Runtime API on 127.0.0.1:9001, starts and supervises the runtime
 * ("bootstrap"), forwards its output, and talks to the host over one private channel
 * (PROTOCOL.md describes the frames).
 *
 * Why C: the init is copied into every runtime's root filesystem, including provided.al2023
 * which has no language runtime of its own, so it must be one small static binary with no
 * dependencies. It also sits inside the env's memory limit next to the user's code, so its
 * own footprint (a few hundred KiB) must be negligible and must not count against the
 * function; and it is on the path of every invoke, so it must add microseconds, not
 * milliseconds. A single-threaded epoll loop in C gives all three.
 *
 * Build: gcc -static -O2 -Wall -Wextra -o init <every .c file of runtimes/init>  (README.md)
 * Usage: init [--channel <unix socket path>]   (without it: frames on fd 0 / fd 1)
 *
 * This file: main, the event loop, signals, host frames and the invocation state
 * (queued events, the request being processed). See init.h for the other files.
 */
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

int g_epfd = -1;
static int sig_fd = -1;
static int chan_up;  /* the channel is connected: fatal() can report over it */

/* ---- epoll helpers ---- */

uint64_t ev_tag(enum ev_kind kind, unsigned idx, unsigned gen)
{
    return (uint64_t)kind | (uint64_t)(idx & 0xffffff) << 8 | (uint64_t)gen << 32;
}

void ep_add(int fd, uint32_t events, uint64_t tag)
{
    struct epoll_event ev = {.events = events, .data.u64 = tag};
    if (epoll_ctl(g_epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
        fatal("epoll_ctl(ADD, %d): %s", fd, strerror(errno));
}

void ep_mod(int fd, uint32_t events, uint64_t tag)
{
    struct epoll_event ev = {.events = events, .data.u64 = tag};
    if (epoll_ctl(g_epfd, EPOLL_CTL_MOD, fd, &ev) < 0)
        fatal("epoll_ctl(MOD, %d): %s", fd, strerror(errno));
}

void ep_del(int fd)
{
    epoll_ctl(g_epfd, EPOLL_CTL_DEL, fd, NULL);
}

void producers_set_paused(int paused)
{
    rt_set_logs_paused(paused);
    http_set_paused(paused);
}

/* ---- exits ---- */

void init_exit(int code)
{
    rt_kill_now();
    chan_flush_blocking(2000);
    exit(code);
}

void fatal(const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if ((size_t)n >= sizeof msg)
        n = sizeof msg - 1;
    warnx_("fatal: %s", msg);
    if (chan_up) {
        struct iovec iov = {msg, (size_t)n + 1};
        chan_send(F_FATAL, &iov, 1);
    }
    init_exit(1);
}

/* ---- invocation state ---- */

/* An INVOKE waiting for the runtime's /next. */
struct event {
    struct event *next;
    char *block;                /* heap block holding the frame payload */
    size_t block_cap;
    const char *id, *hdrs, *body;
    size_t id_len, hlen, blen;
};

static struct event *q_head, *q_tail;
static struct event *spare;     /* a released small event, reused to avoid malloc */

static struct {
    int active;                 /* delivered and not answered yet */
    char id[ID_MAX + 1];
    uint64_t ts_next, ts_delivered;
} cur;

static int init_done_sent;      /* INIT_DONE went out since the last START */

static void event_release(struct event *e)
{
    if (!spare && e->block_cap <= 64 * 1024) {
        spare = e;
        return;
    }
    free(e->block);
    free(e);
}

/* Queues an event, keeping the channel's block when it gave us one (no 6 MB copy). */
static void event_enqueue(char *payload, size_t len, char **owner, size_t id_len, size_t hlen)
{
    struct event *e = spare;
    spare = NULL;
    if (!e)
        e = calloc(1, sizeof *e);
    if (!e)
        fatal("out of memory");
    if (*owner) {
        free(e->block);
        e->block = *owner;
        e->block_cap = len;
        *owner = NULL;
    } else {
        if (e->block_cap < len) {
            e->block = xrealloc(e->block, len);
            e->block_cap = len;
        }
        memcpy(e->block, payload, len);
    }
    e->id = e->block;
    e->id_len = id_len;
    e->hdrs = e->block + id_len + 1;
    e->hlen = hlen;
    e->body = e->hdrs + hlen + 1;
    e->blen = len - id_len - hlen - 2;
    e->next = NULL;
    if (q_tail)
        q_tail->next = e;
    else
        q_head = e;
    q_tail = e;
}

/* Answers a /next with an event; it becomes the request being processed. */
static int deliver(struct conn *c, uint64_t ts_next, const char *id, size_t id_len,
                   const char *hdrs, size_t hlen, const char *body, size_t blen, char **give)
{
    char id_copy[ID_MAX + 1];  /* id lives in the block that the connection may keep */
    memcpy(id_copy, id, id_len);
    id_copy[id_len] = 0;
    /* Read before the write: the write wakes the runtime, which may then run on this CPU
     * before the call returns. */
    uint64_t ts = now_ns();
    if (http_send_event(c, hdrs, hlen, body, blen, give) < 0)
        return -1;
    memcpy(cur.id, id_copy, id_len + 1);
    cur.active = 1;
    cur.ts_next = ts_next;
    cur.ts_delivered = ts;
    return 0;
}

/* INVOKE: requestId\0 headers\0 body. Straight to a waiting /next when there is one. */
static void on_invoke(char *payload, size_t len, char **owner)
{
    char *end = payload + len;
    char *z1 = memchr(payload, 0, len);
    char *z2 = z1 ? memchr(z1 + 1, 0, (size_t)(end - z1 - 1)) : NULL;
    if (!z2 || z1 == payload || z1 - payload > ID_MAX)
        fatal("bad INVOKE frame");
    size_t id_len = (size_t)(z1 - payload), hlen = (size_t)(z2 - z1 - 1);

    /* No runtime (it exited; its EXIT told the host that nothing was in flight): the host
     * starts a new one and sends this event again after INIT_DONE, so it must not wait here. */
    if (!rt_running())
        return;

    struct conn *w;
    uint64_t ts_next;
    while ((w = http_take_waiter(&ts_next)))
        if (deliver(w, ts_next, payload, id_len, z1 + 1, hlen, z2 + 1, (size_t)(end - z2 - 1),
                    owner) == 0)
            return;
    event_enqueue(payload, len, owner, id_len, hlen);
}

/* The request delivered to the runtime and not yet answered, or "" (for EXIT). */
const char *invocation_inflight(void)
{
    return cur.active ? cur.id : "";
}

/* The runtime is gone (EXIT was sent): nothing of its invocation state survives. */
void invocations_reset(void)
{
    cur.active = 0;
    while (q_head) {
        struct event *e = q_head;
        q_head = e->next;
        event_release(e);
    }
    q_tail = NULL;
    http_close_all();
}

/* MEMORY is owed for this request id ("" = nothing owed). Reading /proc takes tens of
 * microseconds, so it is done when the loop has nothing else to do (the host's next INVOKE
 * must not wait for it), and at the latest before the next frame that ends a phase. */
static char memory_owed[ID_MAX + 1];

int memory_pending(void)
{
    return memory_owed[0] != 0;
}

void memory_flush(void)
{
    if (!memory_owed[0])
        return;
    /* TMP first: the host takes MEMORY as the end of the invocation's reporting. */
    tmp_report(memory_owed);
    char kb[32];
    int n = snprintf(kb, sizeof kb, "%lu", rt_memory_kb());
    struct iovec iov[2] = {{memory_owed, strlen(memory_owed) + 1}, {kb, (size_t)n + 1}};
    chan_send(F_MEMORY, iov, 2);
    memory_owed[0] = 0;
}

/* ---- Runtime API handlers (called by http.c with complete requests) ---- */

void api_next(struct conn *c, uint64_t ts)
{
    if (!init_done_sent && rt_running()) {
        init_done_sent = 1;
        rt_drain_logs();
        unsigned char t[8];
        put_u64(t, ts);
        struct iovec iov = {t, 8};
        chan_send(F_INIT_DONE, &iov, 1);
    }
    if (q_head) {
        struct event *e = q_head;
        if (deliver(c, ts, e->id, e->id_len, e->hdrs, e->hlen, e->body, e->blen, &e->block) < 0)
            return;  /* that connection died; the event waits for the next /next */
        if (!e->block)
            e->block_cap = 0;  /* the connection keeps the block until it is written */
        q_head = e->next;
        if (!q_head)
            q_tail = NULL;
        event_release(e);
        return;
    }
    http_park(c, ts);
}

void api_result(struct conn *c, int is_error, const char *id, const char *errtype,
                const char *body, size_t blen, uint64_t total, int too_large, uint64_t ts,
                char **give)
{
    if (!cur.active || strcmp(id, cur.id) != 0) {
        http_reply(c, REPLY_BAD_ID);
        return;
    }
    cur.active = 0;
    memory_flush();
    rt_drain_logs();

    unsigned char t[24];
    put_u64(t, cur.ts_next);
    put_u64(t + 8, cur.ts_delivered);
    put_u64(t + 16, ts);
    struct iovec iov[4] = {{t, 24}, {cur.id, strlen(cur.id) + 1}};
    if (too_large) {
        char size[32];
        int n = snprintf(size, sizeof size, "%llu", (unsigned long long)total);
        iov[2] = (struct iovec){size, (size_t)n + 1};
        chan_send(F_TOO_LARGE, iov, 3);
        http_reply(c, REPLY_TOO_LARGE);
    } else if (is_error) {
        iov[2] = (struct iovec){(void *)errtype, strlen(errtype) + 1};
        iov[3] = (struct iovec){(void *)body, blen};
        chan_send_give(F_ERROR, iov, 4, give);
        http_reply(c, REPLY_ACCEPTED);
    } else {
        iov[2] = (struct iovec){(void *)body, blen};
        chan_send_give(F_RESPONSE, iov, 3, give);
        http_reply(c, REPLY_ACCEPTED);
    }
    strcpy(memory_owed, cur.id);  /* sent once the loop is idle: see memory_flush() */
}

void api_init_error(struct conn *c, const char *errtype, const char *body, size_t blen,
                    int too_large, uint64_t ts)
{
    memory_flush();
    rt_drain_logs();
    unsigned char t[8];
    put_u64(t, ts);
    struct iovec iov[3] = {
        {t, 8},
        {(void *)errtype, strlen(errtype) + 1},
        {(void *)body, too_large ? 0 : blen},
    };
    chan_send(F_INIT_ERROR, iov, 3);
    http_reply(c, too_large ? REPLY_TOO_LARGE : REPLY_ACCEPTED);
}

/* ---- host frames ---- */

void host_frame(unsigned type, char *payload, size_t len, char **owner)
{
    switch (type) {
    case F_START:
        rt_start(payload, len);
        init_done_sent = 0;
        break;
    case F_INVOKE:
        on_invoke(payload, len, owner);
        break;
    case F_KILL:
        rt_kill();
        break;
    case F_SHUTDOWN: {
        char *z = memchr(payload, 0, len);
        if (!z)
            fatal("bad SHUTDOWN frame");
        rt_shutdown((unsigned)strtoul(payload, NULL, 10));
        break;
    }
    default:
        fatal("unknown frame type 0x%02x from host", type);
    }
}

/* ---- signals ---- */

/* Whether a SIGTERM / SIGINT may shut the env down. As PID 1, only one sent from outside the
 * env's pid namespace (`docker stop`) counts: the kernel reports such a sender as pid 0 with
 * code SI_USER. The function's processes share our uid and may signal us, but their kill()
 * carries their own pid, and a sigqueue() that claims pid 0 must use a negative si_code. */
static int shutdown_signal(const struct signalfd_siginfo *si)
{
    if (si->ssi_signo != SIGTERM && si->ssi_signo != SIGINT)
        return 0;
    return getpid() != 1 || (si->ssi_code == SI_USER && si->ssi_pid == 0);
}

static void on_signals(void)
{
    struct signalfd_siginfo si[16];
    ssize_t n;
    while ((n = read(sig_fd, si, sizeof si)) > 0) {
        for (size_t i = 0; i < (size_t)n / sizeof si[0]; i++)
            if (shutdown_signal(&si[i]))
                rt_shutdown(0);  /* e.g. `docker stop`: end like SHUTDOWN 0 */
    }
    rt_on_sigchld();  /* a forged SIGCHLD only makes us look for exited children */
}

/* Signals arrive through a signalfd. A blocked signal is queued even for PID 1, which
 * otherwise ignores signals it has no handler for. SIGPIPE stays blocked: write errors are
 * handled where they happen. The child unblocks everything before exec. Every other signal
 * keeps its default action, which the kernel ignores for a namespace's PID 1 when it comes
 * from inside the namespace (SIGKILL and SIGSTOP included): the function cannot stop or kill
 * us, only the host can. */
static void setup_signals(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGPIPE);
    sigprocmask(SIG_BLOCK, &set, NULL);
    sigdelset(&set, SIGPIPE);
    sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (sig_fd < 0) {
        warnx_("signalfd: %s", strerror(errno));
        exit(1);
    }
    ep_add(sig_fd, EPOLLIN, ev_tag(EV_SIGNAL, 0, 0));
}

/* fds 0-2 must exist, or pipes could land there and be clobbered by the child's dup2(). */
static void ensure_std_fds(void)
{
    for (int fd = 0; fd < 3; fd++)
        if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
            exit(1);
#ifdef CLOSE_RANGE_CLOEXEC
    close_range(3, ~0u, CLOSE_RANGE_CLOEXEC);  /* inherited fds must not leak into the runtime */
#endif
}

static void dispatch(const struct epoll_event *ev)
{
    uint64_t tag = ev->data.u64;
    unsigned idx = (unsigned)(tag >> 8) & 0xffffff, gen = (unsigned)(tag >> 32);
    uint32_t e = ev->events;
    switch ((enum ev_kind)(tag & 0xff)) {
    case EV_CHAN_IN:
        if (e & EPOLLOUT)
            chan_on_writable();
        if (e & (EPOLLIN | EPOLLHUP | EPOLLERR))
            chan_on_readable();
        break;
    case EV_CHAN_OUT:
        if (e & (EPOLLERR | EPOLLHUP))
            init_exit(0);  /* the host closed its end */
        if (e & EPOLLOUT)
            chan_on_writable();
        break;
    case EV_LISTEN:
        http_on_accept();
        break;
    case EV_SIGNAL:
        on_signals();
        break;
    case EV_TIMER:
        rt_on_timer();
        break;
    case EV_PIPE:
        rt_on_pipe((int)idx);
        break;
    case EV_CONN:
        http_on_event(idx, gen, e);
        break;
    }
}

/* The channel token (LWB_CHANNEL_TOKEN) proves to the host that this connection is this env's
 * init. It is taken out of the environment at once: the bytes of the original environment block
 * are what /proc/1/environ shows, so they are overwritten, not just unlinked from environ[]. The
 * runtime never sees it either way: its environment is exactly what START sends. */
static char channel_token[129];

static void take_channel_token(void)
{
    static const char name[] = "LWB_CHANNEL_TOKEN=";
    for (char **e = environ; e && *e; e++) {
        if (strncmp(*e, name, sizeof name - 1) != 0)
            continue;
        char *v = *e + sizeof name - 1;
        size_t n = strlen(v);
        if (n < sizeof channel_token)  /* a longer one cannot be a token: send none */
            memcpy(channel_token, v, n + 1);
        memset(v, 0, n);
    }
    unsetenv("LWB_CHANNEL_TOKEN");
}

static void usage(void)
{
    fprintf(stderr, "usage: init [--channel <unix socket path>]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    /* First of all: not dumpable. The function's code runs as our uid; without this it could
     * ptrace us, open /proc/1/mem or read /proc/1/environ (the channel token) and make us send
     * forged frames. Only processes with CAP_SYS_PTRACE (none in the env) get past it. */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
        return 1;
    take_channel_token();

    const char *channel = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--channel") == 0 && i + 1 < argc)
            channel = argv[++i];
        else if (strncmp(argv[i], "--channel=", 10) == 0)
            channel = argv[i] + 10;
        else
            usage();
    }

    ensure_std_fds();
    tmp_setup();
    /* Payload-sized buffers (up to 6 MB) get their own mappings, so freeing them really gives
     * the memory back (glibc would otherwise raise the threshold and keep it in the heap). */
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    mallopt(M_TRIM_THRESHOLD, 256 * 1024);
    if (getpid() != 1)
        prctl(PR_SET_CHILD_SUBREAPER, 1);  /* tests on a host: orphans still come to us */
    g_epfd = epoll_create1(EPOLL_CLOEXEC);
    if (g_epfd < 0) {
        warnx_("epoll_create1: %s", strerror(errno));
        return 1;
    }
    setup_signals();

    if (chan_open(channel) < 0) {
        warnx_("cannot open the host channel");
        return 1;
    }
    chan_up = 1;
    struct iovec hello[2] = {{INIT_VERSION, sizeof INIT_VERSION},
                             {channel_token, strlen(channel_token) + 1}};
    chan_send(F_HELLO, hello, 2);

    const char *port_s = getenv("LWB_RUNTIME_API_PORT");
    int port = port_s && *port_s ? atoi(port_s) : 9001;
    if (port <= 0 || port > 65535)
        fatal("bad LWB_RUNTIME_API_PORT: %s", port_s);
    if (http_listen("127.0.0.1", port) < 0)
        fatal("cannot listen on 127.0.0.1:%d: %s", port, strerror(errno));
    rt_setup();

    struct epoll_event evs[64];
    int busy_rounds = 0;
    for (;;) {
        /* Owed MEMORY: look for work first (timeout 0) and measure when there is none, or
         * after a few rounds at the latest (a runtime that never stops logging). */
        int n = epoll_wait(g_epfd, evs, 64, memory_pending() ? 0 : -1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            fatal("epoll_wait: %s", strerror(errno));
        }
        busy_rounds = memory_pending() ? busy_rounds + 1 : 0;
        if (n == 0 || busy_rounds > 8)
            memory_flush();
        for (int i = 0; i < n; i++)
            dispatch(&evs[i]);
        http_run_deferred();
    }
}
