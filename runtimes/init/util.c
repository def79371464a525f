/* Small helpers: growable buffers, the monotonic clock, iovec arithmetic. */
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        fatal("out of memory (%zu bytes)", n);
    return q;
}

/* Makes room for n more bytes, first by moving live data to the front. */
void buf_reserve(buf_t *b, size_t n)
{
    if (b->off && b->len + n > b->cap) {
        memmove(b->p, b->p + b->off, b->len - b->off);
        b->len -= b->off;
        b->off = 0;
    }
    if (b->len + n <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n)
        cap *= 2;
    b->p = xrealloc(b->p, cap);
    b->cap = cap;
}

void buf_append(buf_t *b, const void *data, size_t n)
{
    if (!n)
        return;
    buf_reserve(b, n);
    memcpy(b->p + b->len, data, n);
    b->len += n;
}

/* Gives memory back after a large payload went through: the init's memory counts
 * against the env's memory limit, so it must not keep megabytes around. */
void buf_free_if_large(buf_t *b, size_t keep)
{
    if (b->cap > keep && b->off == b->len) {
        free(b->p);
        b->p = NULL;
        b->off = b->len = b->cap = 0;
    }
}

uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void put_u64(unsigned char *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        p[i] = (unsigned char)v;
        v >>= 8;
    }
}

size_t iov_total(const struct iovec *iov, int iovcnt)
{
    size_t n = 0;
    for (int i = 0; i < iovcnt; i++)
        n += iov[i].iov_len;
    return n;
}

int iov_advance(struct iovec **iovp, int iovcnt, size_t n)
{
    struct iovec *iov = *iovp;
    while (iovcnt > 0 && n >= iov->iov_len) {
        n -= iov->iov_len;
        iov++;
        iovcnt--;
    }
    if (iovcnt > 0) {
        iov->iov_base = (char *)iov->iov_base + n;
        iov->iov_len -= n;
    }
    *iovp = iov;
    return iovcnt;
}

int set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0)
        return -1;
    return fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* Diagnostics of the init itself go to its own stderr (the container's log). */
void warnx_(const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n > sizeof msg - 2)
        n = sizeof msg - 2;
    msg[n++] = '\n';
    ssize_t r = write(2, "lwb-init: ", 10);
    r = write(2, msg, (size_t)n);
    (void)r;
}
