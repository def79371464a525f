/*
 * Seeded fuzz harness for the init's Runtime API server (http.c). The attacker is the
 * function's own code, which can send the init any bytes it likes on 127.0.0.1:9001.
 *
 * It links the real http.c, outq.c and util.c and replaces what init.c provides (epoll
 * registry, Runtime API handlers) with stubs that behave like the init: /next is answered at
 * once or parked until an "INVOKE" arrives, results are checked against the request being
 * processed, large bodies are sometimes taken by reference. Connections are Unix socketpairs
 * handed to http_adopt(); the harness plays epoll, telling http.c a socket is readable or
 * writable after every piece it writes, so requests arrive split at random byte boundaries.
 *
 * Each case: 1-3 connections, each with 1-4 pipelined requests built from templates (every
 * route, HTTP/1.0 and keep-alive, Expect: 100-continue, Content-Length bodies and its lies,
 * chunked bodies and their errors, huge heads, NULs), then usually mutated (flipped, inserted,
 * deleted, duplicated bytes). Unmutated cases must also come out right: every request reaches
 * its handler in order with the exact body.
 *
 * Build (the test does this):
 *   gcc -fsanitize=address,undefined -fno-sanitize-recover=all -g -O1 -I runtimes/init \
 *       -o http-fuzz runtimes/init/fuzz/http_fuzz.c runtimes/init/http.c runtimes/init/outq.c \
 *       runtimes/init/util.c
 * Run: http-fuzz <cases> <seed>   prints "init http fuzz: N cases (seed S): ok"
 */
#include "init.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

/* ---- deterministic randomness ---- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static size_t below(size_t n) { return n ? (size_t)(rnd() % n) : 0; }
static int chance(unsigned percent) { return below(100) < percent; }

static unsigned long long case_no, seed;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "init http fuzz: case %llu (seed %llu): ", case_no, seed);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(1);
}

/* ---- what init.c provides, played by the harness ---- */

int g_epfd = -1;

uint64_t ev_tag(enum ev_kind kind, unsigned idx, unsigned gen)
{
    return (uint64_t)kind | (uint64_t)(idx & 0xffffff) << 8 | (uint64_t)gen << 32;
}

/* The epoll interest http.c asked for, per fd. */
#define MAX_FD 4096
static struct {
    uint64_t tag;
    uint32_t events;
    int used;
} interest[MAX_FD];

void ep_add(int fd, uint32_t events, uint64_t tag)
{
    if (fd < 0 || fd >= MAX_FD)
        die("fd %d out of range", fd);
    interest[fd].tag = tag;
    interest[fd].events = events;
    interest[fd].used = 1;
}

void ep_mod(int fd, uint32_t events, uint64_t tag)
{
    if (fd < 0 || fd >= MAX_FD || !interest[fd].used)
        die("ep_mod of an unregistered fd %d", fd);
    interest[fd].tag = tag;
    interest[fd].events = events;
}

void ep_del(int fd)
{
    if (fd >= 0 && fd < MAX_FD)
        interest[fd].used = 0;
}

void producers_set_paused(int paused) { (void)paused; }

void fatal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "init http fuzz: fatal() called: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(1);
}

void init_exit(int code) { exit(code); }

/* What the handlers saw, compared with what a clean case sent. */
#define MAX_SEEN 64
struct call {
    int route;               /* 0 next, 1 response, 2 error, 3 init error */
    char id[ID_MAX + 1];
    uint64_t body_hash;
    size_t blen;
    int too_large;
};
static struct call seen[MAX_SEEN];
static size_t nseen;

static char current_id[ID_MAX + 1];
static int current_active;
static const char *const IDS[] = {"id-1", "8476a536-e9f4-11e8-9739-2dfe598c3fcd", "x", "id-2"};

static uint64_t hash(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
    return h;
}

static void record(int route, const char *id, const char *body, size_t blen, int too_large)
{
    if (strlen(id) > ID_MAX)
        die("request id longer than ID_MAX");
    if (!too_large && blen > MAX_PAYLOAD)
        die("body of %zu bytes passed the size limit", blen);
    uint64_t h = hash(body, too_large ? 0 : blen);  /* reads every byte: ASan checks the bounds */
    if (nseen < MAX_SEEN) {
        seen[nseen] = (struct call){route, "", h, blen, too_large};
        strcpy(seen[nseen].id, id);
    }
    nseen++;
}

