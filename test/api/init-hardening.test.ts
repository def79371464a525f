// The function's code against its own env's init (issue 8, item 3): hostile code runs as the
// init's uid, so only the init's own defences stand between it and forged reports. Each case is
// the attack itself, run inside a real env through the real server, asserting the errno the
// kernel gives (EPERM is accepted where a seccomp profile could answer first).
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server.js';
import { createFunction, invoke, report } from '../helpers/lambda.js';

let server: RunningServer;
let pythonRuntime: string;

beforeAll(async () => {
  server = await startServer();
  pythonRuntime = `python${execFileSync('/usr/bin/python3', ['-c', 'import sys;print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' }).trim()}`;
});
afterAll(async () => {
  await server?.stop();
});

// Python because it can make raw syscalls (ctypes) without a compiler in the env.
const ATTACKER = String.raw`
import ctypes, errno, os, struct, time, signal

libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
libc.syscall.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_long, ctypes.c_void_p]
calls = 0

def err(e):
    return errno.errorcode.get(e, str(e))

def ptrace(request):
    r = libc.ptrace(request, 1, None, None)
    return 'ok' if r == 0 else err(ctypes.get_errno())

def attempt(fn):
    try:
        fn()
        return 'ok'
    except OSError as e:
        return err(e.errno)

def read_all(path):
    with open(path, 'rb') as f:
        f.read()

def open_rw(path):
    with open(path, 'r+b'):
        pass

def init_symbol(name, size):
    # The init is a static, unstripped ELF at a fixed address: find a variable in its symtab.
    data = open('/lwb/init', 'rb').read()
    shoff, = struct.unpack_from('<Q', data, 0x28)
    shentsize, shnum = struct.unpack_from('<HH', data, 0x3A)
    sections = [struct.unpack_from('<IIQQQQIIQQ', data, shoff + i * shentsize) for i in range(shnum)]
    for s in sections:
        if s[1] != 2:  # SHT_SYMTAB
            continue
        strtab = sections[s[6]]
        for off in range(s[4], s[4] + s[5], 24):
            st_name, _, _, _, value, st_size = struct.unpack_from('<IBBHQQ', data, off)
            end = data.index(b'\0', strtab[4] + st_name)
            if data[strtab[4] + st_name:end] == name and st_size == size:
                return value
    raise RuntimeError('symbol not found')

def forge_duration():
    # The attack that worked: rewrite the init's record of when the event was delivered, so that
    # REPORT says the invoke took 1 ms. cur = { int active; char id[256]; u64 ts_next, ts_delivered; }
    time.sleep(1.2)
    try:
        f = open('/proc/1/mem', 'r+b', buffering=0)
    except OSError as e:
        return err(e.errno)
    f.seek(init_symbol(b'cur', 280) + 272)
    f.write(struct.pack('<Q', time.monotonic_ns() - 1000000))
    return 'forged'

def signal_init():
    out = {}
    for name in ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGSEGV', 'SIGCHLD', 'SIGSTOP', 'SIGKILL']:
        out[name] = attempt(lambda: os.kill(1, getattr(signal, name)))
    # sigqueue may claim any sender pid (here 0, "from outside the env") with a negative si_code.
    info = ctypes.create_string_buffer(128)
    struct.pack_into('<iii', info, 0, signal.SIGTERM, 0, -1)  # SI_QUEUE
    struct.pack_into('<iI', info, 16, 0, 0)
    r = libc.syscall(129, 1, signal.SIGTERM, info)  # rt_sigqueueinfo (x86_64)
    out['sigqueue SIGTERM as pid 0'] = 'ok' if r == 0 else err(ctypes.get_errno())
    time.sleep(0.5)  # time for the init to act on them, if it would
    return out

def spawn_escapees():
    # One child in a session of its own, one double-forked orphan (reparented to PID 1): neither is
    # in the runtime's process group any more. Both write a heartbeat into /tmp.
    pids = []
    for orphan in (False, True):
        r, w = os.pipe()
        if os.fork() == 0:
            os.setsid()
            if orphan and os.fork() != 0:
                os._exit(0)
            os.write(w, str(os.getpid()).encode())
            fd = os.open('/dev/null', os.O_RDWR)
            for std in (0, 1, 2):
                os.dup2(fd, std)
            path = '/tmp/heartbeat-%d' % os.getpid()
            while True:
                with open(path, 'w') as f:
                    f.write(str(time.monotonic_ns()))
                time.sleep(0.05)
        os.close(w)
        pids.append(int(os.read(r, 32)))
        os.close(r)
    with open('/tmp/escapees', 'w') as f:
        f.write(' '.join(map(str, pids)))
    time.sleep(60)  # past the function's timeout

def survivors():
    pids = [int(p) for p in open('/tmp/escapees').read().split()]
    beats = lambda: {p: open('/tmp/heartbeat-%d' % p).read() for p in pids}
    before = beats()
    time.sleep(0.5)
    others = sorted(int(p) for p in os.listdir('/proc') if p.isdigit() and int(p) not in (1, os.getpid()))
    return {'escapees': pids, 'alive': [p for p in pids if os.path.exists('/proc/%d' % p)],
            'heartbeatMoved': beats() != before, 'others': others,
            'commands': [open('/proc/%d/cmdline' % p, 'rb').read().decode(errors='replace') for p in others if os.path.exists('/proc/%d' % p)]}

def handler(event, context):
    global calls
    calls += 1
    mode = event.get('mode')
    if mode == 'probe':
        return {
            'ptraceSeize': ptrace(0x4206),
            'ptraceAttach': ptrace(16),
            'memReadWrite': attempt(lambda: open_rw('/proc/1/mem')),
            'memRead': attempt(lambda: read_all('/proc/1/mem')),
            'environ': attempt(lambda: read_all('/proc/1/environ')),
            'fd': attempt(lambda: os.listdir('/proc/1/fd')),
            'tokenInMyEnv': 'LWB_CHANNEL_TOKEN' in os.environ or b'LWB_CHANNEL_TOKEN' in open('/proc/self/environ', 'rb').read(),
        }
    if mode == 'forge':
        return {'forge': forge_duration()}
    if mode == 'signal':
        return {'sent': signal_init(), 'pid': os.getpid(), 'calls': calls}
    if mode == 'spawn':
        spawn_escapees()
    if mode == 'survivors':
        return survivors()
    return {'pid': os.getpid(), 'calls': calls}
`;

