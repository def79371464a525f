# Calls one syscall the sandbox's seccomp profile must deny, in a forked child
# (so a syscall that succeeds changes nothing in the runtime), with arguments
# chosen so that, where possible, an unfiltered call would succeed or fail with
# another errno: EPERM then proves the filter, not just a missing capability.
# Never run this file on a host as root: there the calls are real.
import ctypes
import os

from escape_lib import in_child, syscall

AT_FDCWD = -100
CLONE_NEWUSER = 0x10000000
O_CLOEXEC = 0o2000000
UFFD_USER_MODE_ONLY = 1
KEY_SPEC_PROCESS_KEYRING = -2
KEY_SPEC_SESSION_KEYRING = -3
READ_IMPLIES_EXEC = 0x0400000
Q_SYNC_USRQUOTA = 0x800001 << 8


class IOVec(ctypes.Structure):
    _fields_ = [('base', ctypes.c_void_p), ('len', ctypes.c_size_t)]


def vm_copy(name):
    # Copies 16 bytes within this very process: harmless, and it succeeds if the call is allowed.
    src = ctypes.create_string_buffer(b'process-vm-bytes', 16)
    dst = ctypes.create_string_buffer(16)
    local = IOVec(ctypes.cast(dst if name == 'process_vm_readv' else src, ctypes.c_void_p), 16)
    remote = IOVec(ctypes.cast(src if name == 'process_vm_readv' else dst, ctypes.c_void_p), 16)
    return syscall(name, os.getpid(), ctypes.byref(local), 1, ctypes.byref(remote), 1, 0)


def bpf():
    attr = (ctypes.c_uint32 * 30)(2, 4, 4, 1)  # BPF_MAP_TYPE_ARRAY, key 4, value 4, 1 entry
    return syscall('bpf', 0, ctypes.byref(attr), ctypes.sizeof(attr))  # BPF_MAP_CREATE


def perf_event_open():
    attr = (ctypes.c_uint8 * 128)()
    ctypes.c_uint32.from_buffer(attr, 0).value = 1  # PERF_TYPE_SOFTWARE
    ctypes.c_uint32.from_buffer(attr, 4).value = 128  # size
    ctypes.c_uint64.from_buffer(attr, 8).value = 1  # PERF_COUNT_SW_TASK_CLOCK
    ctypes.c_uint64.from_buffer(attr, 40).value = (1 << 0) | (1 << 5) | (1 << 6)  # disabled, exclude_kernel, exclude_hv
    return syscall('perf_event_open', ctypes.byref(attr), 0, -1, -1, 0)


def open_by_handle_at():
    handle = (ctypes.c_uint8 * 16)()
    ctypes.c_uint32.from_buffer(handle, 0).value = 8  # handle_bytes
    ctypes.c_int32.from_buffer(handle, 4).value = 1  # handle_type
    return syscall('open_by_handle_at', AT_FDCWD, ctypes.byref(handle), 0)


def scratch():
    # Targets a folder of the function's own: a mount that got through would cover only it.
    os.makedirs('/tmp/lwb-escape-mnt', exist_ok=True)
    return b'/tmp/lwb-escape-mnt'


def setns():
    fd = os.open('/proc/self/ns/uts', os.O_RDONLY)
    return syscall('setns', fd, 0)


ATTEMPTS = {
    'mount': lambda: syscall('mount', b'none', scratch(), b'tmpfs', 0, None),
    'umount2': lambda: syscall('umount2', scratch(), 2),  # MNT_DETACH; EINVAL if allowed: not a mount point
    'pivot_root': lambda: syscall('pivot_root', scratch(), scratch()),
    'ptrace': lambda: syscall('ptrace', 0, 0, 0, 0),  # PTRACE_TRACEME: allowed, it succeeds
    'process_vm_readv': lambda: vm_copy('process_vm_readv'),
    'process_vm_writev': lambda: vm_copy('process_vm_writev'),
    'kexec_load': lambda: syscall('kexec_load', 0, 0, None, 0),
    'init_module': lambda: syscall('init_module', None, 0, b''),
    'finit_module': lambda: syscall('finit_module', -1, b'', 0),
    'delete_module': lambda: syscall('delete_module', b'lwb_escape_none', 0o4000),
    'bpf': bpf,
    'perf_event_open': perf_event_open,
    'userfaultfd': lambda: syscall('userfaultfd', O_CLOEXEC | UFFD_USER_MODE_ONLY),
    'unshare': lambda: syscall('unshare', CLONE_NEWUSER),
    'setns': setns,
    'keyctl': lambda: syscall('keyctl', 0, KEY_SPEC_SESSION_KEYRING, 1),  # KEYCTL_GET_KEYRING_ID, create
    'add_key': lambda: syscall('add_key', b'user', b'lwb-escape', b'x', 1, KEY_SPEC_PROCESS_KEYRING),
    'request_key': lambda: syscall('request_key', b'user', b'lwb-escape', None, 0),
    'open_by_handle_at': open_by_handle_at,
    'swapon': lambda: syscall('swapon', b'/tmp/swap', 0),
    'swapoff': lambda: syscall('swapoff', b'/tmp/swap'),
    'reboot': lambda: syscall('reboot', 0, 0, 0, None),  # bad magic: never a real reboot
    'settimeofday': lambda: syscall('settimeofday', None, None),
    'clock_settime': lambda: syscall('clock_settime', 0, None),  # EFAULT if allowed: the pointer is checked first
    'adjtimex': lambda: syscall('adjtimex', ctypes.byref((ctypes.c_uint8 * 256)())),  # modes 0: a read, succeeds if allowed
    'acct': lambda: syscall('acct', None),
    'quotactl': lambda: syscall('quotactl', Q_SYNC_USRQUOTA, None, 0, None),  # sync all: succeeds if allowed
    'io_uring_setup': lambda: syscall('io_uring_setup', 1, ctypes.byref((ctypes.c_uint8 * 120)())),
    'personality': lambda: syscall('personality', READ_IMPLIES_EXEC),
}


def handler(event, context):
    return in_child(ATTEMPTS[event['syscall']])
