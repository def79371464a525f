/*
 * The Runtime API HTTP/1.1 server (127.0.0.1:9001).
 *
 * Only what runtimes need: GET /next (long poll), POST /response, /error, /init/error.
 * Keep-alive, several connections at once (a runtime may hold /next on one while posting on
 * another), Content-Length and chunked request bodies, Expect: 100-continue, pipelining.
 *
 * Connections live in a fixed table of slots whose buffers are kept between requests, so the
 * warm path allocates nothing. Every response goes out with a single write()/writev(); what
 * the socket does not take is queued and flushed on EPOLLOUT. A misbehaving client only ever
 * costs its own connection.
 */
#include "init.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_CONNS 64
#define IN_CAP (64 * 1024)          /* read buffer, also the limit for a request head */
#define BODY_KEEP (256 * 1024)      /* body buffers larger than this are freed after use */
#define ERRTYPE_MAX 255
#define DIRECT_READ_MIN 4096        /* bodies at least this big are read straight into place */

#define API "/2018-06-01/runtime"

enum cstate { S_HEAD, S_BODY_CL, S_BODY_CHUNKED, S_WAITING };
enum route { R_NEXT, R_RESPONSE, R_ERROR, R_INIT_ERROR, R_NOT_FOUND };
enum chunk_state { CH_SIZE, CH_DATA, CH_DATA_END, CH_TRAILER };

struct conn {
    int fd;                     /* -1: free slot */
    unsigned gen;               /* bumped on close, so stale epoll events are ignored */
    unsigned slot;
    uint32_t events;            /* current epoll interest */

    char *in;                   /* IN_CAP bytes, kept for the slot's lifetime */
    size_t in_off, in_len;      /* unparsed input is in[in_off, in_len) */

    enum cstate st;
    /* the request being read */
    enum route route;
    int keep_alive;
    char id[ID_MAX + 1];
    char errtype[ERRTYPE_MAX + 1];
    uint64_t cl_left;
    enum chunk_state chunk_st;
    uint64_t chunk_left;
    int store;                  /* keep the body (the route uses it) */
    buf_t body;
    uint64_t body_total;        /* bytes received, stored or not */
    int too_large;

    outq_t out;                 /* response bytes the socket did not take yet */
    int close_after;            /* close once `out` is flushed; read no more requests */
    int deferred;               /* has buffered input to look at from the main loop */

    uint64_t ts_next;           /* when the parked /next arrived */
    struct conn *next_waiter;
};

static struct conn conns[MAX_CONNS];
static int listen_fd = -1;
static struct conn *waiters, *waiters_tail;
static int paused, any_deferred;

static struct {
    const char *status, *body;
    char *keep, *close;         /* full responses, keep-alive and Connection: close */
    size_t keep_len, close_len;
} canned[REPLY_COUNT] = {
    [REPLY_ACCEPTED] = {"202 Accepted", "{\"status\":\"OK\"}", 0, 0, 0, 0},
    [REPLY_BAD_ID] = {"400 Bad Request",
                      "{\"errorMessage\":\"Invalid request ID\",\"errorType\":\"InvalidRequestID\"}",
                      0, 0, 0, 0},
    [REPLY_NOT_FOUND] = {"404 Not Found",
                         "{\"errorMessage\":\"Not found\",\"errorType\":\"NotFound\"}", 0, 0, 0, 0},
    [REPLY_TOO_LARGE] = {"413 Request Entity Too Large",
                         "{\"errorMessage\":\"Exceeded maximum allowed payload size (6291556 "
                         "bytes).\",\"errorType\":\"RequestEntityTooLarge\"}",
                         0, 0, 0, 0},
    [REPLY_BAD_REQUEST] = {"400 Bad Request",
                           "{\"errorMessage\":\"Malformed HTTP request\",\"errorType\":\"BadRequest\"}",
                           0, 0, 0, 0},
    [REPLY_HEAD_TOO_LARGE] = {"431 Request Header Fields Too Large",
                              "{\"errorMessage\":\"Request head too large\",\"errorType\":\"BadRequest\"}",
                              0, 0, 0, 0},
};

static char *format_reply(int i, int close, size_t *len)
{
    char tmp[512];
    int n = snprintf(tmp, sizeof tmp,
                     "HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n%s\r\n%s",
                     canned[i].status, strlen(canned[i].body), close ? "Connection: close\r\n" : "",
                     canned[i].body);
    *len = (size_t)n;
    char *s = xrealloc(NULL, (size_t)n + 1);
    memcpy(s, tmp, (size_t)n + 1);
    return s;
}

