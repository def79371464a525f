# Plants a secret in its env's /tmp and holds the env busy, or spies: lists its
# own /tmp, reads the secret's name, and tries every process's root (/proc/<pid>/root/tmp)
# for another env's /tmp.
import os
import socket
import time

from escape_lib import attempt, read_text


def handler(event, context):
    me = socket.gethostname()
    if event.get('plant'):
        with open('/tmp/' + event['file'], 'w') as f:
            f.write(event['plant'])
        planted_at = time.time()
        time.sleep(event.get('hold', 0))
        return {'host': me, 'at': planted_at}
    at = time.time()
    time.sleep(event.get('hold', 0))
    roots = {}
    for pid in [p for p in os.listdir('/proc') if p.isdigit()]:
        r = attempt(lambda: os.listdir(f'/proc/{pid}/root/tmp'))
        roots[pid] = r
    return {
        'host': me,
        'at': at,
        'tmp': sorted(os.listdir('/tmp')),
        'read': attempt(lambda: read_text('/tmp/' + event['file'])),
        'procRoots': roots,
    }
