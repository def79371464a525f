# A function whose code and environment hold secrets the others must not read.
import os

CODE_SECRET = 'code-secret-7f3a91c2'


def handler(event, context):
    return {'env': os.environ.get('VICTIM_SECRET'), 'code': CODE_SECRET}
