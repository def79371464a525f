// The Docker backend: one container per execution environment, created with
// Lambda's limits, talking to the host only through a Unix socket that is
// mounted into that container alone. Code is not baked into the container:
// /var/task and /opt are read-only bind mounts of per-sandbox host folders,
// filled when a function is placed into the sandbox. That lets us keep a
// started, not-yet-assigned sandbox ready per shape, as Lambda does.
//
// The channel is the env's only way to the host, so it is guarded: its socket
// lives in folders only the workbench (and, for the socket's own folder, the
// sandbox user) can enter; the host accepts only the connection whose HELLO
// carries the token it gave that container (and, as root, whose peer is the
// container's init); then the socket file is removed, so nothing can connect
// again. The container gets the workbench's own seccomp profile (seccomp.ts),
// its own cgroup namespace, no /dev/shm, and /proc and /sys masked as Docker
// masks them plus the host's kernel command line and boot id.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { chmod, chown, mkdir, rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { Channel, type InitMessage } from './channel.js';
import { CgroupControl } from './cgroup.js';
import { processAlive } from '../process-alive.js';
import { hostCommand } from './host-commands.js';
import { createScratchDisk, releaseLoopDevicesUnder, releaseScratchDisk, type ScratchDisk } from './scratch-disk.js';
import { mountRunFs, runFsUnavailable, unmount, unmountUnder } from './run-fs.js';
import { SECCOMP_SECURITY_OPT } from './seccomp.js';
import type { TmpDisk } from './tmp-reader.js';
import { SANDBOX_GID, SANDBOX_UID } from '../images/rootfs.js';
import type { EnvNetwork, NetworkPolicy } from './network.js';

export const LABEL = 'lambda-workbench';

/** What a sandbox must be created with; sandboxes of one shape are interchangeable. */
export interface SandboxShape {
  runtimeId: string;
  image: string;
  memoryMb: number;
  ephemeralMb: number;
  /** `bridge`: on the workbench's network (network.ts), its policy set when taken; default `none`: only lo. */
  network?: 'none' | 'bridge';
}

export const shapeKey = (s: SandboxShape): string => `${s.image}|${s.memoryMb}|${s.ephemeralMb}|${s.network ?? 'none'}`;

/** Lambda allocates CPU in proportion to memory: 1,769 MB = 1 vCPU. */
export const cpusForMemory = (memoryMb: number): number => memoryMb / 1769;

export interface SandboxContext {
  docker: Docker;
  workbenchId: string;
  /** Folder for per-sandbox mounts (task, opt, channel socket). */
  runDir: string;
  /** runDir is a filesystem of its own: code and layers are mounted (overlay), not hard-linked, into sandboxes. */
  isolatedMounts?: boolean;
  /** Where /tmp disk images go (default: the sandbox's folder). */
  diskDir?: string;
  /** /tmp on a loop-mounted disk of the ephemeral size (see scratch-disk.ts); otherwise a tmpfs charged to memory. Turned off by the first failure. */
  scratchDisks?: boolean;
  /** Told of that failure: sandboxes get a tmpfs /tmp from then on. */
  onScratchDiskError?: (err: unknown) => void;
  /** Told of a connection to a sandbox's channel that was not its init (closed, never trusted). */
  onIntruder?: (message: string) => void;
  /** Told when removing a container failed (other than it being gone already): it may be left running. */
  onRemoveError?: (containerId: string, err: unknown) => void;
  /** The workbench's network, for sandboxes of shape network `bridge`. */
  network?: EnvNetwork;
}

/**
 * The folder for per-sandbox mounts: `<dataDir>/run`, owner-only. Unix socket
 * paths are limited to 107 bytes, so a long data dir gets an unpredictable
 * owner-only folder in the temp dir instead (never a guessable name another
 * local user could create first); its path is kept in `<dataDir>/run-dir` so
 * that the next start removes what a crash left behind.
 */
export function openRunDir(dataDir: string): RunDir {
  // /tmp disk images live on disk beside the data, never in the run folder (a tmpfs where it can be).
  const diskDir = join(dataDir, 'disks');
  releaseLoopDevicesUnder(diskDir);
  rmSync(diskDir, { recursive: true, force: true });
  mkdirSync(diskDir, { mode: 0o700 });
  const dir = openRunFolder(dataDir);
  // Where it may, the run folder becomes a filesystem of its own, so envs do not see host paths (run-fs.ts).
  let isolated = false;
  if (!runFsUnavailable()) {
    try {
      mountRunFs(dir);
      isolated = true;
    } catch {
      /* not allowed here (a container without CAP_SYS_ADMIN): code is hard-linked as before */
    }
  }
  return { dir, isolated, diskDir };
}

