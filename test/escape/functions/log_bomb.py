# Writes `mb` MB to stdout (1 GB by default) in one invocation.
import os

LINE = b'x' * 1023 + b'\n'
CHUNK = LINE * 1024


def handler(event, context):
    mb = event.get('mb', 1024)
    for _ in range(mb):
        os.write(1, CHUNK)
    return {'wroteMb': mb}
