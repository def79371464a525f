// The sandbox as an attacker meets it. From inside an env: the syscalls the
// workbench's seccomp profile denies fail with EPERM (clone3 with ENOSYS, and
// threads still work), there is no /dev/shm, the host's kernel command line
// and boot id are masked, the cgroup namespace is the env's own, /tmp's source
// is no loop device, and the channel socket is gone. From the host: a local
// process that reaches the channel first is refused and reported, with a wrong
// token or with the right one from the wrong process, and the init still gets in.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server.js';
import { createFunction, invoke } from '../helpers/lambda.js';
import { docker } from '../helpers/workbench.js';
import { DockerSandbox, openRunDir } from '../../main/engine/sandbox/docker-sandbox.js';
import { unmountUnder } from '../../main/engine/sandbox/run-fs.js';
import { RuntimeImages } from '../../main/engine/images/runtime-images.js';
import { findRuntime } from '../../main/engine/runtimes.js';
import { SANDBOX_UID } from '../../main/engine/images/rootfs.js';

const PROBE_PY = `
import ctypes, errno, os, platform, socket, threading

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
# x86_64 and aarch64 numbers; io_uring_setup and clone3 are the same on both.
NR = {
    'x86_64': dict(io_uring_setup=425, unshare=272, mount=165, clock_settime=227, ptrace=101, personality=135, clone3=435, setns=308, bpf=321),
    'aarch64': dict(io_uring_setup=425, unshare=97, mount=40, clock_settime=112, ptrace=117, personality=92, clone3=435, setns=268, bpf=280),
}[platform.machine()]

def call(name, *args):
    ctypes.set_errno(0)
    r = libc.syscall(ctypes.c_long(NR[name]), *[ctypes.c_long(a) if isinstance(a, int) else a for a in args])
    return errno.errorcode.get(ctypes.get_errno(), 'OK') if r == -1 else 'OK'

def read(path):
    try:
        with open(path) as f: return f.read()
    except OSError as e:
        return errno.errorcode[e.errno]

def handler(event, context):
    params = ctypes.create_string_buffer(120)
    ts = (ctypes.c_long * 2)(0, 0)
    box = []
    t = threading.Thread(target=lambda: box.append('ran'))
    t.start(); t.join()
    s = socket.socket(socket.AF_UNIX)
    try:
        s.connect('/run/lwb/host.sock'); channel = 'connected'
    except OSError as e:
        channel = errno.errorcode[e.errno]
    return {
        'io_uring_setup': call('io_uring_setup', 1, params),
        'unshare': call('unshare', 0x10000000),
        'mount': call('mount', b'none', b'/tmp', b'tmpfs', 0, 0),
        'clock_settime': call('clock_settime', 0, ts),
        'ptrace': call('ptrace', 16, 1, 0, 0),
        'setns': call('setns', 0, 0),
        'bpf': call('bpf', 0, 0, 0),
        'personality_no_aslr': call('personality', 0x0040000),
        'personality_query': call('personality', 0xffffffff),
        'clone3': call('clone3', 0, 0),
        'thread': box,
        'pid': os.getpid() > 1,
        'dev_shm': os.path.exists('/dev/shm'),
        'cmdline': read('/proc/cmdline'),
        'boot_id': read('/proc/sys/kernel/random/boot_id'),
        'cgroup': read('/proc/self/cgroup'),
        'mountinfo': read('/proc/self/mountinfo'),
        'channel': channel,
        'channel_dir': os.listdir('/run/lwb'),
    }
`;

