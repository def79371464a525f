# Tries to set the clock every way there is, to the time it already shows (so a
# call that got through would not move the host's clock): clock_settime,
# settimeofday, and adjtimex writing back the frequency it just read.
import ctypes
import time

from escape_lib import in_child, syscall

ADJ_FREQUENCY = 0x0002


def attempts():
    now = time.time_ns()
    ts = (ctypes.c_long * 2)(now // 1_000_000_000, now % 1_000_000_000)
    tv = (ctypes.c_long * 2)(now // 1_000_000_000, (now % 1_000_000_000) // 1000)
    timex = (ctypes.c_uint8 * 256)()
    read = syscall('adjtimex', ctypes.byref(timex))  # modes 0: a read (denied too, by the profile)
    ctypes.c_uint32.from_buffer(timex, 0).value = ADJ_FREQUENCY
    return {
        'clock_settime': syscall('clock_settime', 0, ctypes.byref(ts)),
        'settimeofday': syscall('settimeofday', ctypes.byref(tv), None),
        'adjtimex_read': read,
        'adjtimex_set': syscall('adjtimex', ctypes.byref(timex)),
    }


def handler(event, context):
    return in_child(attempts)
