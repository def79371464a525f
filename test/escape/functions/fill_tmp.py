# Fills /tmp with large blocks until the disk says no, then frees it and shows
# /tmp still works.
import os

from escape_lib import errname

BLOCK = b'\x07' * (16 << 20)


def handler(event, context):
    if event.get('check'):
        with open('/tmp/after', 'w') as f:
            f.write('ok')
        return {'tmp': sorted(os.listdir('/tmp')), 'after': open('/tmp/after').read()}
    written, err = 0, None
    fd = os.open('/tmp/fill', os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        while written < 4096 << 20:
            written += os.write(fd, BLOCK)
        os.fsync(fd)
    except OSError as e:
        err = errname(e.errno)
    finally:
        os.close(fd)
    os.unlink('/tmp/fill')
    return {'writtenMb': written >> 20, 'errno': err}