const DENIED = ['EACCES', 'EPERM'];

describe('the function cannot control its init', () => {
  const name = 'init-attacker';
  beforeAll(async () => {
    await createFunction(server.client(), { name, runtime: pythonRuntime, handler: 'app.handler', files: { 'app.py': ATTACKER }, timeout: 3 });
  }, 120_000);

  it('cannot ptrace PID 1 or open its memory, environment or fds', async () => {
    const out = await invoke(server.client(), name, { mode: 'probe' });
    expect(out.functionError).toBeUndefined();
    // A seccomp profile may refuse ptrace before the kernel's own check: EPERM either way.
    expect(out.json).toEqual({
      ptraceSeize: 'EPERM',
      ptraceAttach: 'EPERM',
      memReadWrite: expect.toBeOneOf(DENIED),
      memRead: expect.toBeOneOf(DENIED),
      environ: expect.toBeOneOf(DENIED),
      fd: expect.toBeOneOf(DENIED),
      tokenInMyEnv: false,
    });
  }, 60_000);

  it('cannot make the init report a forged duration', async () => {
    const out = await invoke(server.client(), name, { mode: 'forge' });
    expect(out.functionError).toBeUndefined();
    expect(DENIED).toContain(out.json.forge);
    const duration = Number.parseFloat(report(out.log).Duration!);
    expect(duration).toBeGreaterThanOrEqual(1200);
  }, 60_000);

  it('cannot shut the init down or stop it with signals, even claiming to come from outside', async () => {
    const out = await invoke(server.client(), name, { mode: 'signal' });
    expect(out.functionError).toBeUndefined();
    // Delivery is allowed (same uid); the init ignores what it does not handle.
    expect(Object.values(out.json.sent).every((r) => r === 'ok' || r === 'EPERM')).toBe(true);
    const next = await invoke(server.client(), name, { mode: 'ok' });
    expect(next.functionError).toBeUndefined();
    expect(next.json).toEqual({ pid: out.json.pid, calls: out.json.calls + 1 });  // the same runtime, never reset
  }, 60_000);
});

describe('a reset kills every process of the env', () => {
  it('processes that left the runtime’s session die at the timeout, and none is left as a zombie', async () => {
    const name = 'init-escapees';
    await createFunction(server.client(), { name, runtime: pythonRuntime, handler: 'app.handler', files: { 'app.py': ATTACKER }, timeout: 2 });
    const out = await invoke(server.client(), name, { mode: 'spawn' });
    expect(out.json?.errorType).toBe('Sandbox.Timedout');
    const after = await invoke(server.client(), name, { mode: 'survivors' });
    expect(after.functionError, after.payload).toBeUndefined();
    expect(after.json.escapees).toHaveLength(2);
    expect(after.json).toMatchObject({ alive: [], heartbeatMoved: false, others: [] });
  }, 90_000);

  it('a detached child of a runtime that crashes dies with it (Node.js)', async () => {
    const name = 'init-detached';
    const code = `
const { spawn } = require('node:child_process');
const fs = require('node:fs');
exports.handler = async (event) => {
  if (event.mode === 'spawn') {
    const beat = 'setInterval(() => require("fs").writeFileSync("/tmp/beat", String(process.hrtime.bigint())), 50)';
    const child = spawn(process.execPath, ['-e', beat], { detached: true, stdio: 'ignore' });
    child.unref();
    fs.writeFileSync('/tmp/child', String(child.pid));
    while (!fs.existsSync('/tmp/beat')) await new Promise((r) => setTimeout(r, 20));  // it runs
    process.exit(3);
  }
  const pid = Number(fs.readFileSync('/tmp/child', 'utf8'));
  const before = fs.readFileSync('/tmp/beat', 'utf8');
  await new Promise((r) => setTimeout(r, 400));
  const others = fs.readdirSync('/proc').filter((p) => /^\\d+$/.test(p) && p !== '1' && Number(p) !== process.pid);
  return { childAlive: fs.existsSync('/proc/' + pid), beatMoved: fs.readFileSync('/tmp/beat', 'utf8') !== before, others };
};`;
    await createFunction(server.client(), { name, files: { 'index.js': code }, timeout: 10 });
    const out = await invoke(server.client(), name, { mode: 'spawn' });
    expect(out.json?.errorType).toBe('Runtime.ExitError');
    const after = await invoke(server.client(), name, { mode: 'check' });
    expect(after.functionError, after.payload).toBeUndefined();
    expect(after.json).toEqual({ childAlive: false, beatMoved: false, others: [] });
  }, 90_000);
});
