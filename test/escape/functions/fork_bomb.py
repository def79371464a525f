# A real fork bomb whose processes leave the runtime's process group and
# session (setsid), so only killing every process of the env ends them. The
# handler never returns: the invoke times out and the env is reset. Invoked
# with {"count": true} it reports what is left running.
import os
import time

from escape_lib import read_text


def bomb():
    while True:
        try:
            if os.fork() == 0:
                os.setsid()
        except OSError:
            time.sleep(0.05)


def handler(event, context):
    if event.get('count'):
        procs = {}
        for p in [p for p in os.listdir('/proc') if p.isdigit()]:
            try:
                procs[p] = read_text(f'/proc/{p}/cmdline').replace('\0', ' ').strip()
            except OSError:
                pass
        return {'procs': procs}
    if os.fork() == 0:
        os.setsid()
        bomb()
    time.sleep(3600)