int http_listen(const char *host, int port)
{
    for (int i = 0; i < REPLY_COUNT; i++) {
        canned[i].keep = format_reply(i, 0, &canned[i].keep_len);
        canned[i].close = format_reply(i, 1, &canned[i].close_len);
    }
    for (int i = 0; i < MAX_CONNS; i++) {
        conns[i].fd = -1;
        conns[i].slot = (unsigned)i;
    }

    listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (listen_fd < 0)
        return -1;
    int one = 1;
    setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1 ||
        bind(listen_fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(listen_fd, 128) < 0) {
        close(listen_fd);
        listen_fd = -1;
        return -1;
    }
    ep_add(listen_fd, EPOLLIN, ev_tag(EV_LISTEN, 0, 0));
    return 0;
}

/* ---- connection bookkeeping ---- */

static void waiters_remove(struct conn *c)
{
    struct conn **pp = &waiters, *prev = NULL;
    while (*pp && *pp != c) {
        prev = *pp;
        pp = &(*pp)->next_waiter;
    }
    if (!*pp)
        return;
    *pp = c->next_waiter;
    if (waiters_tail == c)
        waiters_tail = prev;
    c->next_waiter = NULL;
}

static void conn_close(struct conn *c)
{
    if (c->fd < 0)
        return;
    if (c->st == S_WAITING)
        waiters_remove(c);
    close(c->fd);  /* also drops it from epoll */
    c->fd = -1;
    c->gen++;
    c->deferred = 0;
    free(c->body.p);
    memset(&c->body, 0, sizeof c->body);
    outq_clear(&c->out);
}

/* Recomputes the epoll interest: read unless paused/closing/full, write while output waits. */
static void conn_update(struct conn *c)
{
    if (c->fd < 0)
        return;
    uint32_t ev = 0;
    if (!paused && !c->close_after && c->in_len < IN_CAP)
        ev |= EPOLLIN;
    if (c->out.bytes)
        ev |= EPOLLOUT;
    if (ev != c->events) {
        c->events = ev;
        ep_mod(c->fd, ev, ev_tag(EV_CONN, c->slot, c->gen));
    }
}

/* Writes iov (see outq_write); closes a finished Connection: close. -1: the connection died. */
static int conn_write(struct conn *c, struct iovec *iov, int n, char **give)
{
    if (outq_write(&c->out, c->fd, iov, n, give) < 0) {
        conn_close(c);
        return -1;
    }
    if (c->out.bytes)
        conn_update(c);
    else if (c->close_after)
        conn_close(c);
    return 0;
}

static void conn_flush(struct conn *c)
{
    if (outq_flush(&c->out, c->fd) < 0) {
        conn_close(c);
        return;
    }
    if (c->out.bytes)
        return;
    if (c->close_after)
        conn_close(c);
    else
        conn_update(c);
}

void http_reply(struct conn *c, int kind)
{
    if (c->fd < 0)
        return;
    if (!c->keep_alive)
        c->close_after = 1;
    struct iovec iov = {c->close_after ? canned[kind].close : canned[kind].keep,
                        c->close_after ? canned[kind].close_len : canned[kind].keep_len};
    conn_write(c, &iov, 1, NULL);
}

/* Answers and closes: after a malformed request the stream cannot be trusted. */
static void reply_and_close(struct conn *c, int kind)
{
    c->close_after = 1;
    http_reply(c, kind);
}

void http_park(struct conn *c, uint64_t ts)
{
    c->st = S_WAITING;
    c->ts_next = ts;
    c->next_waiter = NULL;
    if (waiters_tail)
        waiters_tail->next_waiter = c;
    else
        waiters = c;
    waiters_tail = c;
}

struct conn *http_take_waiter(uint64_t *ts)
{
    struct conn *c = waiters;
    if (!c)
        return NULL;
    waiters = c->next_waiter;
    if (!waiters)
        waiters_tail = NULL;
    c->next_waiter = NULL;
    c->st = S_HEAD;
    *ts = c->ts_next;
    /* Pipelined input that arrived while parked is looked at from the main loop. */
    if (c->in_len > c->in_off) {
        c->deferred = 1;
        any_deferred = 1;
    }
    return c;
}

