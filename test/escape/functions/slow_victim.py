# A caller's real invocation, long enough for another env to try to answer it.
import time


def handler(event, context):
    print('REQUEST', context.aws_request_id, flush=True)
    time.sleep(event.get('hold', 3))
    return {'real': True, 'id': context.aws_request_id}
