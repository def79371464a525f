# Looks for another function's code and environment variables: its own /var/task
# and /opt, the host paths of the other's code, and every process's environ and
# cmdline it can open.
import os

from escape_lib import attempt, read_text


def handler(event, context):
    needles = event['needles']
    leaks = []
    for name, value in os.environ.items():
        if any(n in value for n in needles):
            leaks.append('os.environ:' + name)
    for pid in [p for p in os.listdir('/proc') if p.isdigit()]:
        for part in ('environ', 'cmdline'):
            r = attempt(lambda: read_text(f'/proc/{pid}/{part}', 1 << 20))
            if 'ok' in r and any(n in r['ok'] for n in needles):
                leaks.append(f'/proc/{pid}/{part}')
    for root in ('/var/task', '/opt', '/tmp'):
        for d, _, files in os.walk(root):
            for f in files:
                r = attempt(lambda: read_text(os.path.join(d, f), 1 << 20))
                if 'ok' in r and any(n in r['ok'] for n in needles):
                    leaks.append(os.path.join(d, f))
    return {
        'task': sorted(os.listdir('/var/task')),
        'leaks': leaks,
        'paths': {p: attempt(lambda: os.listdir(p) if os.path.isdir(p) else read_text(p)) for p in event['paths']},
    }