/* An INVOKE for a connection waiting on /next. */
static void send_event(struct conn *c)
{
    const char *id = IDS[below(4)];
    char hdrs[128];
    int n = snprintf(hdrs, sizeof hdrs, "Lambda-Runtime-Aws-Request-Id: %s\r\n", id);
    size_t blen = chance(5) ? 200000 : below(64);
    char *block = malloc(blen + 1);
    memset(block, 'e', blen);
    char *give = block;
    if (http_send_event(c, hdrs, (size_t)n, block, blen, chance(50) ? &give : NULL) == 0) {
        strcpy(current_id, id);
        current_active = 1;
    }
    free(give);  /* NULL when the connection kept the block */
}

static int park_next;  /* park /next instead of answering at once */

void api_next(struct conn *c, uint64_t ts)
{
    record(0, "", "", 0, 0);
    if (park_next)
        http_park(c, ts);
    else
        send_event(c);
}

void api_result(struct conn *c, int is_error, const char *id, const char *errtype,
                const char *body, size_t blen, uint64_t total, int too_large, uint64_t ts,
                char **give)
{
    (void)ts;
    if (strlen(errtype) > 255)
        die("error type longer than its buffer");
    if (too_large && total <= MAX_PAYLOAD)
        die("413 for a body of %llu bytes", (unsigned long long)total);
    if (!too_large && total != blen)
        die("body of %zu bytes stored, %llu received", blen, (unsigned long long)total);
    record(is_error ? 2 : 1, id, body, blen, too_large);
    if (!current_active || strcmp(id, current_id) != 0) {
        http_reply(c, REPLY_BAD_ID);
        return;
    }
    current_active = 0;
    if (give && *give && chance(50)) {  /* the channel keeps the block, frees it later */
        free(*give);
        *give = NULL;
    }
    http_reply(c, too_large ? REPLY_TOO_LARGE : REPLY_ACCEPTED);
}

void api_init_error(struct conn *c, const char *errtype, const char *body, size_t blen,
                    int too_large, uint64_t ts)
{
    (void)ts;
    if (strlen(errtype) > 255)
        die("error type longer than its buffer");
    record(3, "", body, blen, too_large);
    http_reply(c, too_large ? REPLY_TOO_LARGE : REPLY_ACCEPTED);
}

/* ---- requests ---- */

typedef struct {
    char *p;
    size_t len, cap;
} bytes_t;

static void put(bytes_t *b, const void *p, size_t n)
{
    if (!n)
        return;
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
        if (!b->p)
            die("out of memory");
    }
    memcpy(b->p + b->len, p, n);
    b->len += n;
}

static void puts_(bytes_t *b, const char *s) { put(b, s, strlen(s)); }

