// The Docker backend: one container per execution environment, created with
// Lambda's limits, talking to the host only through a Unix socket that is
// mounted into that container alone. Code is not baked into the container:
// /var/task and /opt are read-only bind mounts of per-sandbox host folders,
// filled when a function is placed into the sandbox. That lets us keep a
// started, not-yet-assigned sandbox ready per shape, as Lambda does.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { Channel, type InitMessage } from './channel.js';
import { CgroupControl } from './cgroup.js';
import { processAlive } from '../process-alive.js';
import { createScratchDisk, releaseScratchDisk, type ScratchDisk } from './scratch-disk.js';
import { SANDBOX_GID, SANDBOX_UID } from '../images/rootfs.js';

export const LABEL = 'lambda-workbench';

/** What a sandbox must be created with; sandboxes of one shape are interchangeable. */
export interface SandboxShape {
  runtimeId: string;
  image: string;
  memoryMb: number;
  ephemeralMb: number;
}

export const shapeKey = (s: SandboxShape): string => `${s.image}|${s.memoryMb}|${s.ephemeralMb}`;

/** Lambda allocates CPU in proportion to memory: 1,769 MB = 1 vCPU. */
export const cpusForMemory = (memoryMb: number): number => memoryMb / 1769;

export interface SandboxContext {
  docker: Docker;
  workbenchId: string;
  /** Folder for per-sandbox mounts (task, opt, channel socket). */
  runDir: string;
  /** /tmp on a loop-mounted disk of the ephemeral size (see scratch-disk.ts); otherwise a tmpfs charged to memory. Turned off by the first failure. */
  scratchDisks?: boolean;
  /** Told of that failure: sandboxes get a tmpfs /tmp from then on. */
  onScratchDiskError?: (err: unknown) => void;
}

const HELLO_TIMEOUT_MS = 15_000;

export class DockerSandbox {
  readonly taskDir: string;
  readonly optDir: string;
  private container: Docker.Container | null = null;
  private cgroup: CgroupControl | null = null;
  private destroyed = false;
  private frozenViaDocker = false;
  channel!: Channel;

  private constructor(
    private readonly ctx: SandboxContext,
    readonly id: string,
    readonly shape: SandboxShape,
    private readonly dir: string,
  ) {
    this.taskDir = join(dir, 'task');
    this.optDir = join(dir, 'opt');
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
    const chanDir = join(this.dir, 'chan');
    for (const d of [this.taskDir, this.optDir, chanDir]) mkdirSync(d, { recursive: true, mode: 0o755 });
    for (const d of [this.dir, this.taskDir, this.optDir, chanDir]) chmodSync(d, 0o755);

    // The host listens; the init connects once. The listener closes after the
    // first connection, so nothing else in the env can open a second channel.
    const sockPath = join(chanDir, 'host.sock');
    const server = createServer();
    const connected = new Promise<Socket>((resolve, reject) => {
      server.once('connection', (s) => {
        server.close();
        resolve(s);
      });
      server.once('error', reject);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(sockPath, () => resolve());
    });
    chmodSync(sockPath, 0o666);

    const { docker, workbenchId } = this.ctx;
    const memoryBytes = this.shape.memoryMb * 1024 * 1024;
    let disk: ScratchDisk | null = null;
    if (this.ctx.scratchDisks) {
      disk = await createScratchDisk(this.dir, this.shape.ephemeralMb, { uid: SANDBOX_UID, gid: SANDBOX_GID }).catch((err) => {
        // What failed once (no free loop device, a sandboxed dockerd) fails again: tmpfs from now on, said once.
        this.ctx.scratchDisks = false;
        this.ctx.onScratchDiskError?.(err);
        return null;
      });
    }
    const tmp = disk
      ? { Mounts: [disk.mount] }
      : { Tmpfs: { '/tmp': `rw,nosuid,nodev,size=${this.shape.ephemeralMb}m,mode=1777` } };
    try {
      this.container = await docker.createContainer({
        name: `lwb-${workbenchId.slice(0, 8)}-${this.id}`,
        Image: this.shape.image,
        Entrypoint: ['/lwb/init', '--channel', '/run/lwb/host.sock'],
        Cmd: [],
        User: `${SANDBOX_UID}:${SANDBOX_GID}`,
        WorkingDir: '/var/task',
        Env: ['PATH=/var/lang/bin:/usr/local/bin:/usr/bin:/bin'],
        NetworkDisabled: true,
        Labels: {
          [LABEL]: '1',
          [`${LABEL}.workbench`]: workbenchId,
          [`${LABEL}.host`]: hostname(),
          [`${LABEL}.pid`]: String(process.pid),
          [`${LABEL}.sandbox`]: this.id,
          [`${LABEL}.runtime`]: this.shape.runtimeId,
        },
        HostConfig: {
          NetworkMode: 'none',
          Memory: memoryBytes,
          MemorySwap: memoryBytes,
          NanoCpus: Math.round(cpusForMemory(this.shape.memoryMb) * 1e9),
          PidsLimit: 1024,
          Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 1024 }],
          ReadonlyRootfs: true,
          ...tmp,
          CapDrop: ['ALL'],
          SecurityOpt: ['no-new-privileges'],
          Binds: [`${this.taskDir}:/var/task:ro`, `${this.optDir}:/opt:ro`, `${chanDir}:/run/lwb:ro`],
          IpcMode: 'private',
          AutoRemove: false,
        },
      });
      await this.container.start();
      const info = await this.container.inspect();
      this.cgroup = info.State?.Pid ? CgroupControl.forPid(info.State.Pid) : null;

      const socket = await Promise.race([
        connected,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('the init did not connect (is the runtime image broken?)')), HELLO_TIMEOUT_MS).unref(),
        ),
      ]);
      this.channel = new Channel(socket);
      await new Promise<void>((resolve, reject) => {
        const onMsg = (m: InitMessage) => {
          if (m.type === 'hello') {
            this.channel.off('message', onMsg);
            resolve();
          }
        };
        this.channel.on('message', onMsg);
        this.channel.once('close', () => reject(new Error('the init closed its channel before saying hello')));
      });
    } finally {
      server.close();
      // Mounted: detaching is deferred to the unmount. Not mounted (the start failed): freed now.
      if (disk) await releaseScratchDisk(disk);
    }
  }

  get containerId(): string | undefined {
    return this.container?.id;
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
    if (this.container) {
      try {
        await this.container.remove({ force: true, v: true });
      } catch {
        /* already gone */
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Removes containers a dead workbench left behind: every container of ours
 * whose owning process on this host is gone, and any of this workbench's.
 */
export async function reapOrphans(docker: Docker, workbenchId: string): Promise<number> {
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
    } catch {
      /* raced with another reaper */
    }
  }
  return removed;
}