export interface RunDir {
  dir: string;
  /** The folder is a tmpfs of its own and code is mounted, not linked, into sandboxes. */
  isolated: boolean;
  /** Where sandboxes' /tmp disk images live. */
  diskDir: string;
}

function openRunFolder(dataDir: string): string {
  const preferred = join(dataDir, 'run');
  const record = join(dataDir, 'run-dir');
  if (preferred.length <= 60) {
    releaseLoopDevicesUnder(preferred); // while its images still have their paths: unmounting detaches them
    unmountUnder(preferred);
    rmSync(preferred, { recursive: true, force: true });
    mkdirSync(preferred, { mode: 0o700 });
    return preferred;
  }
  try {
    const previous = readFileSync(record, 'utf8');
    const st = lstatSync(previous);
    // Only a folder that is ours, made by mkdtemp below: the record is in the data dir, but be sure.
    if (previous.startsWith(join(tmpdir(), 'lwb-run-')) && st.isDirectory() && st.uid === process.getuid?.()) {
      releaseLoopDevicesUnder(previous);
      unmountUnder(previous);
      rmSync(previous, { recursive: true, force: true });
    }
  } catch {
    /* no previous run, or it is gone */
  }
  const dir = mkdtempSync(join(tmpdir(), 'lwb-run-')); // 0700
  writeFileSync(record, dir, { mode: 0o600 });
  return dir;
}

/** The container options that make an env an env; kept together so the limits are read in one place. */
const MASKED_PATHS = [
  // Docker's own list (setting MaskedPaths replaces it, so all of it is here)…
  '/proc/asound', '/proc/acpi', '/proc/interrupts', '/proc/kcore', '/proc/keys', '/proc/latency_stats',
  '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware',
  '/sys/devices/virtual/powercap',
  // …and what identifies the host: its kernel command line and boot id (Lambda shows its own microVM's).
  '/proc/cmdline', '/proc/sys/kernel/random/boot_id',
];

/** Equal-time comparison of two tokens of any length (the digests have one length). */
function sameToken(a: string, b: string): boolean {
  const digest = (t: string) => createHash('sha256').update(t).digest();
  return timingSafeEqual(digest(a), digest(b)) && a.length > 0;
}

/**
 * Whether the peer of `socket` (an accepted channel connection) is a socket
 * held by process `pidOf` (the container's init). Node has no SO_PEERCRED; `ss` (sock_diag) gives the
 * peer's inode and /proc/<pid>/fd the inodes the init holds. Needs root
 * (the init is not dumpable); undefined where it cannot tell.
 */
