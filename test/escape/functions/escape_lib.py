# Shared by the hostile functions: raw syscalls through ctypes (numbers for
# x86_64 and aarch64), errno names, and a forked child for attempts that must
# not change the runtime's own process if they succeed.
import ctypes
import errno
import json
import os
import platform

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long

ARCH = 'aarch64' if platform.machine() in ('aarch64', 'arm64') else 'x86_64'

# name: (x86_64, aarch64)
NR = {
    'mount': (165, 40), 'umount2': (166, 39), 'pivot_root': (155, 41), 'ptrace': (101, 117),
    'process_vm_readv': (310, 270), 'process_vm_writev': (311, 271), 'kexec_load': (246, 104),
    'init_module': (175, 105), 'finit_module': (313, 273), 'delete_module': (176, 106),
    'bpf': (321, 280), 'perf_event_open': (298, 241), 'userfaultfd': (323, 282),
    'unshare': (272, 97), 'setns': (308, 268), 'keyctl': (250, 219), 'add_key': (248, 217),
    'request_key': (249, 218), 'open_by_handle_at': (304, 265), 'swapon': (167, 224),
    'swapoff': (168, 225), 'reboot': (169, 142), 'settimeofday': (164, 170),
    'clock_settime': (227, 112), 'adjtimex': (159, 171), 'acct': (163, 89),
    'quotactl': (179, 60), 'io_uring_setup': (425, 425), 'personality': (135, 92),
    'pidfd_open': (434, 434), 'pidfd_getfd': (438, 438), 'kill': (62, 129),
}


def errname(code):
    return errno.errorcode.get(code, str(code))


def _arg(a):
    if a is None:
        return ctypes.c_void_p(None)
    if isinstance(a, bytes):
        return ctypes.c_char_p(a)
    if isinstance(a, int):
        return ctypes.c_long(a)
    return a  # a ctypes pointer or buffer


def syscall(name, *args):
    """{'ret': n, 'errno': None} on success, {'ret': -1, 'errno': 'EPERM'} on failure."""
    ctypes.set_errno(0)
    nr = NR[name][0 if ARCH == 'x86_64' else 1]
    ret = libc.syscall(ctypes.c_long(nr), *[_arg(a) for a in args])
    return {'ret': ret, 'errno': errname(ctypes.get_errno()) if ret == -1 else None}


def in_child(fn):
    """Runs fn in a forked child and returns its JSON-able result (or the exception it raised)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            out = fn()
        except OSError as e:
            out = {'error': errname(e.errno)}
        except BaseException as e:  # noqa: BLE001 - report whatever happened
            out = {'exception': repr(e)}
        os.write(w, json.dumps(out).encode())
        os._exit(0)
    os.close(w)
    data = b''
    while True:
        chunk = os.read(r, 65536)
        if not chunk:
            break
        data += chunk
    os.close(r)
    os.waitpid(pid, 0)
    return json.loads(data) if data else {'exception': 'child died'}


def attempt(fn):
    """{'ok': value} or {'error': 'ENOENT'}."""
    try:
        return {'ok': fn()}
    except OSError as e:
        return {'error': errname(e.errno)}


def read_text(path, limit=65536):
    with open(path, 'rb') as f:
        return f.read(limit).decode('utf-8', 'replace')
