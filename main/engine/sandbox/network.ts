// The network a workbench's envs reach the world through: one Docker bridge
// per workbench (labelled like its containers, named after the workbench), with
// inter-container traffic off, IPv6 off, and the workbench's own iptables rules
// around it (firewall.ts). Created when the first networked env needs it,
// removed at shutdown; what a `kill -9` leaves (the network, its bridge
// interface, the chains and their jumps) is reclaimed at the next start, like
// containers (reapOrphans) and loop devices.
//
// Containers are created without Docker networking (NetworkDisabled, as envs
// without a network are) and the workbench plugs each into the bridge itself
// (plug): a veth pair whose inner end is the env's eth0. Docker's own attachment
// re-executes dockerd per container (its embedded DNS resolver, the endpoint's
// IPv6 setting; the latter even for NetworkMode none), which doubled an env's
// creation cost on 2 cores (bench burst: 0.71 CPU-s per env without a network,
// 1.4–2.3 with Docker attaching it). /etc/hosts and /etc/resolv.conf are the
// workbench's own files, bound read-only (etcFiles); the pair goes with the
// env's network namespace, so nothing is left behind.
//
// Why a bridge and rules rather than an egress proxy in the workbench: a
// function's own TCP, UDP and DNS work unchanged (database drivers, gRPC, SDKs
// that ignore proxy variables), as on Lambda; the cost is that the rules need
// root, and where the workbench is not root the modes with a network are
// unavailable (firewallUnavailable says why, and functions get none).
import { readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { processAlive } from '../process-alive.js';
import { bridgeName, Firewall, firewallUnavailable, removeChains, shortId, type NetworkPolicy } from './firewall.js';
import { hostCommand, hostTool as tool } from './host-commands.js';
import { LABEL } from './docker-sandbox.js';

export type { NetworkPolicy } from './firewall.js';

/** The stable name an env reaches the host by (its allowlisted ports only). */
export const HOST_NAME = 'host.lambda.internal';

/** What a networked container is created with. */
export interface AttachedNetwork {
  name: string;
  gateway: string;
  subnet: string;
  /** Container settings: IPv6 off (plug attaches the network after the start). */
  hostConfig: { Sysctls: Record<string, string> };
  /** Read-only binds of the workbench's /etc/hosts (with host.lambda.internal) and /etc/resolv.conf. */
  binds: string[];
}

export interface EnvNetworkOptions {
  /** DNS servers envs use; default: the host's (as Docker would give them). */
  dns?: string[];
  /** Where the envs' /etc/hosts and /etc/resolv.conf are written (the workbench's run folder). */
  etcDir?: string;
  progress?: (message: string) => void;
}

export const networkName = (workbenchId: string): string => `lwb-${workbenchId}`;

export class EnvNetwork {
  private attached: Promise<{ net: AttachedNetwork; firewall: Firewall; addresses: AddressPool }> | undefined;
  private closed = false;

  private constructor(
    private readonly docker: Docker,
    private readonly workbenchId: string,
    private readonly opts: EnvNetworkOptions,
    /** Why envs cannot have a network here (not root, no iptables): undefined when they can. */
    readonly unavailable: string | undefined,
  ) {}

  /**
   * Reclaims what dead workbenches left (this one's after a kill -9 included)
   * and finds out whether networked envs are possible here.
   */
  static async open(docker: Docker, workbenchId: string, opts: EnvNetworkOptions = {}): Promise<EnvNetwork> {
    let unavailable = await firewallUnavailable();
    if (!unavailable && isRemote(docker)) {
      unavailable = 'the Docker engine is not on this machine (DOCKER_HOST), so the workbench cannot put its rules where the envs run';
    }
    const reclaimed = await reclaimNetworks(docker, workbenchId, unavailable === undefined, opts.progress);
    if (reclaimed > 0) opts.progress?.(`[network] removed ${reclaimed} network(s) left by a workbench that died, with their rules`);
    return new EnvNetwork(docker, workbenchId, opts, unavailable);
  }

  /** The network, created (with its rules) on first use. */
  ensure(): Promise<AttachedNetwork> {
    if (this.unavailable) return Promise.reject(new Error(`envs cannot have a network here: ${this.unavailable}`));
    if (this.closed) return Promise.reject(new Error('the workbench is shutting down'));
    if (!this.attached) {
      this.attached = this.create();
      this.attached.catch(() => (this.attached = undefined));
    }
    return this.attached.then((a) => a.net);
  }

  private async create(): Promise<{ net: AttachedNetwork; firewall: Firewall; addresses: AddressPool }> {
    const name = networkName(this.workbenchId);
    const bridge = bridgeName(this.workbenchId);
    const network = await this.docker.createNetwork({
      Name: name,
      Driver: 'bridge',
      CheckDuplicate: true,
      Internal: false,
      EnableIPv6: false,
      Attachable: false,
      Options: {
        'com.docker.network.bridge.name': bridge,
        // Docker's own drop between containers of the bridge; the workbench's rules refuse it first.
        'com.docker.network.bridge.enable_icc': 'false',
        'com.docker.network.bridge.enable_ip_masquerade': 'true',
      },
      Labels: {
        [LABEL]: '1',
        [`${LABEL}.workbench`]: this.workbenchId,
        [`${LABEL}.host`]: hostname(),
        [`${LABEL}.pid`]: String(process.pid),
      },
    });
    try {
      const info = (await network.inspect()) as { IPAM?: { Config?: { Subnet?: string; Gateway?: string }[] } };
      const cfg = info.IPAM?.Config?.find((c) => c.Subnet && c.Gateway && !c.Subnet.includes(':'));
      if (!cfg?.Gateway || !cfg.Subnet) throw new Error(`Docker gave network ${name} no IPv4 subnet`);
      const firewall = new Firewall(shortId(this.workbenchId), bridge, cfg.Gateway);
      await firewall.install();
      const binds = etcFiles(this.opts.etcDir, cfg.Gateway, this.opts.dns);
      return {
        firewall,
        addresses: new AddressPool(cfg.Subnet, cfg.Gateway),
        net: {
          name,
          gateway: cfg.Gateway,
          subnet: cfg.Subnet,
          binds,
          hostConfig: {
            // No IPv6 in the env: link-local addresses would reach other envs and the host around the IPv4 rules.
            Sysctls: { 'net.ipv6.conf.all.disable_ipv6': '1', 'net.ipv6.conf.default.disable_ipv6': '1' },
          },
        },
      };
    } catch (err) {
      await removeChains(new Set([shortId(this.workbenchId)])).catch(() => {});
      await network.remove().catch(() => {});
      throw err;
    }
  }

  /**
   * Plugs a started container (its init's host pid) into the bridge: a veth pair made with its inner
   * end in the container's network namespace as eth0, an address of the subnet, a default route
   * through the bridge. Returns the address. The host end is named after the sandbox (15 chars max).
   */
  async plug(sandboxId: string, pid: number): Promise<string> {
    const a = await this.attached;
    if (!a) throw new Error('the network is not there');
    const ip = a.addresses.take();
    const hostEnd = `lv${sandboxId.slice(0, 12)}`;
    try {
      await hostCommand(tool('ip'), ['-batch', '-'], {
        input: `link add ${hostEnd} type veth peer name eth0 netns ${pid}\nlink set ${hostEnd} master ${bridgeName(this.workbenchId)} up\n`,
        timeoutMs: 30_000,
      });
      await hostCommand(tool('nsenter'), [`--net=/proc/${pid}/ns/net`, tool('ip'), '-batch', '-'], {
        input: `addr add ${ip}/${a.addresses.prefix} dev eth0\nlink set eth0 up\nroute add default via ${a.net.gateway}\n`,
        timeoutMs: 30_000,
      });
      return ip;
    } catch (err) {
      // The container is destroyed by the caller, and the pair with its namespace; the address may go again.
      a.addresses.give(ip);
      throw new Error(`could not plug the env into network ${a.net.name}: ${(err as Error).message}`);
    }
  }

  /** Gives an env's address back (after its container, and so its end of the pair, is gone). */
  unplug(ip: string): void {
    void this.attached?.then((a) => a.addresses.give(ip)).catch(() => {});
  }

  /** Puts one env's policy in place (before its code runs). */
  async allow(ip: string, policy: NetworkPolicy): Promise<void> {
    const a = await this.attached;
    if (!a) throw new Error('the network is not there');
    await a.firewall.allow(ip, policy);
  }

  /** Takes one env's policy out (before its container, and so its address, goes). */
  async release(ip: string, policy: NetworkPolicy): Promise<void> {
    const a = await this.attached?.catch(() => undefined);
    await a?.firewall.release(ip, policy);
  }

  /** Removes the rules and the network (after the envs are gone). */
  async close(): Promise<void> {
    this.closed = true;
    const a = await this.attached?.catch(() => undefined);
    this.attached = undefined;
    if (!a) return;
    await a.firewall.remove().catch((err: Error) => this.opts.progress?.(`[network] could not remove the workbench's iptables rules: ${err.message}`));
    await removeNetwork(this.docker, a.net.name).catch((err: Error) => this.opts.progress?.(`[network] could not remove network ${a.net.name}: ${err.message}`));
  }
}

/**
 * The envs' /etc/hosts (localhost, host.lambda.internal at the bridge's gateway) and /etc/resolv.conf
 * (the --dns servers, or the host's own as Docker derives them: systemd-resolved's upstream list
 * instead of its stub, loopback servers dropped, Google's public servers when none is left), written
 * once per network and bound read-only into every networked env.
 */
export function etcFiles(dir: string | undefined, gateway: string, dns: string[] | undefined): string[] {
  if (!dir) throw new Error('the envs\' network needs a folder for their /etc/hosts and /etc/resolv.conf');
  const hosts = join(dir, 'net-hosts');
  const resolv = join(dir, 'net-resolv.conf');
  writeFileSync(hosts, `127.0.0.1\tlocalhost\n${gateway}\t${HOST_NAME}\n`, { mode: 0o644 });
  writeFileSync(resolv, resolvConf(dns), { mode: 0o644 });
  return [`${hosts}:/etc/hosts:ro`, `${resolv}:/etc/resolv.conf:ro`];
}

export function resolvConf(dns: string[] | undefined, read: (path: string) => string | undefined = readOrUndefined): string {
  if (dns?.length) return dns.map((d) => `nameserver ${d}\n`).join('');
  let text = read('/etc/resolv.conf') ?? '';
  if (/^nameserver\s+127\.0\.0\.53\b/m.test(text)) text = read('/run/systemd/resolve/resolv.conf') ?? text;
  const lines = text.split('\n').filter((l) => {
    const m = /^\s*nameserver\s+(\S+)/.exec(l);
    if (!m) return /^\s*(search|domain|options)\b/.test(l);
    return !(m[1]!.startsWith('127.') || m[1] === '::1' || m[1]!.includes(':'));
  });
  if (!lines.some((l) => /^\s*nameserver/.test(l))) lines.push('nameserver 8.8.8.8', 'nameserver 8.8.4.4');
  return `${lines.join('\n')}\n`;
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The subnet's addresses for envs: handed out in order and given back, reused only after the rest
 * of the subnet was used once (a new env never inherits conntrack entries of a recent one).
 */
export class AddressPool {
  readonly prefix: number;
  private readonly base: number;
  private readonly size: number;
  private readonly gateway: number;
  private next = 1;
  private readonly inUse = new Set<number>();

  constructor(subnet: string, gateway: string) {
    const [addr, bits] = subnet.split('/');
    this.prefix = Number(bits);
    if (!(this.prefix >= 8 && this.prefix <= 29)) throw new Error(`subnet ${subnet}: a prefix of 8 to 29 bits is needed`);
    this.size = 2 ** (32 - this.prefix);
    this.base = (toInt(addr!) & ~(this.size - 1)) >>> 0;
    this.gateway = toInt(gateway);
  }

  take(): string {
    // Offsets 1 .. size-2: not the network's own address, not its broadcast, not the gateway.
    for (let tries = 0; tries < this.size; tries++) {
      const off = this.next;
      this.next = this.next + 1 >= this.size - 1 ? 1 : this.next + 1;
      const ip = (this.base + off) >>> 0;
      if (ip === this.gateway || this.inUse.has(off)) continue;
      this.inUse.add(off);
      return toDotted(ip);
    }
    throw new Error('the workbench network has no free address left');
  }

  give(ip: string): void {
    this.inUse.delete((toInt(ip) - this.base) >>> 0);
  }
}

const toInt = (dotted: string): number => dotted.split('.').reduce((n, o) => ((n << 8) | Number(o)) >>> 0, 0);
const toDotted = (n: number): string => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');

function isRemote(docker: Docker): boolean {
  const modem = (docker as unknown as { modem?: { socketPath?: unknown; host?: unknown } }).modem;
  return !modem?.socketPath && Boolean(modem?.host);
}

/** Removes a network, first disconnecting whatever is still attached to it. */
async function removeNetwork(docker: Docker, idOrName: string): Promise<void> {
  const net = docker.getNetwork(idOrName);
  try {
    const info = (await net.inspect()) as { Containers?: Record<string, unknown> };
    for (const c of Object.keys(info.Containers ?? {})) await net.disconnect({ Container: c, Force: true }).catch(() => {});
    await net.remove();
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode !== 404) throw err;
  }
}

async function ourNetworks(docker: Docker): Promise<{ Id: string; Name: string; Labels?: Record<string, string> }[]> {
  return (await docker.listNetworks({ filters: { label: [LABEL] } })) as { Id: string; Name: string; Labels?: Record<string, string> }[];
}

/**
 * Removes networks (and their rules) of this workbench and of dead workbenches
 * on this host, then any workbench chains no network of ours explains.
 */
async function reclaimNetworks(docker: Docker, workbenchId: string, firewall: boolean, progress?: (m: string) => void): Promise<number> {
  const me = hostname();
  const list = await ourNetworks(docker);
  let removed = 0;
  for (const n of list) {
    const labels = n.Labels ?? {};
    const owner = labels[`${LABEL}.workbench`] ?? '';
    const pid = Number(labels[`${LABEL}.pid`]);
    const sameWorkbench = owner === workbenchId;
    const ownerDead = labels[`${LABEL}.host`] === me && pid > 0 && !processAlive(pid);
    if (!(sameWorkbench || ownerDead)) continue;
    try {
      if (firewall) await removeChains(new Set([shortId(owner)]));
      await removeNetwork(docker, n.Id);
      removed++;
    } catch (err) {
      progress?.(`[network] could not remove network ${n.Name} left by a workbench that died: ${(err as Error).message}`);
    }
  }
  // Chains whose network is gone (removed by hand, or a crash between the two).
  if (firewall) {
    // The networks still there (live workbenches'), listed after the rules are read.
    const inUse = async () => new Set((await ourNetworks(docker)).map((n) => shortId(n.Labels?.[`${LABEL}.workbench`] ?? '')));
    const orphans = await removeChains(inUse).catch((err: Error) => {
      progress?.(`[network] could not remove iptables chains left by a workbench that died: ${err.message}`);
      return [];
    });
    if (orphans.length) progress?.(`[network] removed the iptables chains of ${orphans.length} workbench(es) whose network was gone`);
  }
  return removed;
}
