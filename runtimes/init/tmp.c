/*
 * /tmp as the host sees it (PROTOCOL.md, TMP). After an invocation, where MEMORY goes, the init
 * lists the env's /tmp and sends the listing when it differs from the last one it sent.
 *
 * Why the init: it is inside the env, so it sees /tmp as the function does, and it is trusted
 * (not dumpable, deaf to the function's signals), so the function cannot forge the listing. The
 * host never has to look into the env's filesystem through paths it would resolve itself
 * (/proc/<pid>/root/tmp/x -> /etc/shadow resolves against the host's root).
 *
 * The walk never follows a link: every directory is opened relative to its parent's fd, one
 * component at a time, with O_NOFOLLOW | O_DIRECTORY, and entries are examined with
 * fstatat(AT_SYMLINK_NOFOLLOW); a link's target is read as text (readlinkat). The function may
 * be changing /tmp while we walk it: an entry gone between the listing of its directory and its
 * fstatat is skipped, a directory replaced by a link before we open it is not entered (ELOOP /
 * ENOTDIR), and whatever else we see is a true snapshot of some moment of each entry.
 *
 * Bounded: at most TMP_MAX_ENTRIES entries, TMP_MAX_DEPTH levels and TMP_MAX_BYTES of encoding
 * (more sets `truncated`). The init's memory counts against the env's limit, so buffers grown by
 * a large listing are freed after it; only the last listing sent is kept (to compare with).
 * A warm invoke with an unchanged /tmp costs one walk and a memcmp, and sends nothing.
 */
#include "init.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#define TMP_MAX_ENTRIES 2000
#define TMP_MAX_DEPTH 32
#define TMP_MAX_BYTES (512u * 1024)   /* the encoded entries of one listing */
#define TMP_KEEP (64u * 1024)         /* buffers grown past this are freed after a walk */
#define TMP_PATH_MAX 4096             /* longest relative path listed (longer: truncated) */

static int root_fd = -1;              /* /tmp, opened once at start */
static dev_t root_dev;

/* One walk's state. */
static buf_t cur;                     /* entries being encoded */
static buf_t names;                   /* names read from the directories on the current path */
static size_t pending;                /* names in `names` not processed yet */
static unsigned count;
static int truncated, full;
static char path[TMP_PATH_MAX];
static char dents[8192];              /* getdents64 buffer: one directory is read at a time */

/* The last listing sent: header (used, size, truncated) and entries. */
static buf_t last;
static char last_head[96];
static size_t last_head_len;
static int sent_once;

void tmp_setup(void)
{
    const char *dir = getenv("LWB_TMP_DIR");  /* tests on a host; in an env it is /tmp */
    if (!dir || !*dir)
        dir = "/tmp";
    root_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    struct stat st;
    if (root_fd >= 0 && fstat(root_fd, &st) == 0)
        root_dev = st.st_dev;
    else if (root_fd >= 0) {
        close(root_fd);
        root_fd = -1;
    }
}

static void put_entry(char type, const struct stat *st, size_t plen, const char *target, size_t tlen)
{
    unsigned char fixed[17];
    fixed[0] = (unsigned char)type;
    put_u64(fixed + 1, st->st_size > 0 ? (uint64_t)st->st_size : 0);
    /* Before 1970 (the function may set any time) shows as 0. */
    int64_t ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
    put_u64(fixed + 9, ns > 0 ? (uint64_t)ns : 0);
    buf_append(&cur, fixed, sizeof fixed);
    buf_append(&cur, path, plen + 1);
    buf_append(&cur, target, tlen);
    buf_append(&cur, "", 1);
}

/* Whether directory fd has any entry besides . and .. (a directory past the depth limit). */
static int has_entries(int fd)
{
    ssize_t n = getdents64(fd, dents, sizeof dents);
    for (ssize_t off = 0; off < n;) {
        struct dirent64 *d = (struct dirent64 *)(dents + off);
        off += d->d_reclen;
        if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0)
            return 1;
    }
    return 0;
}

