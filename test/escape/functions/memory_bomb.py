# Allocates and touches memory until the env's limit stops it.
def handler(event, context):
    hoard = []
    while True:
        hoard.append(b'\x01' * (16 << 20))
