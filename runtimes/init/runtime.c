/*
 * The runtime process ("bootstrap"): start it, forward its output, notice its end, kill it.
 *
 * The runtime runs in its own session (setsid). Whenever it ends (it exited, crashed, timed out
 * or the host reset or shut down the env) every process of the env is killed, not only its
 * process group: the function's code may have started processes that left the group. The init
 * is PID 1 of the env (or a child subreaper when tested on a host), so every orphan ends up as
 * our child and is reaped here.
 */
#include "init.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#define REAP_WAIT_MS 2000           /* how long we wait for a SIGKILLed group to vanish */
#define DRAIN_MAX (1u << 20)        /* bytes per pipe read by one drain (a writer may not stop) */

static struct {
    pid_t pid;                      /* 0: no runtime running */
    int pipe_fd[3];                 /* [1] stdout, [2] stderr read ends; -1 when closed */
    int pipes_polled;               /* the pipes are in epoll (not while logs are paused) */
    long oom_before;                /* cgroup OOM-kill counter at start; -1 if unreadable */
    int kill_requested;             /* the host asked for the end (KILL / SHUTDOWN) */
    int shutting_down;
} rt = {0, {-1, -1, -1}, 0, -1, 0, 0};

static int timer_fd = -1;
static int logs_paused;
static unsigned long mem_max_kb;
static char logbuf[64 * 1024];      /* one pipe read; the pipe holds 64 KiB */

void rt_setup(void)
{
    timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (timer_fd < 0)
        fatal("timerfd_create: %s", strerror(errno));
    ep_add(timer_fd, EPOLLIN, ev_tag(EV_TIMER, 0, 0));
}

int rt_running(void)
{
    return rt.pid != 0;
}

/* ---- cgroup OOM counter ---- */

/* Value of the "key N" line in a small flat-keyed file, or -1. */
static long read_keyed(const char *path, const char *key)
{
    char buf[4096];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = 0;
    size_t klen = strlen(key);
    for (char *line = buf; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL)
        if (strncmp(line, key, klen) == 0 && line[klen] == ' ')
            return strtol(line + klen + 1, NULL, 10);
    return -1;
}

static long read_oom_kills(void)
{
    long v = read_keyed("/sys/fs/cgroup/memory.events", "oom_kill");           /* cgroup v2 */
    if (v < 0)
        v = read_keyed("/sys/fs/cgroup/memory/memory.oom_control", "oom_kill"); /* cgroup v1 */
    return v;
}

/* ---- start ---- */

/* Next NUL-terminated string of a frame payload, or NULL if none is left. */
static char *take_str(char **p, char *end)
{
    char *s = *p, *z = s < end ? memchr(s, 0, (size_t)(end - s)) : NULL;
    if (!z)
        return NULL;
    *p = z + 1;
    return s;
}

static void child_fail(const char *what, const char *arg) __attribute__((noreturn));
static void child_fail(const char *what, const char *arg)
{
    char msg[1024];
    int n = snprintf(msg, sizeof msg, "lwb-init: cannot %s %s: %s\n", what, arg, strerror(errno));
    if (n > (int)sizeof msg - 1)
        n = (int)sizeof msg - 1;
    ssize_t r = write(2, msg, (size_t)n);
    (void)r;
    _exit(127);
}

/* In the forked child: become the runtime. Never returns. */
static void child_exec(const char *cwd, char **argv, char **envp, int out_w, int err_w)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);  /* the init blocks signals for its signalfd */
    setsid();

    /* The runtime, not the init, is what the OOM killer must pick. */
    int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t r = write(fd, "1000", 4);
        (void)r;
        close(fd);
    }

    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(out_w, 1) < 0 || dup2(err_w, 2) < 0)
        child_fail("set up stdio for", argv[0]);
    if (null_fd > 2)
        close(null_fd);
    if (chdir(cwd) < 0)
        child_fail("change directory to", cwd);
    execve(argv[0], argv, envp);
    child_fail("execute", argv[0]);
}

static void pipes_register(void)
{
    for (int s = 1; s <= 2; s++)
        if (rt.pipe_fd[s] >= 0)
            ep_add(rt.pipe_fd[s], EPOLLIN, ev_tag(EV_PIPE, (unsigned)s, 0));
    rt.pipes_polled = 1;
}