static void putf(bytes_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(bytes_t *b, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static void random_bytes(bytes_t *b, size_t n)
{
    static const char alphabet[] = "aZ09 :;/?=&%-_\r\n\t\0\x7f\xff{}\"\\";
    for (size_t i = 0; i < n; i++) {
        char ch = chance(70) ? alphabet[below(sizeof alphabet - 1)] : (char)below(256);
        put(b, &ch, 1);
    }
}

static const char *eol(void) { return chance(90) ? "\r\n" : "\n"; }

/* What a clean request should produce at the handlers. */
struct expect {
    int route;               /* -1: no handler call (404) */
    const char *id;
    uint64_t body_hash;
    size_t blen;
    int too_large;
};

/* Appends one request; returns 0 when it is well formed (*e says what it must produce). */
static int gen_request(bytes_t *b, int clean, int last, struct expect *e)
{
    int kind = (int)below(clean ? 5 : 7);
    int lie = !clean && chance(30);
    const char *id = chance(90) ? IDS[below(4)] : "id-\x01\x7f";
    for (int i = 0; i < 4; i++)  /* often the request being processed (a constant: it changes) */
        if (current_active && chance(50) && strcmp(IDS[i], current_id) == 0)
            id = IDS[i];
    char path[512];
    const char *method = "POST";
    e->id = "";
    e->too_large = 0;
    switch (kind) {
    case 0:
        method = "GET";
        snprintf(path, sizeof path, "/2018-06-01/runtime/invocation/next%s", chance(10) ? "?x=1" : "");
        e->route = 0;
        break;
    case 1:
    case 2:
        snprintf(path, sizeof path, "/2018-06-01/runtime/invocation/%s/%s", id, kind == 1 ? "response" : "error");
        e->route = kind;
        e->id = id;
        break;
    case 3:
        snprintf(path, sizeof path, "/2018-06-01/runtime/init/error");
        e->route = 3;
        break;
    case 4:
        method = chance(50) ? "PUT" : "GET";
        snprintf(path, sizeof path, "/2018-06-01/runtime/invocation/%s", chance(50) ? "" : "next/extra");
        e->route = -1;
        break;
    case 5: {  /* an id far too long, or a path of junk */
        bytes_t junk = {0};
        if (chance(50))
            for (size_t j = 0, m = ID_MAX - 8 + below(300); j < m; j++)
                put(&junk, "i", 1);
        else
            random_bytes(&junk, below(400));
        put(&junk, "", 1);
        snprintf(path, sizeof path, "/2018-06-01/runtime/invocation/%s/response", junk.p);
        free(junk.p);
        e->route = 1;
        break;
    }
    default:
        random_bytes(b, below(200));
        puts_(b, eol());
        return 1;
    }
    int http10 = chance(5) && (last || !clean);
    putf(b, "%s %s HTTP/1.%d%s", method, path, http10 ? 0 : 1, eol());
    puts_(b, "Host: 127.0.0.1:9001");
    puts_(b, eol());
    if (chance(20)) {
        putf(b, "Lambda-Runtime-Function-Error-Type: %s%s", chance(50) ? "Runtime.Err" : "", eol());
        if (!clean && chance(30)) {
            puts_(b, "Lambda-Runtime-Function-Error-Type: ");  /* longer than its buffer */
            for (size_t j = 0, m = 200 + below(200); j < m; j++)
                put(b, "E", 1);
            puts_(b, eol());
        }
    }
    if (chance(10) && (last || !clean))
        putf(b, "Connection: close%s", eol());
    if (chance(10))
        putf(b, "Connection: keep-alive%s", eol());
    if (!clean && chance(5)) {  /* a huge head: 431 */
        for (size_t i = 0, n = 60 + below(140); i < n; i++) {
            puts_(b, "X-Pad: ");
            for (size_t j = 0, m = 500 + below(1000); j < m; j++)
                put(b, chance(1) ? "\0" : "p", 1);  /* no line ends: one head, too large */
            puts_(b, eol());
        }
    }
    if (chance(10))
        putf(b, "Expect: 100-continue%s", eol());

    int has_body = e->route > 0 ? chance(85) : chance(10);
    size_t blen = below(100);
    if (chance(4))  /* past the 64 KiB read buffer and the direct-read threshold */
        blen = below(70000);
    if (below(1500) == 0)  /* rare: each costs megabytes through the sanitizers */
        blen = chance(50) ? MAX_PAYLOAD : MAX_PAYLOAD + 1 + below(1000);
    bytes_t body = {0};
    if (has_body) {
        if (blen) {
            body.p = malloc(blen);
            body.cap = body.len = blen;
            for (size_t i = 0; i < blen; i++)
                body.p[i] = (char)('a' + i % 26);
            if (chance(20))
                for (size_t i = 0; i < 8 && i < blen; i++)
                    body.p[below(blen)] = chance(50) ? 0 : (char)below(256);
        }
        if (chance(35)) {
            putf(b, "Transfer-Encoding: %s%s", chance(90) ? "chunked" : "gzip, chunked", eol());
            puts_(b, eol());
            for (size_t off = 0; off < blen;) {
                size_t n = 1 + below(blen - off < 5000 ? blen - off : 5000);
                putf(b, chance(50) ? "%zx" : "%zX", n);
                if (chance(5))
                    puts_(b, ";ext=1");
                puts_(b, eol());
                put(b, body.p + off, n);
                puts_(b, eol());
                off += n;
            }
            puts_(b, "0");
            puts_(b, eol());
            if (chance(10)) {
                puts_(b, "Trailer: x");
                puts_(b, eol());
            }
            puts_(b, eol());
            if (lie) {  /* a chunk size that lies, or garbage where one belongs */
                b->len -= below(b->len / 2 + 1);
                if (chance(50))
                    putf(b, "%llx\r\n", (unsigned long long)rnd());
                else
                    puts_(b, "zz\r\n");
            }
        } else {
            uint64_t cl = blen;
            if (lie)
                cl = chance(50) ? blen + 1 + below(1000) : (chance(50) ? blen / 2 : rnd());
            if (!clean && chance(5))
                putf(b, "Content-Length: %llu%s", (unsigned long long)cl + 1, eol());
            if (!clean && chance(5))
                putf(b, "Content-Length: %s%s", chance(50) ? "-1" : "12a", eol());
            if (!clean && chance(3))
                putf(b, "Content-Length: 99999999999999999999999%s", eol());
            putf(b, "Content-Length:%s%llu%s", chance(50) ? " " : "\t", (unsigned long long)cl, eol());
            puts_(b, eol());
            put(b, body.p, blen);
        }
    } else {
        blen = 0;
        puts_(b, eol());
    }
    if (e->route == 0)  /* /next ignores a body */
        blen = 0;
    e->blen = blen;
    e->body_hash = hash(body.p ? body.p : "", blen);
    e->too_large = blen > MAX_PAYLOAD;
    free(body.p);
    return kind == 5;  /* the junk path is not "clean" (its handler call depends on the junk) */
}

static void mutate(bytes_t *b)
{
    for (size_t k = 0, n = 1 + below(8); k < n && b->len; k++) {
        size_t at = below(b->len);
        switch (below(7)) {
        case 0:
            b->p[at] ^= (char)(1u << below(8));
            break;
        case 1:
            b->p[at] = chance(50) ? 0 : (char)below(256);
            break;
        case 2: {  /* insert bytes */
            bytes_t ins = {0};
            random_bytes(&ins, 1 + below(16));
            bytes_t out = {0};
            put(&out, b->p, at);
            put(&out, ins.p, ins.len);
            put(&out, b->p + at, b->len - at);
            free(ins.p);
            free(b->p);
            *b = out;
            break;
        }
        case 3: {  /* delete a range */
            size_t n2 = below(b->len - at) + 1;
            memmove(b->p + at, b->p + at + n2, b->len - at - n2);
            b->len -= n2;
            break;
        }
        case 4: {  /* duplicate a range */
            size_t n2 = below(b->len - at < 4096 ? b->len - at : 4096) + 1;
            bytes_t out = {0};
            put(&out, b->p, at + n2);
            put(&out, b->p + at, b->len - at);
            free(b->p);
            *b = out;
            break;
        }
        case 5:
            b->len = at;  /* truncate */
            break;
        default: {  /* line endings where they do not belong */
            static const char *const bits[] = {"\r", "\n", "\r\n", "\r\n\r\n", " ", ":"};
            const char *s = bits[below(6)];
            bytes_t out = {0};
            put(&out, b->p, at);
            puts_(&out, s);
            put(&out, b->p + at, b->len - at);
            free(b->p);
            *b = out;
        }
        }
    }
}

/* ---- driving the server ---- */

static unsigned long long statuses[600], clean_checked;

struct client {
    int fd;                  /* our end; -1 once closed */
    int srv;                 /* the server's end (as http.c knows it) */
    bytes_t req;
    size_t sent;
    size_t got;              /* response bytes read */
    char head[16];           /* the first bytes the server wrote */
    int eof;
};

static void server_event(struct client *cl, uint32_t events)
{
    if (!interest[cl->srv].used)
        return;
    uint64_t tag = interest[cl->srv].tag;
    unsigned slot = (unsigned)(tag >> 8) & 0xffffff, gen = (unsigned)(tag >> 32);
    uint32_t want = interest[cl->srv].events | EPOLLHUP | EPOLLERR;
    if (events & want)
        http_on_event(slot, gen, events & want);
    http_run_deferred();
}

/* Reads what the server wrote; checks that it is HTTP. */
static void drain(struct client *cl)
{
    char buf[65536];
    for (;;) {
        ssize_t r = read(cl->fd, buf, sizeof buf);
        if (r > 0) {
            for (char *h = buf; (h = memmem(h, (size_t)(buf + r - h), "HTTP/1.1 ", 9)) && h + 12 <= buf + r; h += 9) {
                int code = (h[9] - '0') * 100 + (h[10] - '0') * 10 + (h[11] - '0');
                if (code >= 100 && code < 600)
                    statuses[code]++;
            }
            if (cl->got < sizeof cl->head) {
                size_t n = (size_t)r < sizeof cl->head - cl->got ? (size_t)r : sizeof cl->head - cl->got;
                memcpy(cl->head + cl->got, buf, n);
            }
            cl->got += (size_t)r;
            continue;
        }
        if (r == 0)
            cl->eof = 1;
        break;
    }
    if (cl->got >= 9 && memcmp(cl->head, "HTTP/1.1 ", 9) != 0)
        die("the server answered something that is not HTTP/1.1");
}

/* One step: send the next piece (if the socket takes it), then play epoll. */
static int step(struct client *cl)
{
    int moved = 0;
    if (cl->fd >= 0 && cl->sent < cl->req.len) {
        size_t piece = chance(20) ? 1 : 1 + below(chance(50) ? 64 : 100000);
        if (piece > cl->req.len - cl->sent)
            piece = cl->req.len - cl->sent;
        ssize_t w = write(cl->fd, cl->req.p + cl->sent, piece);
        if (w > 0) {
            cl->sent += (size_t)w;
            moved = 1;
        } else if (w < 0 && errno != EAGAIN) {
            cl->sent = cl->req.len;  /* the server closed: nothing more to say */
        }
    }
    server_event(cl, EPOLLIN | EPOLLOUT);
    if (cl->fd >= 0)
        drain(cl);
    return moved;
}

static struct client new_client(void)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0)
        die("socketpair: %s", strerror(errno));
    struct client cl = {.fd = sv[0], .srv = sv[1]};
    if (http_adopt(sv[1]) < 0)
        die("no free connection slot (a connection leaked)");
    return cl;
}

