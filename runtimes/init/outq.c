/*
 * Output queues for non-blocking fds (the host channel and Runtime API connections).
 *
 * outq_write() first tries to hand everything to the kernel with one writev(); only what the
 * fd does not take is queued. Queued bytes are normally copied, except for a payload block the
 * caller gives away (`give`): the queue then keeps a reference to it and frees it once written.
 * That way a 6 MB response or event is never held twice, which matters because the init's
 * memory counts against the env's memory limit.
 */
#include "init.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define COPY_CHUNK (16 * 1024)      /* minimum size of a chunk holding copied bytes */
#define FLUSH_IOV 16                /* chunks written per writev() */

struct chunk {
    struct chunk *next;
    char *block;                    /* a given heap block (freed when written), or NULL */
    char *p;                        /* unwritten bytes: p[0, len) */
    size_t len, room;               /* room: free space after p+len (copied chunks only) */
    char data[];                    /* copied bytes live here when block == NULL */
};

static void push(outq_t *q, struct chunk *c)
{
    c->next = NULL;
    if (q->tail)
        q->tail->next = c;
    else
        q->head = c;
    q->tail = c;
}

static void queue_copy(outq_t *q, const char *p, size_t n)
{
    struct chunk *t = q->tail;
    if (t && !t->block && t->room >= n) {  /* small frames share the last chunk */
        memcpy(t->p + t->len, p, n);
        t->len += n;
        t->room -= n;
    } else {
        size_t cap = n > COPY_CHUNK ? n : COPY_CHUNK;
        struct chunk *c = xrealloc(NULL, sizeof *c + cap);
        c->block = NULL;
        c->p = c->data;
        memcpy(c->p, p, n);
        c->len = n;
        c->room = cap - n;
        push(q, c);
    }
    q->bytes += n;
}

static void queue_ref(outq_t *q, char *block, const char *p, size_t n)
{
    struct chunk *c = xrealloc(NULL, sizeof *c);
    c->block = block;
    c->p = (char *)p;
    c->len = n;
    c->room = 0;
    push(q, c);
    q->bytes += n;
}

int outq_write(outq_t *q, int fd, struct iovec *iov, int n, char **give)
{
    char *block = give ? *give : NULL;
    if (!q->head) {
        while (n > 0) {
            ssize_t r = writev(fd, iov, n);
            if (r < 0) {
                if (errno == EINTR)
                    continue;
                if (errno == EAGAIN)
                    break;
                return -1;
            }
            n = iov_advance(&iov, n, (size_t)r);
        }
    }
    for (int i = 0; i < n; i++) {
        if (!iov[i].iov_len)
            continue;
        if (block && i == n - 1) {  /* the given block holds the last part: keep, not copy */
            queue_ref(q, block, iov[i].iov_base, iov[i].iov_len);
            *give = NULL;
        } else {
            queue_copy(q, iov[i].iov_base, iov[i].iov_len);
        }
    }
    return 0;
}

static void pop(outq_t *q)
{
    struct chunk *c = q->head;
    q->head = c->next;
    if (!q->head)
        q->tail = NULL;
    free(c->block);
    free(c);
}

int outq_flush(outq_t *q, int fd)
{
    while (q->head) {
        struct iovec iov[FLUSH_IOV];
        int n = 0;
        for (struct chunk *c = q->head; c && n < FLUSH_IOV; c = c->next)
            iov[n++] = (struct iovec){c->p, c->len};
        ssize_t r = writev(fd, iov, n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN)
                return 0;
            return -1;
        }
        q->bytes -= (size_t)r;
        while (r > 0) {
            struct chunk *c = q->head;
            if ((size_t)r < c->len) {
                c->p += r;
                c->len -= (size_t)r;
                break;
            }
            r -= (ssize_t)c->len;
            pop(q);
        }
    }
    return 0;
}

void outq_clear(outq_t *q)
{
    while (q->head)
        pop(q);
    q->bytes = 0;
}