async function peerHeldBy(socket: Socket, sockPath: string, pidOf: Promise<number | undefined>): Promise<boolean | undefined> {
  const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (fd === undefined || fd < 0) return undefined;
  try {
    const local = readlinkSync(`/proc/self/fd/${fd}`).match(/^socket:\[(\d+)\]$/)?.[1];
    if (!local) return undefined;
    // ss runs (through the helper: host-commands.ts) while the container's pid is still being read.
    // Only the rows of this channel's path: every Unix socket of the host (dockerd's, containerd's,
    // each shim's) is thousands of rows with a hundred envs, split and matched on this thread.
    const [{ stdout }, pid] = await Promise.all([hostCommand('ss', ['-xnH', 'src', sockPath], { maxBuffer: 16 * 1024 * 1024 }), pidOf]);
    if (!pid) return undefined;
    // `u_str ESTAB 0 0 /path/host.sock <inode> * <peer inode>`: the inodes end the row (a path may hold spaces).
    const peer = stdout
      .split('\n')
      .map((l) => l.match(/\s(\d+)\s+\S+\s+(\d+)\s*$/))
      .find((m) => m?.[1] === local)?.[2];
    if (!peer) return undefined;
    return readdirSync(`/proc/${pid}/fd`).some((n) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${n}`) === `socket:[${peer}]`;
      } catch {
        return false;
      }
    });
  } catch {
    return undefined;
  }
}

const HELLO_TIMEOUT_MS = 15_000;

/** Docker's answer for a container that no longer exists, or is already being removed. */
const isGone = (err: unknown): boolean => {
  const status = (err as { statusCode?: number }).statusCode;
  return status === 404 || (status === 409 && /already in progress/i.test(String((err as Error).message)));
};

export class DockerSandbox {
  readonly taskDir: string;
  readonly optDir: string;
  /** Where this sandbox's /tmp disk image lives. */
  private readonly diskDir: string;
  private container: Docker.Container | null = null;
  private cgroup: CgroupControl | null = null;
  private destroyed = false;
  private frozenViaDocker = false;
  /** Its address on the workbench's network (bridge shapes). */
  private ip: string | undefined;
  /** The policy put in place for it, taken out again before the container (and its address) goes. */
  private policy: NetworkPolicy | undefined;
  /** Its /tmp's disk image (scratch-disk.ts names it tmp.img in diskDir) and its init's host pid; see tmpDisk. */
  private tmp: TmpDisk | undefined;
  channel!: Channel;

  private constructor(
    private readonly ctx: SandboxContext,
    readonly id: string,
    readonly shape: SandboxShape,
    private readonly dir: string,
  ) {
    this.taskDir = join(dir, 'task');
    this.optDir = join(dir, 'opt');
    this.diskDir = ctx.diskDir ? join(ctx.diskDir, id) : dir;
  }

  static async create(ctx: SandboxContext, shape: SandboxShape): Promise<DockerSandbox> {
    const id = randomBytes(6).toString('hex');
    const dir = join(ctx.runDir, id);
    const sb = new DockerSandbox(ctx, id, shape, dir);
    try {
      await sb.start();
      return sb;
    } catch (err) {
      await sb.destroy();
      throw err;
    }
  }

  private async start(): Promise<void> {
    // On the workbench's network (created on first use), or none (only lo).
    const net = this.shape.network === 'bridge' ? await this.networkOrFail().ensure() : undefined;
    const chanDir = join(this.dir, 'chan');
    // The sandbox's folder is the workbench's alone; task and opt are mount roots the sandbox user reads.
    // Off the event loop: while runc mounts for other envs, a mkdir in the run folder took 19–80 ms.
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await chmod(this.dir, 0o700);
    await Promise.all([this.taskDir, this.optDir].map((d) => mkdir(d, { mode: 0o755 }).then(() => chmod(d, 0o755))));
    // The socket's folder is the mount point of /run/lwb: its own mode is what the init meets there.
    // As root it belongs to the sandbox user alone; otherwise the folders above keep other users out.
    const asRoot = process.getuid?.() === 0;
    await mkdir(chanDir, { mode: 0o700 });
    if (asRoot) await chown(chanDir, SANDBOX_UID, SANDBOX_GID);
    else await chmod(chanDir, 0o711);

    const token = randomBytes(32).toString('hex');
    const sockPath = join(chanDir, 'host.sock');
    let initPid: (pid: number | undefined) => void = () => {};
    const pid = new Promise<number | undefined>((resolve) => (initPid = resolve));
    const server = createServer();
    const candidates = new Set<Channel>();
    // Every connection must say HELLO with this container's token (and, as root, come from its init);
    // anything else is closed and reported, and the listener stays open for the real one.
    const accepted = new Promise<Channel>((resolve, reject) => {
      server.on('connection', (socket) => {
        const channel = new Channel(socket);
        candidates.add(channel);
        let settled = false;
        const refuse = (why: string) => {
          if (settled) return;
          settled = true;
          candidates.delete(channel);
          channel.close();
          this.ctx.onIntruder?.(`sandbox ${this.id}: refused a connection to its channel (${why})`);
        };
        channel.once('close', () => refuse('closed before HELLO'));
        channel.once('protocolError', (err: Error) => refuse(`malformed frame: ${err.message}`));
        channel.once('message', async (m: InitMessage) => {
          if (m.type !== 'hello') return refuse(`first frame was ${m.type}, not HELLO`);
          if (!sameToken(m.token, token)) return refuse('wrong channel token');
          if (asRoot && (await peerHeldBy(socket, sockPath, pid)) === false) {
            return refuse(`peer is not the container's init (pid ${await pid})`);
          }
          if (channel.isClosed || settled) return refuse('closed before it was accepted');
          settled = true;
          candidates.delete(channel);
          resolve(channel);
        });
      });
      server.once('error', reject);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(sockPath, () => resolve());
    });
    if (asRoot) {
      chownSync(sockPath, SANDBOX_UID, SANDBOX_GID);
      chmodSync(sockPath, 0o600);
    } else chmodSync(sockPath, 0o666);

    const { docker, workbenchId } = this.ctx;
    const memoryBytes = this.shape.memoryMb * 1024 * 1024;
    let disk: ScratchDisk | null = null;
    if (this.ctx.scratchDisks) {
      await mkdir(this.diskDir, { recursive: true, mode: 0o700 });
      disk = await createScratchDisk(this.diskDir, this.shape.ephemeralMb, { uid: SANDBOX_UID, gid: SANDBOX_GID }, this.id).catch((err) => {
        // What failed once (no free loop device, a sandboxed dockerd) fails again: tmpfs from now on, said once.
        this.ctx.scratchDisks = false;
        this.ctx.onScratchDiskError?.(err);
        return null;
      });
    }
    const tmp = disk
      ? { Mounts: [disk.mount] }
      : { Tmpfs: { '/tmp': `rw,nosuid,nodev,size=${this.shape.ephemeralMb}m,mode=1777` } };
    // CgroupnsMode (API 1.41) is not in dockerode's types yet.
    const hostConfig: Docker.HostConfig & { CgroupnsMode: 'private' } = {
      NetworkMode: 'none',
      ...net?.hostConfig,
      Memory: memoryBytes,
      MemorySwap: memoryBytes,
      NanoCpus: Math.round(cpusForMemory(this.shape.memoryMb) * 1e9),
      PidsLimit: 1024,
      Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 1024 }],
      ReadonlyRootfs: true,
      ...tmp,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges', SECCOMP_SECURITY_OPT],
      // rslave: the code's overlay, mounted on task and opt once the sandbox is taken, reaches the env.
      Binds: [`${this.taskDir}:/var/task:ro${this.isolatedMounts ? ',rslave' : ''}`, `${this.optDir}:/opt:ro${this.isolatedMounts ? ',rslave' : ''}`, `${chanDir}:/run/lwb:ro`, ...(net?.binds ?? [])],
      // Its own IPC namespace and no /dev/shm, as on Lambda.
      IpcMode: 'none',
      // Its own cgroup namespace: /proc/self/cgroup shows `/`, not the host's hierarchy.
      CgroupnsMode: 'private',
      MaskedPaths: MASKED_PATHS,
      AutoRemove: false,
    };
    try {
      this.container = await docker.createContainer({
        name: `lwb-${workbenchId.slice(0, 8)}-${this.id}`,
        Image: this.shape.image,
        Entrypoint: ['/lwb/init', '--channel', '/run/lwb/host.sock'],
        Cmd: [],
        User: `${SANDBOX_UID}:${SANDBOX_GID}`,
        WorkingDir: '/var/task',
        // The init takes the token out of its environment before anything else runs.
        Env: ['PATH=/var/lang/bin:/usr/local/bin:/usr/bin:/bin', `LWB_CHANNEL_TOKEN=${token}`],
        // Docker's networking is never set up: a networked env is plugged in by the workbench (network.ts).
        NetworkDisabled: true,
        Labels: {
          [LABEL]: '1',
          [`${LABEL}.workbench`]: workbenchId,
          [`${LABEL}.host`]: hostname(),
          [`${LABEL}.pid`]: String(process.pid),
          [`${LABEL}.sandbox`]: this.id,
          [`${LABEL}.runtime`]: this.shape.runtimeId,
        },
        HostConfig: hostConfig,
      });
      await this.container.start();
      const info = await this.container.inspect();
      initPid(info.State?.Pid || undefined);
      // Plugged into the workbench's network while the init says hello; both before any code runs.
      const plugged = net && info.State?.Pid ? this.networkOrFail().plug(this.id, info.State.Pid) : undefined;
      if (net && !plugged) throw new Error('the container has no process to plug into the network');
      plugged?.then((ip) => (this.ip = ip), () => {}); // the address is given back at destroy even if the hello fails
      this.cgroup = info.State?.Pid ? CgroupControl.forPid(info.State.Pid) : null;
      if (disk) this.tmp = { image: join(this.diskDir, 'tmp.img'), pid: info.State?.Pid || undefined };

      this.channel = await Promise.race([
        accepted,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('the init did not connect (is the runtime image broken?)')), HELLO_TIMEOUT_MS).unref(),
        ),
      ]);
      if (plugged) await plugged;
    } finally {
      initPid(undefined);
      server.close();
      // Nothing can connect again: from inside the env, /run/lwb/host.sock is gone.
      try {
        unlinkSync(sockPath);
      } catch {
        /* never listened */
      }
      for (const c of candidates) c.close();
      // Mounted: detaching is deferred to the unmount. Not mounted (the start failed): freed now.
      if (disk) await releaseScratchDisk(disk);
    }
  }

  /** Where its /tmp can be read from the host without entering the env (tmp-reader.ts); undefined for a tmpfs /tmp. */
  get tmpDisk(): TmpDisk | undefined {
    return this.destroyed ? undefined : this.tmp;
  }

  get containerId(): string | undefined {
    return this.container?.id;
  }

  /** Its IPv4 address on the workbench's network (undefined without one). */
  get address(): string | undefined {
    return this.ip;
  }

  private networkOrFail(): EnvNetwork {
    if (!this.ctx.network) throw new Error('a sandbox with a network needs the workbench network (SandboxContext.network)');
    return this.ctx.network;
  }

  /**
   * What this env may reach (its allowlisted host ports; whether it has the
   * internet), put in place once, when the sandbox is taken, before any code runs.
   */
  async applyNetwork(policy: NetworkPolicy): Promise<void> {
    if (!this.ip) {
      if (policy.internet || policy.hostPorts.length) throw new Error('this sandbox has no network: its shape is none');
      return;
    }
    if (this.policy) throw new Error('the sandbox already has its network policy');
    if (!policy.internet || policy.hostPorts.length) await this.networkOrFail().allow(this.ip, policy);
    this.policy = policy;
  }

  /** Lifts or sets the CPU quota (init boost); false where the cgroup is not ours to write. */
  setCpus(cpus: number | null): boolean {
    return this.cgroup?.setCpus(cpus) ?? false;
  }

  oomKills(): number {
    return this.cgroup?.oomKills() ?? 0;
  }

  async freeze(): Promise<void> {
    if (this.destroyed) return;
    if (this.cgroup) return this.cgroup.freeze();
    await this.container?.pause();
    this.frozenViaDocker = true;
  }

  async thaw(): Promise<void> {
    if (this.destroyed) return;
    if (this.cgroup) return this.cgroup.thaw();
    if (this.frozenViaDocker) {
      this.frozenViaDocker = false;
      await this.container?.unpause();
    }
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    this.channel?.close();
    // The address may go to another env once the container is gone: its rules go first.
    if (this.ip && this.policy && (!this.policy.internet || this.policy.hostPorts.length)) {
      await this.ctx.network?.release(this.ip, this.policy).catch((err) => this.ctx.onRemoveError?.(`${this.containerId} (network rules)`, err));
    }
    if (this.container) {
      let gone = true;
      try {
        await this.container.remove({ force: true, v: true });
      } catch (err) {
        gone = isGone(err);
        if (!gone) this.ctx.onRemoveError?.(this.container.id, err);
      }
      // Its namespace, and so its end of the pair, is gone: the address may go to another env.
      if (gone && this.ip) this.ctx.network?.unplug(this.ip);
    }
    if (this.isolatedMounts) await Promise.all([unmount(this.taskDir), unmount(this.optDir)]);
    // Off the event loop: a scratch disk's image is a large sparse file (its unlink took 57–325 ms).
    await rm(this.dir, { recursive: true, force: true });
    if (this.diskDir !== this.dir) await rm(this.diskDir, { recursive: true, force: true });
  }

  /** Code and layers are mounted on task and opt (overlay), not hard-linked into them. */
  get isolatedMounts(): boolean {
    return this.ctx.isolatedMounts === true;
  }
}