describe('inside a hardened env', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('denied syscalls fail with EPERM, clone3 with ENOSYS, and threads still start', async () => {
    await createFunction(server.client(), { name: 'hardened', runtime: 'python3.11', handler: 'app.handler', files: { 'app.py': PROBE_PY } });
    const out = await invoke(server.client(), 'hardened');
    expect(out.functionError, out.payload).toBeUndefined();
    const r = out.json;
    expect({
      io_uring_setup: r.io_uring_setup, unshare: r.unshare, mount: r.mount, clock_settime: r.clock_settime,
      ptrace: r.ptrace, setns: r.setns, bpf: r.bpf, personality_no_aslr: r.personality_no_aslr,
    }).toEqual({
      io_uring_setup: 'EPERM', unshare: 'EPERM', mount: 'EPERM', clock_settime: 'EPERM',
      ptrace: 'EPERM', setns: 'EPERM', bpf: 'EPERM', personality_no_aslr: 'EPERM',
    });
    expect(r.personality_query).toBe('OK');
    expect(r.clone3).toBe('ENOSYS');
    expect(r.thread).toEqual(['ran']);

    // What the env sees of the host.
    expect(r.dev_shm).toBe(false);
    expect(r.cmdline).toBe('');
    expect(r.boot_id).toBe('');
    for (const line of r.cgroup.trim().split('\n')) expect(line).toMatch(/:\/$/);
    expect(r.mountinfo).not.toMatch(/\/dev\/loop\d/);
    expect(r.mountinfo).toMatch(/ \/tmp .* - (ext4 \/dev\/lwb\/[0-9a-f]+|tmpfs tmpfs) /);
    // The channel's socket was removed once the init connected: nothing in the env can open another.
    expect(r.channel).toBe('ENOENT');
    expect(r.channel_dir).toEqual([]);
  });

  it('node 22 (worker threads, child processes) and a provided.al2023 shell bootstrap still run', async () => {
    await createFunction(server.client(), {
      name: 'node22',
      runtime: 'nodejs22.x',
      // A worker and a child node each start a V8: give them a whole CPU.
      memory: 1769,
      timeout: 30,
      files: {
        'index.js': `
const { Worker } = require('node:worker_threads');
const { execFileSync } = require('node:child_process');
exports.handler = async () => {
  const fromWorker = await new Promise((resolve, reject) => {
    const w = new Worker('require("node:worker_threads").parentPort.postMessage(6 * 7)', { eval: true });
    w.once('message', resolve); w.once('error', reject);
  });
  return { fromWorker, child: execFileSync(process.execPath, ['-e', 'process.stdout.write("child")']).toString() };
};`,
      },
    });
    const node = await invoke(server.client(), 'node22');
    expect(node.functionError, node.payload).toBeUndefined();
    expect(node.json).toEqual({ fromWorker: 42, child: 'child' });

    const BOOTSTRAP = `#!/bin/bash
API="http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
while true; do
  H="$(mktemp)"
  EVENT=$(curl -sS -D "$H" "$API/invocation/next")
  ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$H" | tr -d '[:space:]' | cut -d: -f2)
  curl -sS -o /dev/null -X POST "$API/invocation/$ID/response" -d "{\\"echo\\":$EVENT,\\"sub\\":\\"$(echo piped | cat)\\"}"
done
`;
    await createFunction(server.client(), {
      name: 'shell',
      runtime: 'provided.al2023',
      handler: 'x',
      files: { bootstrap: { content: BOOTSTRAP, mode: 0o100755 } },
    });
    const shell = await invoke(server.client(), 'shell', { n: 1 });
    expect(shell.functionError, shell.payload).toBeUndefined();
    expect(shell.json).toEqual({ echo: { n: 1 }, sub: 'piped' });
  });
});

/** What the kernel says of a process's freezer cgroup (v1 freezer.state, v2 cgroup.events), from the host. */
function processState(pid: number): string {
  const lines = readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n');
  const v1 = lines.find((l) => /^\d+:freezer:/.test(l));
  if (v1) return readFileSync(`/sys/fs/cgroup/freezer${v1.split(':')[2]}/freezer.state`, 'utf8').trim();
  const v2 = lines.find((l) => l.startsWith('0::'))!.slice(3);
  return /frozen 1/.test(readFileSync(`/sys/fs/cgroup${v2}/cgroup.events`, 'utf8')) ? 'frozen' : 'thawed';
}
const frozen = (hostView: string): string => (/^\d+:freezer:/m.test(hostView) ? 'FROZEN' : 'frozen');

/** One frame of the channel protocol (runtimes/init/PROTOCOL.md). */
function frame(type: number, payload: string): Buffer {
  const body = Buffer.from(payload, 'utf8');
  const head = Buffer.alloc(5);
  head.writeUInt32BE(body.length + 1, 0);
  head[4] = type;
  return Buffer.concat([head, body]);
}
const HELLO = 0x81;

/** Connects to a socket and sends a frame; resolves with the socket and a promise of its close. */
async function impostor(path: string, bytes: Buffer): Promise<{ socket: Socket; closed: Promise<void> }> {
  const socket = connect(path);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => {});
  socket.write(bytes);
  return { socket, closed };
}

