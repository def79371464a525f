/*
 * Harness for tmp.c (the TMP listing), not part of the init. test/unit/init-tmp.test.ts builds
 * it with ASan/UBSan and runs it; by hand:
 *
 *   gcc -fsanitize=address,undefined -g -O1 -I runtimes/init -o tmp-walk \
 *       runtimes/init/fuzz/tmp_walk.c runtimes/init/tmp.c runtimes/init/util.c
 *   LWB_TMP_DIR=<dir> ./tmp-walk race <outside dir> <walks> <seed>
 *   LWB_TMP_DIR=<dir> ./tmp-walk bench <walks>
 *   LWB_TMP_DIR=<dir> ./tmp-walk once
 *
 * race: a child process changes <dir> as fast as it can (files created, grown, removed;
 *   directories made, removed, renamed, and swapped with links to <outside dir>, which holds a
 *   file named OUTSIDE-SECRET; names with newlines and invalid UTF-8; deep nesting) while the
 *   parent lists it <walks> times. Every frame must be well formed, within its bounds, and name
 *   nothing that is only reachable through a link (OUTSIDE-SECRET). Prints "tmp race: ok ...".
 * bench: lists <dir> <walks> times; prints the median and p90 of one walk (ns) and the frames
 *   sent (1 when <dir> does not change: the first listing; equal ones are not sent).
 * once: lists <dir> once, then again without a change; prints "head <used> <size> <truncated>",
 *   the first frame's entries as "<type> <size> <path hex> <target hex or ->" lines, then
 *   "entries <n>" and "frames <n>" (1: the second, equal listing was not sent).
 */
#include "../init.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- stubs for what tmp.c uses from the rest of the init ---- */

static unsigned char *frame_buf;
static size_t frame_len, frames;

void chan_send(unsigned type, const struct iovec *iov, int iovcnt)
{
    if (type != F_TMP) {
        fprintf(stderr, "unexpected frame type 0x%02x\n", type);
        exit(3);
    }
    size_t n = iov_total(iov, iovcnt), off = 0;
    frame_buf = realloc(frame_buf, n ? n : 1);
    for (int i = 0; i < iovcnt; i++) {
        if (iov[i].iov_len)
            memcpy(frame_buf + off, iov[i].iov_base, iov[i].iov_len);
        off += iov[i].iov_len;
    }
    frame_len = n;
    frames++;
}

void fatal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(3);
}

/* ---- checking a frame ---- */

static pid_t mutator;

static void fail(const char *what, const char *path)
{
    if (mutator > 0)
        kill(mutator, SIGKILL);
    fprintf(stderr, "bad TMP frame: %s%s%s\n", what, path ? ": " : "", path ? path : "");
    exit(4);
}

static uint64_t get_u64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