int http_send_event(struct conn *c, const char *hdrs, size_t hlen, const char *body, size_t blen,
                    char **give)
{
    if (c->fd < 0)
        return -1;
    static char status[] = "HTTP/1.1 200 OK\r\n";
    char cl[64];
    if (!c->keep_alive)
        c->close_after = 1;
    int n = snprintf(cl, sizeof cl, "Content-Length: %zu\r\n%s\r\n", blen,
                     c->close_after ? "Connection: close\r\n" : "");
    struct iovec iov[4] = {
        {status, sizeof status - 1},
        {(void *)hdrs, hlen},
        {cl, (size_t)n},
        {(void *)body, blen},
    };
    return conn_write(c, iov, 4, give);
}

/* ---- request parsing ---- */

static int header_is(const char *name, size_t nlen, const char *want)
{
    return nlen == strlen(want) && strncasecmp(name, want, nlen) == 0;
}

static int value_has(const char *v, size_t vlen, const char *token)
{
    size_t t = strlen(token);
    for (size_t i = 0; i + t <= vlen; i++)
        if (strncasecmp(v + i, token, t) == 0)
            return 1;
    return 0;
}

/* Sets route and id from the method and path. */
static void route_request(struct conn *c, const char *m, size_t mlen, const char *path, size_t plen)
{
    static const char inv[] = API "/invocation/";
    static const char next[] = API "/invocation/next";
    static const char init_err[] = API "/init/error";
    int get = mlen == 3 && memcmp(m, "GET", 3) == 0;
    int post = mlen == 4 && memcmp(m, "POST", 4) == 0;

    c->route = R_NOT_FOUND;
    c->id[0] = 0;
    const char *q = memchr(path, '?', plen);
    if (q)
        plen = (size_t)(q - path);

    if (get && plen == sizeof next - 1 && memcmp(path, next, plen) == 0) {
        c->route = R_NEXT;
    } else if (post && plen == sizeof init_err - 1 && memcmp(path, init_err, plen) == 0) {
        c->route = R_INIT_ERROR;
    } else if (post && plen > sizeof inv - 1 && memcmp(path, inv, sizeof inv - 1) == 0) {
        /* {id}/response or {id}/error */
        const char *id = path + sizeof inv - 1, *end = path + plen;
        const char *slash = memchr(id, '/', (size_t)(end - id));
        if (!slash || slash == id)
            return;
        size_t idlen = (size_t)(slash - id), rest = (size_t)(end - slash);
        if (rest == 9 && memcmp(slash, "/response", 9) == 0)
            c->route = R_RESPONSE;
        else if (rest == 6 && memcmp(slash, "/error", 6) == 0)
            c->route = R_ERROR;
        else
            return;
        if (idlen <= ID_MAX) {  /* a longer id cannot match: left empty, it gets 400 */
            memcpy(c->id, id, idlen);
            c->id[idlen] = 0;
        }
    }
}

/* Finds the end of the request head; returns its length (0: incomplete). */
static size_t head_length(const char *p, size_t n)
{
    size_t pos = 0;
    for (;;) {
        const char *nl = memchr(p + pos, '\n', n - pos);
        if (!nl)
            return 0;
        size_t line = (size_t)(nl - (p + pos));
        if (line == 0 || (line == 1 && p[pos] == '\r'))
            return (size_t)(nl - p) + 1;
        pos = (size_t)(nl - p) + 1;
    }
}

static void finish_request(struct conn *c);