static void pipes_unregister(void)
{
    for (int s = 1; s <= 2; s++)
        if (rt.pipe_fd[s] >= 0)
            ep_del(rt.pipe_fd[s]);
    rt.pipes_polled = 0;
}

/* START payload: cwd\0 argc\0 argv[0]\0 ... env\0 ... */
void rt_start(char *payload, size_t len)
{
    if (rt.pid)
        fatal("START while the runtime is running");
    char *p = payload, *end = payload + len;
    char *cwd = take_str(&p, end), *argc_s = take_str(&p, end);
    long argc = argc_s ? strtol(argc_s, NULL, 10) : 0;
    if (!cwd || argc < 1 || argc > 100000)
        fatal("bad START frame");

    /* Count the env strings (everything after argv); unterminated trailing bytes are ignored. */
    char **argv = xrealloc(NULL, sizeof *argv * (size_t)(argc + 1));
    for (long i = 0; i < argc; i++)
        if (!(argv[i] = take_str(&p, end)))
            fatal("bad START frame: %ld arguments announced, fewer sent", argc);
    argv[argc] = NULL;
    size_t envc = 0;
    for (char *q = p; take_str(&q, end);)
        envc++;
    char **envp = xrealloc(NULL, sizeof *envp * (envc + 1));
    for (size_t i = 0; i < envc; i++)
        envp[i] = take_str(&p, end);
    envp[envc] = NULL;

    int out[2], err[2];
    if (pipe2(out, O_CLOEXEC) < 0)
        fatal("pipe: %s", strerror(errno));
    if (pipe2(err, O_CLOEXEC) < 0)
        fatal("pipe: %s", strerror(errno));
    rt.oom_before = read_oom_kills();

    pid_t pid = fork();
    if (pid < 0)
        fatal("fork: %s", strerror(errno));
    if (pid == 0)
        child_exec(cwd, argv, envp, out[1], err[1]);

    free(argv);
    free(envp);
    close(out[1]);
    close(err[1]);
    set_nonblock(out[0]);
    set_nonblock(err[0]);
    rt.pid = pid;
    rt.pipe_fd[1] = out[0];
    rt.pipe_fd[2] = err[0];
    rt.kill_requested = 0;
    if (!logs_paused)
        pipes_register();
}

/* ---- logs ---- */

static void pipe_close(int s)
{
    if (rt.pipe_fd[s] < 0)
        return;
    close(rt.pipe_fd[s]);  /* also leaves epoll */
    rt.pipe_fd[s] = -1;
}

/* One read from a pipe, forwarded as a LOG frame. Returns bytes read, 0 at EOF/EAGAIN. */
static size_t pipe_read_once(int s)
{
    if (rt.pipe_fd[s] < 0)
        return 0;
    ssize_t n;
    do
        n = read(rt.pipe_fd[s], logbuf, sizeof logbuf);
    while (n < 0 && errno == EINTR);
    if (n == 0 || (n < 0 && errno != EAGAIN)) {
        pipe_close(s);
        return 0;
    }
    if (n < 0)
        return 0;
    unsigned char stream = (unsigned char)s;
    struct iovec iov[2] = {{&stream, 1}, {logbuf, (size_t)n}};
    chan_send(F_LOG, iov, 2);
    return (size_t)n;
}

void rt_on_pipe(int stream)
{
    if (stream == 1 || stream == 2)
        pipe_read_once(stream);
}

/* Forwards everything already written to the pipes, so that log lines written before a Runtime
 * API call reach the host before the frame that call produces. */
void rt_drain_logs(void)
{
    for (int s = 1; s <= 2; s++) {
        size_t total = 0, n;
        while (total < DRAIN_MAX && (n = pipe_read_once(s)) > 0)
            total += n;
    }
}

/* The host is behind: stop reading logs, so the runtime blocks on its full pipe. */
void rt_set_logs_paused(int paused)
{
    logs_paused = paused;
    if (paused && rt.pipes_polled)
        pipes_unregister();
    else if (!paused && !rt.pipes_polled)
        pipes_register();
}

/* ---- end of the runtime ---- */

/* Signals every descendant of `pid` (by /proc/<pid>/task/<tid>/children), deepest first. Only
 * used when the init is not PID 1 (tests on a host), where kill(-1) would reach the host's
 * processes; orphans still come to us there because we are a child subreaper. */