static void end_client(struct client *cl, int hard)
{
    if (cl->fd >= 0) {
        if (hard) {
            close(cl->fd);
            cl->fd = -1;
        } else {
            shutdown(cl->fd, SHUT_WR);
        }
    }
    for (int i = 0; i < 4; i++)
        server_event(cl, EPOLLIN | EPOLLOUT | EPOLLHUP);
    if (cl->fd >= 0) {
        drain(cl);
        close(cl->fd);
        cl->fd = -1;
    }
    for (int i = 0; i < 2; i++)
        server_event(cl, EPOLLIN | EPOLLOUT | EPOLLHUP);
    free(cl->req.p);
    cl->req = (bytes_t){0};
}

static void run_case(void)
{
    int clean = chance(25);
    int nclients = clean ? 1 : 1 + (int)below(3);
    struct client cls[3];
    struct expect exp[8];
    size_t nexp = 0;
    nseen = 0;
    park_next = !clean && chance(50);
    if (chance(50)) {  /* a request being processed: results get 202/413, not 400 */
        current_active = 1;
        strcpy(current_id, IDS[below(4)]);
    }
    for (int i = 0; i < nclients; i++) {
        cls[i] = new_client();
        for (int r = 0, n = 1 + (int)below(4); r < n; r++) {
            struct expect e;
            int odd = gen_request(&cls[i].req, clean, r == n - 1, &e);
            if (odd)
                clean = 0;
            if (nexp < 8)
                exp[nexp++] = e;
        }
        if (!clean && chance(75))  /* the rest: lies and junk in well-formed framing */
            mutate(&cls[i].req);
    }
    /* Interleave the connections; now and then an INVOKE wakes a parked /next. */
    for (int rounds = 0; rounds < 100000; rounds++) {
        int moved = 0, left = 0;
        for (int i = 0; i < nclients; i++) {
            moved |= step(&cls[i]);
            left |= cls[i].fd >= 0 && cls[i].sent < cls[i].req.len;
        }
        uint64_t ts;
        struct conn *w;
        if (chance(30) && (w = http_take_waiter(&ts))) {
            send_event(w);
            http_run_deferred();
        }
        if (!left || (!moved && rounds > 64))
            break;  /* all sent, or the server stopped reading (it closed, or waits) */
    }
    for (int i = 0; i < 8; i++) {  /* let the server finish what it has */
        uint64_t ts;
        struct conn *w = http_take_waiter(&ts);
        if (w)
            send_event(w);
        for (int j = 0; j < nclients; j++)
            step(&cls[j]);
    }
    if (clean) {
        size_t want = 0;
        for (size_t i = 0; i < nexp; i++)
            if (exp[i].route >= 0)
                exp[want++] = exp[i];
        if (nseen != want)
            die("clean case: %zu handler calls, %zu requests", nseen, want);
        for (size_t i = 0; i < want; i++) {
            const struct expect *e = &exp[i];
            const struct call *s = &seen[i];
            if (s->route != e->route || strcmp(s->id, e->id) != 0 || s->too_large != e->too_large ||
                (!e->too_large && (s->blen != e->blen || s->body_hash != e->body_hash)))
                die("clean case: request %zu arrived wrong (route %d/%d, id '%s'/'%s', %zu/%zu bytes)",
                    i, s->route, e->route, s->id, e->id, s->blen, e->blen);
        }
        clean_checked++;
    }
    for (int i = 0; i < nclients; i++)
        end_client(&cls[i], chance(50));
    if (chance(2))
        http_close_all();  /* a runtime reset */
}