/* Parses a complete request head at in[in_off]; returns 0 if more input is needed. */
static int parse_head(struct conn *c)
{
    char *p = c->in + c->in_off;
    size_t n = c->in_len - c->in_off;
    while (n && (*p == '\r' || *p == '\n')) {  /* stray CRLF between requests (RFC 9112) */
        p++, n--, c->in_off++;
    }
    size_t hl = n ? head_length(p, n) : 0;
    if (!hl) {
        if (c->in_off == 0 && c->in_len == IN_CAP)
            reply_and_close(c, REPLY_HEAD_TOO_LARGE);
        return 0;
    }
    c->in_off += hl;

    /* request line: METHOD SP target SP HTTP/1.x */
    char *end = p + hl, *eol = memchr(p, '\n', hl);
    char *sp1 = memchr(p, ' ', (size_t)(eol - p));
    char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1)) : NULL;
    if (!sp2 || eol - sp2 < 9 || memcmp(sp2 + 1, "HTTP/1.", 7) != 0) {
        reply_and_close(c, REPLY_BAD_REQUEST);
        return 1;
    }
    c->keep_alive = sp2[8] == '1';
    route_request(c, p, (size_t)(sp1 - p), sp1 + 1, (size_t)(sp2 - sp1 - 1));

    uint64_t cl = 0;
    int has_cl = 0, chunked = 0, expect = 0;
    c->errtype[0] = 0;
    for (char *line = eol + 1; line < end;) {
        char *nl = memchr(line, '\n', (size_t)(end - line));
        char *le = nl > line && nl[-1] == '\r' ? nl - 1 : nl;
        char *colon = memchr(line, ':', (size_t)(le - line));
        if (colon) {
            size_t nlen = (size_t)(colon - line);
            char *v = colon + 1;
            while (v < le && (*v == ' ' || *v == '\t'))
                v++;
            char *ve = le;
            while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
                ve--;
            size_t vlen = (size_t)(ve - v);
            if (header_is(line, nlen, "content-length")) {
                uint64_t x = 0;
                if (!vlen) {
                    reply_and_close(c, REPLY_BAD_REQUEST);
                    return 1;
                }
                for (size_t i = 0; i < vlen; i++) {
                    if (v[i] < '0' || v[i] > '9' || x > (1ull << 50)) {
                        reply_and_close(c, REPLY_BAD_REQUEST);
                        return 1;
                    }
                    x = x * 10 + (uint64_t)(v[i] - '0');
                }
                if (has_cl && x != cl) {
                    reply_and_close(c, REPLY_BAD_REQUEST);
                    return 1;
                }
                cl = x;
                has_cl = 1;
            } else if (header_is(line, nlen, "transfer-encoding")) {
                if (!value_has(v, vlen, "chunked")) {
                    reply_and_close(c, REPLY_BAD_REQUEST);
                    return 1;
                }
                chunked = 1;
            } else if (header_is(line, nlen, "expect")) {
                expect = value_has(v, vlen, "100-continue");
            } else if (header_is(line, nlen, "connection")) {
                if (value_has(v, vlen, "close"))
                    c->keep_alive = 0;
                else if (value_has(v, vlen, "keep-alive"))
                    c->keep_alive = 1;
            } else if (header_is(line, nlen, "lambda-runtime-function-error-type")) {
                if (vlen > ERRTYPE_MAX)
                    vlen = ERRTYPE_MAX;
                memcpy(c->errtype, v, vlen);
                c->errtype[vlen] = 0;
            }
        }
        line = nl + 1;
    }

    c->store = c->route == R_RESPONSE || c->route == R_ERROR || c->route == R_INIT_ERROR;
    c->body.off = c->body.len = 0;
    c->body_total = 0;
    c->too_large = 0;
    if (chunked) {
        c->st = S_BODY_CHUNKED;
        c->chunk_st = CH_SIZE;
    } else if (cl > 0) {
        c->st = S_BODY_CL;
        c->cl_left = cl;
        if (cl > MAX_PAYLOAD)
            c->too_large = 1;  /* read and drop it, then answer 413 */
        else if (c->store)
            buf_reserve(&c->body, cl);
    } else {
        finish_request(c);
        return 1;
    }
    /* The client waits for this before sending the body (curl does for bodies > 1 KiB). */
    if (expect && (chunked || c->in_len - c->in_off < cl)) {
        static char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
        struct iovec iov = {cont, sizeof cont - 1};
        conn_write(c, &iov, 1, NULL);
    }
    return 1;
}

/* Takes body bytes: stored up to MAX_PAYLOAD, counted (and dropped) beyond. */
static void body_add(struct conn *c, const char *p, size_t n)
{
    c->body_total += n;
    if (!c->store || c->too_large)
        return;
    if (c->body_total > MAX_PAYLOAD) {
        c->too_large = 1;
        c->body.off = c->body.len = 0;
        return;
    }
    buf_append(&c->body, p, n);
}

static int body_cl(struct conn *c)
{
    size_t avail = c->in_len - c->in_off;
    if (!avail)
        return 0;
    size_t take = avail < c->cl_left ? avail : (size_t)c->cl_left;
    body_add(c, c->in + c->in_off, take);
    c->in_off += take;
    c->cl_left -= take;
    if (!c->cl_left)
        finish_request(c);
    return 1;
}