describe('the channel, seen from the host', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lwb-hardening-'));
  const sandboxes: DockerSandbox[] = [];
  let image: string;
  const runtime = findRuntime('provided.al2023')!;
  beforeAll(async () => {
    image = await new RuntimeImages(docker, join(dataDir, 'cache')).ensure(runtime);
  });
  afterAll(async () => {
    await Promise.all(sandboxes.map((s) => s.destroy()));
    unmountUnder(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses and reports whoever connects before the init, then removes the socket', async () => {
    const runDir = openRunDir(dataDir).dir;
    expect(statSync(runDir).mode & 0o777).toBe(0o700);
    const reports: string[] = [];
    const impostors: Promise<void>[] = [];
    // A Docker client that lets local processes connect between the listener's start and the container's.
    const racing = Object.create(docker) as Docker;
    racing.createContainer = async (opts: Docker.ContainerCreateOptions) => {
      const [id] = readdirSync(runDir);
      const sock = join(runDir, id!, 'chan', 'host.sock');
      const chanDir = statSync(join(runDir, id!, 'chan'));
      if (process.getuid?.() === 0) {
        expect(chanDir.uid).toBe(SANDBOX_UID);
        expect(chanDir.mode & 0o777).toBe(0o700);
        expect(statSync(sock).mode & 0o777).toBe(0o600);
      }
      expect(statSync(join(runDir, id!)).mode & 0o777).toBe(0o700);
      const token = opts.Env!.find((e) => e.startsWith('LWB_CHANNEL_TOKEN='))!.split('=')[1]!;
      expect(token).toMatch(/^[0-9a-f]{64}$/);
      // A wrong token, a first frame that is not HELLO, and (root only) the right token from the wrong process.
      const wrong = await impostor(sock, frame(HELLO, `1\0${'0'.repeat(64)}\0`));
      const notHello = await impostor(sock, frame(0x82, '\u0001hello'));
      impostors.push(wrong.closed, notHello.closed);
      if (process.getuid?.() === 0) impostors.push((await impostor(sock, frame(HELLO, `1\0${token}\0`))).closed);
      return docker.createContainer(opts);
    };
    const sb = await DockerSandbox.create(
      { docker: racing, workbenchId: 'hardeningtest000', runDir, onIntruder: (m) => reports.push(m) },
      { runtimeId: runtime.id, image, memoryMb: 128, ephemeralMb: 512 },
    );
    sandboxes.push(sb);
    await Promise.all(impostors); // each was closed by the host
    expect(reports).toEqual(
      expect.arrayContaining([
        expect.stringContaining('wrong channel token'),
        expect.stringContaining('first frame was log, not HELLO'),
        ...(process.getuid?.() === 0 ? [expect.stringContaining("peer is not the container's init")] : []),
      ]),
    );
    expect(reports).toHaveLength(impostors.length);
    // The init got in, and the socket is gone: nobody connects again.
    expect(sb.channel.isClosed).toBe(false);
    expect(existsSync(join(runDir, sb.id, 'chan', 'host.sock'))).toBe(false);

    const info = await docker.getContainer(sb.containerId!).inspect();
    const host = info.HostConfig as Docker.HostConfig & { CgroupnsMode?: string };
    expect(host.CgroupnsMode).toBe('private');
    expect(host.IpcMode).toBe('none');
    expect(host.MaskedPaths).toEqual(expect.arrayContaining(['/proc/kcore', '/proc/keys', '/sys/firmware', '/proc/cmdline', '/proc/sys/kernel/random/boot_id']));
    expect(host.SecurityOpt).toEqual(['no-new-privileges', expect.stringMatching(/^seccomp=\{"defaultAction":"SCMP_ACT_ERRNO"/)]);
    // Its own cgroup namespace inside; from the host, its cgroup is still found and driven directly.
    const pid = info.State!.Pid!;
    const hostView = readFileSync(`/proc/${pid}/cgroup`, 'utf8');
    expect(hostView).toMatch(/docker|[0-9a-f]{64}/);
    expect(sb.setCpus(null)).toBe(true);
    await sb.freeze();
    expect(processState(pid)).toBe(frozen(hostView));
    await sb.thaw();
    expect(sb.setCpus(0.1)).toBe(true);
    // Every limit there was before.
    expect(host).toMatchObject({ NetworkMode: 'none', Memory: 128 * 1024 * 1024, MemorySwap: 128 * 1024 * 1024, PidsLimit: 1024, ReadonlyRootfs: true, CapDrop: ['ALL'] });
  });

  it('a long data dir gets an unpredictable owner-only run folder, and the next start removes a crashed one', () => {
    const longDir = join(dataDir, 'x'.repeat(70));
    rmSync(longDir, { recursive: true, force: true });
    mkdirSync(longDir);
    const first = openRunDir(longDir).dir;
    expect(first.startsWith(join(tmpdir(), 'lwb-run-'))).toBe(true);
    expect(first).not.toContain('hardeningtest');
    expect(statSync(first).mode & 0o777).toBe(0o700);
    const second = openRunDir(longDir).dir;
    expect(second).not.toBe(first);
    expect(existsSync(first)).toBe(false);
    unmountUnder(second);
    rmSync(second, { recursive: true, force: true });
  });
});