/* Walks the captured frame; calls `each` per entry (may be NULL). Returns the entry count. */
static size_t check_frame(const char *want_id, void (*each)(char, uint64_t, const char *, const char *))
{
    const unsigned char *p = frame_buf, *end = frame_buf + frame_len;
    const char *fields[4];
    for (int i = 0; i < 4; i++) {
        const unsigned char *z = memchr(p, 0, (size_t)(end - p));
        if (!z)
            fail("header field not terminated", NULL);
        fields[i] = (const char *)p;
        p = z + 1;
    }
    if (strcmp(fields[0], want_id) != 0)
        fail("wrong request id", fields[0]);
    if (strcmp(fields[3], "0") != 0 && strcmp(fields[3], "1") != 0)
        fail("truncated is not 0/1", fields[3]);
    if ((size_t)(end - p) > 512 * 1024)
        fail("entries over 512 KiB", NULL);
    size_t n = 0;
    while (p < end) {
        if (end - p < 17)
            fail("short entry", NULL);
        char type = (char)p[0];
        uint64_t size = get_u64(p + 1);
        if (!strchr("fdlo", type) || type == 0)
            fail("bad type", NULL);
        p += 17;
        const unsigned char *z1 = memchr(p, 0, (size_t)(end - p));
        const unsigned char *z2 = z1 ? memchr(z1 + 1, 0, (size_t)(end - z1 - 1)) : NULL;
        if (!z2)
            fail("path or target not terminated", NULL);
        const char *path = (const char *)p, *target = (const char *)z1 + 1;
        if (!*path || path[0] == '/')
            fail("empty or absolute path", path);
        for (const char *s = path;;) {
            const char *slash = strchr(s, '/');
            size_t len = slash ? (size_t)(slash - s) : strlen(s);
            if (len == 0 || (len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.'))
                fail("empty, '.' or '..' segment", path);
            if (len == 14 && memcmp(s, "OUTSIDE-SECRET", 14) == 0)
                fail("listed a file reachable only through a link", path);
            if (!slash)
                break;
            s = slash + 1;
        }
        if (type != 'l' && *target)
            fail("target on a non-link", path);
        if (each)
            each(type, size, path, target);
        p = z2 + 1;
        n++;
    }
    if (n > 2000)
        fail("more than 2,000 entries", NULL);
    return n;
}

static void print_hex(const char *s)
{
    if (!*s)
        putchar('-');
    for (; *s; s++)
        printf("%02x", (unsigned char)*s);
}

/* once: `<type> <size> <path in hex> <target in hex, or ->` (names may hold any byte but NUL and '/'). */
static void print_entry(char type, uint64_t size, const char *path, const char *target)
{
    printf("%c %llu ", type, (unsigned long long)size);
    print_hex(path);
    putchar(' ');
    print_hex(target);
    putchar('\n');
}

/* ---- the mutator (race mode) ---- */

static unsigned long long rng_state;
static unsigned rnd(unsigned n)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return n ? (unsigned)((rng_state >> 33) % n) : 0;
}

static void mutate_forever(const char *dir, const char *outside)
{
    static const char *const names[] = {"a", "b", "d", "deep", "new\nline", "bad\xff\xfe", "x", "swap"};
    char p[256], q[1024];
    for (;;) {
        const char *n = names[rnd(8)];
        snprintf(p, sizeof p, "%s/%s", dir, n);
        unsigned what = rnd(18);  /* half the time: the directory/link swap, the attack proper */
        switch (what > 8 ? 3 : what) {
        case 0: {
            int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_NONBLOCK, 0644);
            if (fd >= 0) {
                char block[4096] = {0};
                for (unsigned i = rnd(4); i > 0; i--)
                    if (write(fd, block, sizeof block) < 0)
                        break;
                close(fd);
            }
            break;
        }
        case 1:
            unlink(p);
            break;
        case 2:
            mkdir(p, 0755);
            snprintf(q, sizeof q, "%s/inner%u", p, rnd(3));
            close(open(q, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK, 0644));
            break;
        case 3: /* whatever is there (a directory, often) swapped atomically for a link outside */
            snprintf(q, sizeof q, "%s/swap.tmp", dir);
            unlink(q);
            if (symlink(outside, q) == 0 && renameat2(AT_FDCWD, q, AT_FDCWD, p, RENAME_EXCHANGE) == 0 &&
                rnd(2))
                renameat2(AT_FDCWD, q, AT_FDCWD, p, RENAME_EXCHANGE);  /* and back */
            break;
        case 4:
            snprintf(q, sizeof q, "%s/swapdir", dir);
            mkdir(q, 0755);
            rename(q, p);  /* replaces a link or an empty directory */
            break;
        case 5: { /* deep nesting (past the depth limit), one level renamed at random */
            size_t len = (size_t)snprintf(q, sizeof q, "%s/deep", dir);
            unsigned swap = rnd(40);
            for (unsigned i = 0; i < 40 && len + 3 < sizeof q; i++) {
                mkdir(q, 0755);
                if (i == swap) {
                    char r[1024];
                    snprintf(r, sizeof r, "%.1000s.x", q);
                    rename(q, r);
                    rename(r, q);
                }
                len += (size_t)snprintf(q + len, sizeof q - len, "/a");
            }
            break;
        }
        case 6: { /* remove a directory tree it made */
            char cmd[1024];
            snprintf(cmd, sizeof cmd, "%s/inner%u", p, rnd(3));
            unlink(cmd);
            rmdir(p);
            break;
        }
        case 7: /* a link whose target is a file outside */
            snprintf(q, sizeof q, "%s/OUTSIDE-SECRET", outside);
            symlink(q, p);
            break;
        default:
            mkfifo(p, 0644);
            break;
        }
    }
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    tmp_setup();
    if (strcmp(argv[1], "once") == 0) {
        tmp_report("req-1");
        if (frames) {
            const char *h = (const char *)frame_buf + strlen((const char *)frame_buf) + 1;
            const char *size = h + strlen(h) + 1, *trunc = size + strlen(size) + 1;
            printf("head %s %s %s\n", h, size, trunc);
        }
        size_t n = frames ? check_frame("req-1", print_entry) : 0;
        tmp_report("req-2");
        printf("entries %zu\nframes %zu\n", n, frames);
        return 0;
    }
    if (strcmp(argv[1], "bench") == 0 && argc >= 3) {
        int walks = atoi(argv[2]);
        uint64_t *t = calloc((size_t)walks, sizeof *t);
        for (int i = 0; i < walks; i++) {
            uint64_t t0 = now_ns();
            tmp_report("bench");
            t[i] = now_ns() - t0;
        }
        qsort(t, (size_t)walks, sizeof *t, cmp_u64);
        printf("walks %d median %llu p90 %llu frames %zu entries %zu\n", walks,
               (unsigned long long)t[walks / 2], (unsigned long long)t[walks * 9 / 10], frames,
               frames ? check_frame("bench", NULL) : 0);
        free(t);
        return 0;
    }
    if (strcmp(argv[1], "race") == 0 && argc >= 5) {
        const char *dir = getenv("LWB_TMP_DIR");
        int walks = atoi(argv[3]);
        rng_state = strtoull(argv[4], NULL, 10);
        /* A link to the outside that stays: listed as a link, never entered. */
        char fixed[1024];
        snprintf(fixed, sizeof fixed, "%s/fixed-link", dir);
        if (symlink(argv[2], fixed) < 0 && errno != EEXIST)
            return 3;
        pid_t child = mutator = fork();
        if (child == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);  /* never outlives the harness */
            if (getppid() == 1)
                _exit(0);
            mutate_forever(dir, argv[2]);
        }
        size_t listed = 0, max = 0, sent_before = 0;
        char id[32];
        for (int i = 0; i < walks; i++) {
            snprintf(id, sizeof id, "r%d", i);
            sent_before = frames;
            tmp_report(id);
            if (frames != sent_before) {
                size_t n = check_frame(id, NULL);
                listed += n;
                if (n > max)
                    max = n;
            }
        }
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
        printf("tmp race: ok (%d walks, %zu frames, %zu entries listed, at most %zu in one)\n", walks,
               frames, listed, max);
        free(frame_buf);
        return 0;
    }
    return 2;
}