/* Next line of input (without CR/LF) or NULL; *consumed counts the line ending too. */
static const char *next_line(struct conn *c, size_t *len, size_t *consumed)
{
    const char *p = c->in + c->in_off;
    size_t n = c->in_len - c->in_off;
    const char *nl = memchr(p, '\n', n);
    if (!nl)
        return NULL;
    *consumed = (size_t)(nl - p) + 1;
    *len = (size_t)(nl - p);
    if (*len && p[*len - 1] == '\r')
        (*len)--;
    return p;
}

static int body_chunked(struct conn *c)
{
    const char *line;
    size_t len, used;
    switch (c->chunk_st) {
    case CH_SIZE: {
        if (!(line = next_line(c, &len, &used))) {
            if (c->in_len - c->in_off > 1024)
                reply_and_close(c, REPLY_BAD_REQUEST);
            return 0;
        }
        uint64_t size = 0;
        size_t i = 0;
        for (; i < len; i++) {
            char ch = line[i];
            int d = ch >= '0' && ch <= '9' ? ch - '0'
                  : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                  : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
            if (d < 0)
                break;
            if (size > (1ull << 40)) {
                reply_and_close(c, REPLY_BAD_REQUEST);
                return 1;
            }
            size = size * 16 + (uint64_t)d;
        }
        if (i == 0 || (i < len && line[i] != ';' && line[i] != ' ' && line[i] != '\t')) {
            reply_and_close(c, REPLY_BAD_REQUEST);
            return 1;
        }
        c->in_off += used;
        c->chunk_left = size;
        c->chunk_st = size ? CH_DATA : CH_TRAILER;
        return 1;
    }
    case CH_DATA: {
        size_t avail = c->in_len - c->in_off;
        if (!avail)
            return 0;
        size_t take = avail < c->chunk_left ? avail : (size_t)c->chunk_left;
        body_add(c, c->in + c->in_off, take);
        c->in_off += take;
        c->chunk_left -= take;
        if (!c->chunk_left)
            c->chunk_st = CH_DATA_END;
        return 1;
    }
    case CH_DATA_END:
        if (!(line = next_line(c, &len, &used)))
            return c->in_len - c->in_off > 2 ? (reply_and_close(c, REPLY_BAD_REQUEST), 1) : 0;
        if (len) {
            reply_and_close(c, REPLY_BAD_REQUEST);
            return 1;
        }
        c->in_off += used;
        c->chunk_st = CH_SIZE;
        return 1;
    case CH_TRAILER:
        if (!(line = next_line(c, &len, &used))) {
            if (c->in_len - c->in_off > 8192)
                reply_and_close(c, REPLY_BAD_REQUEST);
            return 0;
        }
        c->in_off += used;
        if (!len)
            finish_request(c);
        return 1;
    }
    return 0;
}

/* A whole request is in: hand it to its handler, then get ready for the next one. */
static void finish_request(struct conn *c)
{
    uint64_t ts = now_ns();
    c->st = S_HEAD;
    const char *body = c->body.p ? c->body.p + c->body.off : "";
    size_t blen = buf_pending(&c->body);
    /* A big body may be handed to the channel by reference instead of being copied. */
    char **give = c->body.cap > BODY_KEEP ? &c->body.p : NULL;
    switch (c->route) {
    case R_NEXT:
        api_next(c, ts);
        break;
    case R_RESPONSE:
    case R_ERROR:
        api_result(c, c->route == R_ERROR, c->id, c->errtype, body, blen, c->body_total,
                   c->too_large, ts, give);
        break;
    case R_INIT_ERROR:
        api_init_error(c, c->errtype, body, blen, c->too_large, ts);
        break;
    case R_NOT_FOUND:
        http_reply(c, REPLY_NOT_FOUND);
        break;
    }
    if (!c->body.p)
        c->body.cap = 0;  /* the channel took the block */
    c->body.off = c->body.len = 0;
    buf_free_if_large(&c->body, BODY_KEEP);
}

