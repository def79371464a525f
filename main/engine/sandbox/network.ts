// The network a workbench's envs reach the world through: one Docker bridge
// per workbench (labelled like its containers, named after the workbench), with
// inter-container traffic off, IPv6 off, and the workbench's own iptables rules
// around it (firewall.ts). Created when the first networked env needs it,
// removed at shutdown; what a `kill -9` leaves (the network, its bridge
// interface, the chains and their jumps) is reclaimed at the next start, like
// containers (reapOrphans) and loop devices.
//
// Why a bridge and rules rather than an egress proxy in the workbench: a
// function's own TCP, UDP and DNS work unchanged (database drivers, gRPC, SDKs
// that ignore proxy variables), as on Lambda; the cost is that the rules need
// root, and where the workbench is not root the modes with a network are
// unavailable (firewallUnavailable says why, and functions get none).
import { hostname } from 'node:os';
import type Docker from 'dockerode';
import { processAlive } from '../process-alive.js';
import { bridgeName, Firewall, firewallUnavailable, removeChains, shortId, type NetworkPolicy } from './firewall.js';
import { LABEL } from './docker-sandbox.js';

export type { NetworkPolicy } from './firewall.js';

/** The stable name an env reaches the host by (its allowlisted ports only). */
export const HOST_NAME = 'host.lambda.internal';

/** What a networked container is created with. */
export interface AttachedNetwork {
  name: string;
  gateway: string;
  subnet: string;
  /** Container settings: the network, host.lambda.internal, DNS servers, IPv6 off. */
  hostConfig: { NetworkMode: string; ExtraHosts: string[]; Dns?: string[]; Sysctls: Record<string, string> };
}

export interface EnvNetworkOptions {
  /** DNS servers envs use (through Docker's resolver); default: the host's. */
  dns?: string[];
  progress?: (message: string) => void;
}

export const networkName = (workbenchId: string): string => `lwb-${workbenchId}`;

export class EnvNetwork {
  private attached: Promise<{ net: AttachedNetwork; firewall: Firewall }> | undefined;
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

  private async create(): Promise<{ net: AttachedNetwork; firewall: Firewall }> {
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
      const dns = this.opts.dns?.length ? { Dns: this.opts.dns } : {};
      return {
        firewall,
        net: {
          name,
          gateway: cfg.Gateway,
          subnet: cfg.Subnet,
          hostConfig: {
            NetworkMode: name,
            ExtraHosts: [`${HOST_NAME}:${cfg.Gateway}`],
            ...dns,
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