/**
 * Removes containers a dead workbench left behind: every container of ours
 * whose owning process on this host is gone, and any of this workbench's.
 */
export async function reapOrphans(
  docker: Docker,
  workbenchId: string,
  onRemoveError?: (containerId: string, err: unknown) => void,
): Promise<number> {
  const list = await docker.listContainers({ all: true, filters: { label: [LABEL] } });
  const me = hostname();
  let removed = 0;
  for (const c of list) {
    const labels = c.Labels ?? {};
    const pid = Number(labels[`${LABEL}.pid`]);
    const sameWorkbench = labels[`${LABEL}.workbench`] === workbenchId;
    const ownerDead = labels[`${LABEL}.host`] === me && pid > 0 && !processAlive(pid);
    if (!(sameWorkbench || ownerDead)) continue;
    try {
      // An env frozen through its cgroup is unknown to Docker as paused; a
      // frozen process cannot die, so thaw it before removing.
      const info = await docker.getContainer(c.Id).inspect();
      if (info.State?.Pid) CgroupControl.forPid(info.State.Pid)?.thaw();
    } catch {
      /* not running */
    }
    try {
      await docker.getContainer(c.Id).remove({ force: true, v: true });
      removed++;
    } catch (err) {
      // Gone: another reaper was first. Anything else leaves a container behind, which someone must hear of.
      if (!isGone(err)) onRemoveError?.(c.Id, err);
    }
  }
  return removed;
}