static void kill_descendants(pid_t pid, int sig, int depth)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    DIR *tasks = opendir(path);
    if (!tasks)
        return;
    struct dirent *t;
    while ((t = readdir(tasks))) {
        if (t->d_name[0] < '0' || t->d_name[0] > '9')
            continue;
        char buf[4096];
        snprintf(path, sizeof path, "/proc/%d/task/%.20s/children", (int)pid, t->d_name);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        ssize_t n = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (n <= 0)
            continue;
        buf[n] = 0;
        for (char *save, *c = strtok_r(buf, " \n", &save); c; c = strtok_r(NULL, " \n", &save)) {
            pid_t child = (pid_t)strtol(c, NULL, 10);
            if (depth < 32)
                kill_descendants(child, sig, depth + 1);
            kill(child, sig);
        }
    }
    closedir(tasks);
}

/* Signals every process of the env but the init: the runtime's group is not enough, since a
 * function's process may have left it (setsid, a double fork). As PID 1 of the env's pid
 * namespace, kill(-1) reaches exactly the namespace's processes (and never the init itself);
 * a fork racing with it is refused by the kernel, so nothing is created behind its back. */
static void kill_all(int sig)
{
    if (getpid() == 1) {
        kill(-1, sig);
        return;
    }
    if (rt.pid) {
        kill(-rt.pid, sig);
        kill(rt.pid, sig);  /* in case the child has not reached setsid() yet */
    }
    kill_descendants(getpid(), sig, 0);
}

void rt_kill_now(void)
{
    kill_all(SIGKILL);
}

/* Waits for a SIGCHLD until `deadline`; 0 when the deadline passed. */
static int wait_sigchld(uint64_t deadline)
{
    uint64_t now = now_ns();
    if (now >= deadline)
        return 0;
    uint64_t left = deadline - now;
    struct timespec ts = {(time_t)(left / 1000000000u), (long)(left % 1000000000u)};
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigtimedwait(&chld, NULL, &ts);  /* SIGCHLD is blocked, so a pending one returns at once */
    return 1;
}

/* SIGKILLs every process of the env and reaps them all (our children and the orphans that come
 * to us as they lose their parents), keeping the runtime's status unless it is already known.
 * Done when no child is left (ECHILD). Bounded, in case something is stuck in the kernel. */
static void reap_all(int *status, int *have_status)
{
    pid_t pid = rt.pid;
    uint64_t deadline = now_ns() + (uint64_t)REAP_WAIT_MS * 1000000u;
    kill_all(SIGKILL);
    for (;;) {
        int st;
        pid_t r = waitpid(-1, &st, WNOHANG);
        if (r > 0) {
            if (r == pid && !*have_status) {
                *status = st;
                *have_status = 1;
            }
            continue;
        }
        if (r < 0)
            break;  /* ECHILD: the env is empty */
        /* Some are still dying; one may have been forked after the kill by a process that had
         * not seen it yet (a non-PID-1 init walks /proc), so signal again before waiting. */
        kill_all(SIGKILL);
        if (!wait_sigchld(deadline))
            break;
    }
}

/* The runtime is over (it exited, or the host wants it gone): clean up and report EXIT. */
static void rt_finish(int have_status, int status)
{
    memory_flush();  /* the last result's MEMORY goes before EXIT */
    reap_all(&status, &have_status);
    rt_drain_logs();
    long oom_after = read_oom_kills();

    int code = -1, sig = -1, oom;
    if (have_status && WIFEXITED(status))
        code = WEXITSTATUS(status);
    else if (have_status && WIFSIGNALED(status))
        sig = WTERMSIG(status);
    if (rt.oom_before >= 0 && oom_after >= 0)
        oom = oom_after > rt.oom_before;
    else  /* no cgroup counter: a SIGKILL nobody asked for is most likely the OOM killer */
        oom = sig == SIGKILL && !rt.kill_requested;

    /* A request that did not finish (timeout, crash, KILL) may have changed /tmp: its listing
     * goes before EXIT, taken now that no process of the env is left to race it. */
    if (*invocation_inflight() && !rt.shutting_down)
        tmp_report(invocation_inflight());

    char payload[64 + ID_MAX];
    int n = snprintf(payload, sizeof payload, "%d%c%d%c%d%c%d%c%s%c", code, 0, sig, 0, oom, 0,
                     rt.kill_requested, 0, invocation_inflight(), 0);
    struct iovec iov = {payload, (size_t)n};
    chan_send(F_EXIT, &iov, 1);

    pipe_close(1);
    pipe_close(2);
    rt.pid = 0;
    rt.pipes_polled = 0;
    struct itimerspec off = {{0, 0}, {0, 0}};
    timerfd_settime(timer_fd, 0, &off, NULL);
    invocations_reset();
    if (rt.shutting_down)
        init_exit(0);
    rt_on_sigchld();  /* sigtimedwait() may have eaten the SIGCHLD of an unrelated orphan */
}