/* Handles every complete request buffered on c (stops at a parked /next). */
static void conn_process(struct conn *c)
{
    c->deferred = 0;
    while (c->fd >= 0 && !c->close_after) {
        int progress = 0;
        switch (c->st) {
        case S_HEAD:
            progress = parse_head(c);
            break;
        case S_BODY_CL:
            progress = body_cl(c);
            break;
        case S_BODY_CHUNKED:
            progress = body_chunked(c);
            break;
        case S_WAITING:
            break;
        }
        if (!progress)
            break;
    }
    if (c->fd < 0)
        return;
    if (c->in_off == c->in_len) {
        c->in_off = c->in_len = 0;
    } else if (c->in_off) {
        memmove(c->in, c->in + c->in_off, c->in_len - c->in_off);
        c->in_len -= c->in_off;
        c->in_off = 0;
    }
    conn_update(c);
}

/* A large Content-Length body with nothing else buffered goes straight into the body buffer. */
static int read_body_direct(struct conn *c)
{
    ssize_t r = read(c->fd, c->body.p + c->body.len, (size_t)c->cl_left);
    if (r > 0) {
        c->body.len += (size_t)r;
        c->body_total += (uint64_t)r;
        c->cl_left -= (uint64_t)r;
        if (!c->cl_left) {
            finish_request(c);
            if (c->fd >= 0)
                conn_process(c);
        }
    }
    return (int)r;
}

static void conn_readable(struct conn *c)
{
    for (int rounds = 0; rounds < 64 && c->fd >= 0 && (c->events & EPOLLIN); rounds++) {
        ssize_t r;
        if (c->st == S_BODY_CL && c->in_off == c->in_len && c->store && !c->too_large &&
            c->cl_left >= DIRECT_READ_MIN) {
            r = read_body_direct(c);
        } else {
            size_t room = IN_CAP - c->in_len;
            if (!room)
                return;
            r = read(c->fd, c->in + c->in_len, room);
            if (r > 0) {
                c->in_len += (size_t)r;
                if (c->st == S_WAITING && c->in_len == IN_CAP) {
                    conn_close(c);  /* a parked client flooding us: not a runtime */
                    return;
                }
                conn_process(c);
                if ((size_t)r < room)
                    return;
            }
        }
        if (r == 0) {
            /* Peer closed. A response still being written is finished first. */
            if (c->out.bytes && c->st != S_WAITING) {
                c->close_after = 1;
                conn_update(c);
            } else {
                conn_close(c);
            }
            return;
        }
        if (r < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN)
                conn_close(c);
            return;
        }
    }
}

void http_on_event(unsigned slot, unsigned gen, uint32_t events)
{
    if (slot >= MAX_CONNS)
        return;
    struct conn *c = &conns[slot];
    if (c->fd < 0 || c->gen != gen)
        return;  /* stale event for a connection closed earlier in this batch */
    if (events & EPOLLOUT)
        conn_flush(c);
    if (c->fd >= 0 && (events & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
        if (c->events & EPOLLIN)
            conn_readable(c);
        else if (events & (EPOLLHUP | EPOLLERR))
            conn_close(c);
    }
}

/* Takes a connected socket into a free slot (closed when all are taken). */
int http_adopt(int fd)
{
    struct conn *c = NULL;
    for (int i = 0; i < MAX_CONNS && !c; i++)
        if (conns[i].fd < 0)
            c = &conns[i];
    if (!c) {
        close(fd);
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (!c->in)
        c->in = xrealloc(NULL, IN_CAP);
    c->fd = fd;
    c->in_off = c->in_len = 0;
    c->st = S_HEAD;
    c->close_after = c->deferred = 0;
    c->keep_alive = 1;
    c->next_waiter = NULL;
    c->events = paused ? 0 : EPOLLIN;
    ep_add(fd, c->events, ev_tag(EV_CONN, c->slot, c->gen));
    return 0;
}

void http_on_accept(void)
{
    for (;;) {
        int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno != EAGAIN)
                warnx_("accept: %s", strerror(errno));
            return;
        }
        http_adopt(fd);
    }
}

void http_run_deferred(void)
{
    while (any_deferred) {
        any_deferred = 0;
        for (int i = 0; i < MAX_CONNS; i++)
            if (conns[i].fd >= 0 && conns[i].deferred)
                conn_process(&conns[i]);
    }
}

void http_set_paused(int p)
{
    paused = p;
    for (int i = 0; i < MAX_CONNS; i++)
        conn_update(&conns[i]);
}

/* The runtime is gone: its connections must not receive the next runtime's events. */
void http_close_all(void)
{
    for (int i = 0; i < MAX_CONNS; i++)
        conn_close(&conns[i]);
    waiters = waiters_tail = NULL;
}