/* Known answers first: proves the harness sees what the server says before it fuzzes it. */
static void expect_answer(const char *what, bytes_t req, int status)
{
    struct client cl = new_client();
    cl.req = req;
    park_next = 0;
    current_active = 1;
    strcpy(current_id, "id-1");
    for (int i = 0; i < 100000 && cl.sent < cl.req.len; i++)
        step(&cl);
    for (int i = 0; i < 4; i++)
        step(&cl);
    int got = cl.got >= 12 ? atoi(cl.head + 9) : 0;
    if (got != status)
        die("known answer '%s': status %d, want %d", what, got, status);
    end_client(&cl, 1);
}

static void known_answers(void)
{
    bytes_t b = {0};
    puts_(&b, "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\n\r\n");
    expect_answer("next", b, 200);
    b = (bytes_t){0};
    puts_(&b, "POST /2018-06-01/runtime/invocation/id-1/response HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
              "2\r\n{}\r\n0\r\n\r\n");
    expect_answer("chunked response", b, 202);
    b = (bytes_t){0};
    puts_(&b, "POST /2018-06-01/runtime/invocation/id-2/response HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}");
    expect_answer("another request's id", b, 400);
    b = (bytes_t){0};
    putf(&b, "POST /2018-06-01/runtime/invocation/id-1/response HTTP/1.1\r\nContent-Length: %u\r\n\r\n",
         MAX_PAYLOAD + 1);
    size_t at = b.len;
    put(&b, "", 1);  /* grow, then fill */
    b.len = at;
    for (unsigned i = 0; i <= MAX_PAYLOAD; i += 4096) {
        static char page[4096];
        put(&b, page, MAX_PAYLOAD + 1 - i < 4096 ? MAX_PAYLOAD + 1 - i : 4096);
    }
    expect_answer("a body over 6 MB", b, 413);
    b = (bytes_t){0};
    puts_(&b, "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\n");
    for (int i = 0; i < 100; i++)
        putf(&b, "X-Pad-%d: %01000d\r\n", i, 0);
    puts_(&b, "\r\n");
    expect_answer("a 100 KB head", b, 431);
    b = (bytes_t){0};
    puts_(&b, "POST /2018-06-01/runtime/init/error HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx");
    expect_answer("two Content-Lengths", b, 400);
    b = (bytes_t){0};
    puts_(&b, "GET /nowhere HTTP/1.1\r\n\r\n");
    expect_answer("unknown path", b, 404);
}

int main(int argc, char **argv)
{
    unsigned long long cases = argc > 1 ? strtoull(argv[1], NULL, 10) : 10000;
    seed = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;
    rng_state = seed;
    signal(SIGPIPE, SIG_IGN);
    alarm(300);  /* a hang is a failure too */
    if (http_listen("127.0.0.1", 0) < 0)
        die("http_listen: %s", strerror(errno));
    known_answers();
    for (case_no = 0; case_no < cases; case_no++)
        run_case();
    http_close_all();
    printf("init http fuzz: %llu cases (seed %llu): ok (%llu clean cases parsed exactly; answers: "
           "100 %llu, 200 %llu, 202 %llu, 400 %llu, 404 %llu, 413 %llu, 431 %llu)\n",
           cases, seed, clean_checked, statuses[100], statuses[200], statuses[202], statuses[400],
           statuses[404], statuses[413], statuses[431]);
    return 0;
}
