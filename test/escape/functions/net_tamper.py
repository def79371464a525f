# From an env with a network: tries to change what the workbench set up for it.
# Its /etc/hosts and /etc/resolv.conf (the workbench's files, bound read-only),
# its eth0 (a new address by netlink as `ip addr add` does and by ioctl, the
# link down), a route, a raw socket, and a source address that is not its own
# (IP_FREEBIND bind + connect, IP_TRANSPARENT), which would let it pass for
# another env whose address the firewall allows more. Then it reports what is
# left: its address, its files, whether the test internet still answers.
import fcntl
import json
import os
import socket
import struct

from escape_lib import attempt, errname

SIOCGIFADDR = 0x8915
SIOCSIFADDR = 0x8916
SIOCGIFFLAGS = 0x8913
SIOCSIFFLAGS = 0x8914
IFF_UP = 0x1
IP_TRANSPARENT = 19
IP_FREEBIND = 15
RTM_NEWADDR = 20
RTM_NEWROUTE = 24
NLM_F_REQUEST, NLM_F_ACK, NLM_F_EXCL, NLM_F_CREATE = 0x1, 0x4, 0x200, 0x400


def eth0_address():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        return socket.inet_ntoa(fcntl.ioctl(s.fileno(), SIOCGIFADDR, struct.pack('16s16x', b'eth0'))[20:24])


def ifreq_addr(ip):
    return struct.pack('16sH2s4s8x', b'eth0', socket.AF_INET, b'\0\0', socket.inet_aton(ip))


def ioctl(req, arg):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        fcntl.ioctl(s.fileno(), req, arg)
        return 'done'


def link_down():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        flags = struct.unpack('16sH', fcntl.ioctl(s.fileno(), SIOCGIFFLAGS, struct.pack('16s16x', b'eth0'))[:18])[1]
        fcntl.ioctl(s.fileno(), SIOCSIFFLAGS, struct.pack('16sH14x', b'eth0', flags & ~IFF_UP))
        return 'done'


def rtattr(kind, data):
    return struct.pack('HH', 4 + len(data), kind) + data


def netlink(kind, body):
    """Sends one rtnetlink request with an ack; the kernel's answer as an errno name ('done' for 0)."""
    with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE) as s:
        s.bind((0, 0))
        s.send(struct.pack('IHHII', 16 + len(body), kind, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, 1, 0) + body)
        reply = s.recv(65536)
    _, mtype = struct.unpack('IH', reply[:6])
    if mtype != 2:  # NLMSG_ERROR carries the ack
        return 'unexpected reply %d' % mtype
    code = struct.unpack('i', reply[16:20])[0]
    return 'done' if code == 0 else errname(-code)


def add_address(ip):
    index = socket.if_nametoindex('eth0')
    addr = socket.inet_aton(ip)
    return netlink(RTM_NEWADDR, struct.pack('BBBBI', socket.AF_INET, 24, 0, 0, index) + rtattr(2, addr) + rtattr(1, addr))


def add_route(dest, gateway):
    # rtmsg: family, dst_len, src_len, tos, table (main 254), protocol (boot 3), scope (universe 0), type (unicast 1), flags
    body = struct.pack('BBBBBBBBI', socket.AF_INET, 32, 0, 0, 254, 3, 0, 1, 0)
    return netlink(RTM_NEWROUTE, body + rtattr(1, socket.inet_aton(dest)) + rtattr(5, socket.inet_aton(gateway)))


def connect_from(source, target, port):
    """Connects with a source address that is not the env's own (IP_FREEBIND allows the bind)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(3)
        s.setsockopt(socket.SOL_IP, IP_FREEBIND, 1)
        s.bind((source, 0))
        try:
            s.connect((target, port))
        except socket.timeout:
            return 'TIMEOUT'
        return 'connected'


def set_transparent():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_IP, IP_TRANSPARENT, 1)
        return 'done'


def raw_socket():
    socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003)).close()
    return 'done'


def reach(host, port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(3)
        try:
            s.connect((host, port))
        except socket.timeout:
            return 'TIMEOUT'
        except OSError as e:
            return errname(e.errno)
        return 'connected'


def outcome(r):
    return r.get('ok', r.get('error'))


def handler(event, context):
    mine = eth0_address()
    gateway = next(l.split()[0] for l in open('/etc/hosts') if 'host.lambda.internal' in l)
    prefix = mine.rsplit('.', 1)[0]
    other = '%s.%d' % (prefix, 250 if not mine.endswith('.250') else 249)
    hosts_before = open('/etc/hosts').read()
    resolv_before = open('/etc/resolv.conf').read()

    def write(path, text):
        with open(path, 'a') as f:
            f.write(text)
        return 'done'

    tried = {
        'write /etc/hosts': outcome(attempt(lambda: write('/etc/hosts', '%s example.com\n' % gateway))),
        'write /etc/resolv.conf': outcome(attempt(lambda: write('/etc/resolv.conf', 'nameserver %s\n' % gateway))),
        'replace /etc/hosts': outcome(attempt(lambda: os.rename('/tmp', '/etc/hosts'))),
        'netlink add address': add_address(other),
        'netlink add route': add_route(event['internet'], gateway),
        'ioctl set address': outcome(attempt(lambda: ioctl(SIOCSIFADDR, ifreq_addr(other)))),
        'ioctl link down': outcome(attempt(link_down)),
        'raw packet socket': outcome(attempt(raw_socket)),
        'IP_TRANSPARENT': outcome(attempt(set_transparent)),
        "connect from the gateway's address": outcome(attempt(lambda: connect_from(gateway, event['internet'], 80))),
        "connect from another env's address": outcome(attempt(lambda: connect_from(other, gateway, event['port']))),
    }
    return {
        'mine': mine,
        'tried': tried,
        'after': {
            'address': eth0_address(),
            'hostsUnchanged': open('/etc/hosts').read() == hosts_before,
            'resolvUnchanged': open('/etc/resolv.conf').read() == resolv_before,
            'internet': reach(event['internet'], 80),
        },
    }
