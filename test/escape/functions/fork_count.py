# Fills the env's pids limit, then tries to fork. Forking the runtime a
# thousand times is slow (each fork copies its page tables), and the limit
# counts tasks, so the filler is threads parked in pause() (made by
# pthread_create directly, no Python in them); at the limit the attacker forks.
# All of it happens in a child that exits, taking its threads with it.
import ctypes
import os

from escape_lib import errname, in_child, libc


def fill_then_fork():
    pause = ctypes.cast(libc.pause, ctypes.c_void_p)
    threads, rc = 0, 0
    while threads < 5000:
        tid = ctypes.c_ulong()
        rc = libc.pthread_create(ctypes.byref(tid), None, pause, None)
        if rc:
            break
        threads += 1
    try:
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
        fork = 'succeeded'
    except OSError as e:
        fork = errname(e.errno)
    return {'threads': threads, 'threadError': errname(rc) if rc else None, 'fork': fork}


def handler(event, context):
    return in_child(fill_then_fork)
