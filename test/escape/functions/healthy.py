# The witness: a healthy function whose env's /tmp holds a secret planted at the
# start of a test file; every attack ends by checking it still answers and that
# the secret is still there.
import os

PATH = '/tmp/witness'


def handler(event, context):
    if event.get('plant'):
        with open(PATH, 'w') as f:
            f.write(event['plant'])
    witness = open(PATH).read() if os.path.exists(PATH) else None
    return {'witness': witness}
