# Host files a function must not reach: the shadow file (hashed, never returned),
# the Docker socket, the workbench's data directory and code store, and what the
# env's own view of the system says about the host.
import hashlib
import os

from escape_lib import attempt, read_text


def sha256(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def handler(event, context):
    what = event['what']
    if what == 'files':
        return {
            'shadow': attempt(lambda: sha256('/etc/shadow')),
            'dockerSock': {p: attempt(lambda: os.stat(p).st_mode) for p in ('/var/run/docker.sock', '/run/docker.sock')},
            'paths': {p: attempt(lambda: os.listdir(p)) for p in event['paths']},
        }
    if what == 'identifiers':
        return {
            'cmdline': attempt(lambda: sha256('/proc/cmdline')),
            'cmdlineLen': attempt(lambda: len(read_text('/proc/cmdline').strip())),
            'bootId': attempt(lambda: read_text('/proc/sys/kernel/random/boot_id').strip()),
            'uptime': attempt(lambda: float(read_text('/proc/uptime').split()[0])),
        }
    if what == 'mounts':
        return {
            'mountinfo': read_text('/proc/self/mountinfo', 1 << 20),
            'devShm': attempt(lambda: os.listdir('/dev/shm')),
            'devShmWrite': attempt(lambda: open('/dev/shm/x', 'w').close()),
            'cgroup': read_text('/proc/self/cgroup'),
        }
    if what == 'write':
        out = {}
        for p in ('/escape', '/var/task/escape', '/opt/escape', '/etc/escape', '/var/runtime/escape', '/run/lwb/escape', '/lwb/escape', '/usr/escape', '/tmp/escape'):
            out[p] = attempt(lambda: open(p, 'w').close())
        return out
    raise ValueError(what)