/* Reaps every exited child; the runtime's own exit ends its life cycle. */
void rt_on_sigchld(void)
{
    int st;
    pid_t r;
    while ((r = waitpid(-1, &st, WNOHANG)) > 0)
        if (rt.pid && r == rt.pid)
            rt_finish(1, st);
}

void rt_kill(void)
{
    if (!rt.pid)
        return;  /* it already exited by itself and its EXIT was sent */
    rt.kill_requested = 1;
    rt_finish(0, 0);
}

void rt_shutdown(unsigned grace_ms)
{
    if (rt.shutting_down && grace_ms > 0)
        return;  /* already on its way out; only a SHUTDOWN 0 cuts the grace period short */
    rt.shutting_down = 1;
    if (!rt.pid)
        init_exit(0);
    rt.kill_requested = 1;
    if (grace_ms == 0) {
        rt_finish(0, 0);
        return;
    }
    kill_all(SIGTERM);
    struct itimerspec t = {{0, 0}, {(time_t)(grace_ms / 1000), (long)(grace_ms % 1000) * 1000000}};
    timerfd_settime(timer_fd, 0, &t, NULL);
}

/* The SHUTDOWN grace period is over. */
void rt_on_timer(void)
{
    uint64_t expirations;
    ssize_t r = read(timer_fd, &expirations, sizeof expirations);
    (void)r;
    if (rt.pid)
        rt_finish(0, 0);
}

/* ---- memory ---- */

/* VmHWM (peak resident set, KiB) of one process; 0 if it is gone or a zombie. */
static unsigned long read_hwm(const char *pid)
{
    char path[300], buf[4096];
    snprintf(path, sizeof path, "/proc/%s/status", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = 0;
    char *v = strstr(buf, "\nVmHWM:");
    return v ? strtoul(v + 7, NULL, 10) : 0;
}

static int is_pid(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

/* PID 1 of the env's pid namespace: every process in /proc except ourselves. */
static unsigned long sum_namespace(void)
{
    static DIR *proc;
    char self[16];
    snprintf(self, sizeof self, "%d", (int)getpid());
    if (!proc && !(proc = opendir("/proc")))
        return 0;
    rewinddir(proc);
    unsigned long sum = 0;
    struct dirent *d;
    while ((d = readdir(proc)))
        if (is_pid(d->d_name) && strcmp(d->d_name, self) != 0)
            sum += read_hwm(d->d_name);
    return sum;
}

/* Not PID 1 (tests on a host): our descendants, via /proc/<pid>/task/<tid>/children. */
static unsigned long sum_descendants(const char *pid, int depth)
{
    char path[600];
    snprintf(path, sizeof path, "/proc/%s/task", pid);
    DIR *tasks = opendir(path);
    if (!tasks)
        return 0;
    unsigned long sum = 0;
    struct dirent *t;
    while ((t = readdir(tasks))) {
        if (!is_pid(t->d_name))
            continue;
        char buf[4096];
        snprintf(path, sizeof path, "/proc/%s/task/%s/children", pid, t->d_name);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        ssize_t n = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (n <= 0)
            continue;
        buf[n] = 0;
        for (char *save, *c = strtok_r(buf, " \n", &save); c; c = strtok_r(NULL, " \n", &save)) {
            sum += read_hwm(c);
            if (depth < 32)
                sum += sum_descendants(c, depth + 1);
        }
    }
    closedir(tasks);
    return sum;
}

/* Peak memory of the runtime's processes, the maximum seen in this env (KiB). */
unsigned long rt_memory_kb(void)
{
    unsigned long kb;
    if (getpid() == 1) {
        kb = sum_namespace();
    } else {
        char self[16];
        snprintf(self, sizeof self, "%d", (int)getpid());
        kb = sum_descendants(self, 0);
    }
    if (kb > mem_max_kb)
        mem_max_kb = kb;
    return mem_max_kb;
}