/* Lists directory dfd, whose path relative to /tmp is path[0, plen) ("" for /tmp itself). */
static void walk(int dfd, size_t plen, int depth)
{
    /* Its names first (the dents buffer is then free for the subdirectories), at most as many
     * as may still be listed. */
    size_t base = names.len, mine = 0;
    for (;;) {
        ssize_t n = getdents64(dfd, dents, sizeof dents);
        if (n <= 0)
            break;  /* end, or an error: what was read is listed */
        for (ssize_t off = 0; off < n;) {
            struct dirent64 *d = (struct dirent64 *)(dents + off);
            off += d->d_reclen;
            if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
                continue;
            if (count + pending >= TMP_MAX_ENTRIES) {
                truncated = 1;
                goto listed;
            }
            buf_append(&names, d->d_name, strlen(d->d_name) + 1);
            pending++;
            mine++;
        }
    }
listed:;
    size_t at = base;
    while (mine > 0 && !full) {
        const char *name = names.p + at;  /* names.p moves when a subdirectory's names grow it */
        size_t nlen = strlen(name);
        at += nlen + 1;
        mine--;
        pending--;
        struct stat st;
        if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            continue;  /* removed since the directory was read */
        size_t clen = plen + (plen ? 1 : 0) + nlen;
        if (clen >= sizeof path) {
            truncated = 1;
            continue;
        }
        if (plen)
            path[plen] = '/';
        memcpy(path + clen - nlen, name, nlen + 1);

        static char target[TMP_PATH_MAX];  /* used before recursing only */
        char type = 'o';
        ssize_t tlen = 0;
        if (S_ISREG(st.st_mode))
            type = 'f';
        else if (S_ISDIR(st.st_mode))
            type = 'd';
        else if (S_ISLNK(st.st_mode)) {
            type = 'l';
            tlen = readlinkat(dfd, name, target, sizeof target);
            if (tlen < 0)
                tlen = 0;  /* replaced since: an empty target */
            target[tlen == (ssize_t)sizeof target ? tlen - 1 : tlen] = 0;
            tlen = (ssize_t)strlen(target);  /* a NUL cannot be in a target, but be sure */
        }
        if (cur.len + 17 + clen + 1 + (size_t)tlen + 1 > TMP_MAX_BYTES) {
            truncated = full = 1;
            break;
        }
        put_entry(type, &st, clen, target, (size_t)tlen);
        count++;

        if (type != 'd' || st.st_dev != root_dev)
            continue;  /* (nothing is mounted inside /tmp, but never leave its filesystem) */
        /* Opened relative to dfd, never following a link: if the directory was replaced by a
         * link (or anything else) since fstatat, this fails and it is not entered. */
        int cfd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (cfd < 0) {
            if (errno == EMFILE || errno == ENFILE || errno == ENOMEM)
                truncated = 1;
            continue;
        }
        if (depth + 1 >= TMP_MAX_DEPTH) {
            if (has_entries(cfd))
                truncated = 1;
        } else {
            walk(cfd, clen, depth + 1);
        }
        close(cfd);
    }
    pending -= mine;  /* names left unprocessed when the listing filled up */
    names.len = base;
}

/* Lists /tmp and sends TMP for request `id` if the listing changed since the last one sent. */
void tmp_report(const char *id)
{
    if (root_fd < 0)
        return;
    cur.off = cur.len = 0;
    names.off = names.len = 0;
    pending = count = 0;
    truncated = full = 0;
    path[0] = 0;
    if (lseek(root_fd, 0, SEEK_SET) == 0)
        walk(root_fd, 0, 0);

    struct statvfs vfs;
    unsigned long long used = 0, size = 0;
    if (fstatvfs(root_fd, &vfs) == 0) {
        size = (unsigned long long)vfs.f_blocks * vfs.f_frsize;
        used = (unsigned long long)(vfs.f_blocks - vfs.f_bfree) * vfs.f_frsize;
    }
    char head[sizeof last_head];
    int hn = snprintf(head, sizeof head, "%llu%c%llu%c%d%c", used, 0, size, 0, truncated, 0);
    size_t hlen = (size_t)hn;

    if (!sent_once || hlen != last_head_len || memcmp(head, last_head, hlen) != 0 ||
        cur.len != last.len || (cur.len && memcmp(cur.p, last.p, cur.len) != 0)) {
        struct iovec iov[3] = {{(void *)id, strlen(id) + 1}, {head, hlen}, {cur.p ? cur.p : head, cur.len}};
        chan_send(F_TMP, iov, 3);
        /* What was sent becomes the listing to compare with; the old one's buffer is reused. */
        buf_t t = last;
        last = cur;
        cur = t;
        memcpy(last_head, head, hlen);
        last_head_len = hlen;
        sent_once = 1;
        if (last.cap > TMP_KEEP && last.cap > 2 * last.len) {  /* keep it, not its slack */
            last.p = xrealloc(last.p, last.len);
            last.cap = last.len;
        }
    }
    /* Give back what a large listing grew (buf_free_if_large frees only drained buffers). */
    cur.off = cur.len;
    buf_free_if_large(&cur, TMP_KEEP);
    names.off = names.len;
    buf_free_if_large(&names, TMP_KEEP);
}
