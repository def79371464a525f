// The rules that keep a workbench's networked envs off the host and off each
// other. Docker gives the workbench's bridge outbound NAT and, with
// enable_icc=false, drops traffic between its containers; these rules, in
// chains the workbench owns (LWB-<id>-IN, -FWD, -TO), add what Docker does not:
//
//   INPUT  -i <bridge> → LWB-<id>-IN:  every packet from an env to any of the
//          host's own addresses is refused (TCP reset, else ICMP port
//          unreachable), except an env's allowlisted TCP ports on the bridge's
//          gateway (host.lambda.internal), which RETURN to the host's own rules.
//   DOCKER-USER -i <bridge> → LWB-<id>-FWD: env to env (refused at once instead
//          of Docker's silent drop), anything Docker's NAT redirected (published
//          ports of other containers, reached through a host address), link-local
//          169.254.0.0/16 (cloud metadata services hand out the host's
//          credentials there), and, for an env without internet, everything.
//   DOCKER-USER and OUTPUT -o <bridge> → LWB-<id>-TO: only replies go into
//          the bridge; nothing on the host (or routed through it) opens a
//          connection to an env.
//
// REJECT rather than DROP everywhere: a function that tries something the
// isolation forbids fails at once with ECONNREFUSED (TCP) instead of waiting
// for its timeout. Rules go in through `iptables-restore --noflush`, one
// process per change, with the same iptables (nft or legacy) Docker uses.
import { execFile } from 'node:child_process';
import { hostCommand, hostTool as tool } from './host-commands.js';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What one env may reach besides its own lo. */
export interface NetworkPolicy {
  /** Outbound traffic to the world (TCP, UDP, DNS through Docker's resolver). */
  internet: boolean;
  /** Host TCP ports reachable at host.lambda.internal (the bridge's gateway). */
  hostPorts: number[];
}

/** The workbench's part of an id in chain and interface names (names are short: 28 and 15 characters). */
export const shortId = (workbenchId: string): string => workbenchId.slice(0, 12);
export const bridgeName = (workbenchId: string): string => `lwb${shortId(workbenchId)}`;
const chain = (id12: string, part: 'IN' | 'FWD' | 'TO') => `LWB-${id12}-${part}`;
const CHAIN_RE = /^-N (LWB-([0-9a-f]{12})-(?:IN|FWD|TO))$/;

const REJECT_TCP = ['-p', 'tcp', '-j', 'REJECT', '--reject-with', 'tcp-reset'];
const REJECT_ANY = ['-j', 'REJECT', '--reject-with', 'icmp-port-unreachable'];

/** Feeds rule lines to `iptables-restore --noflush` (one transaction). */
async function restore(lines: string[]): Promise<void> {
  if (lines.length === 0) return;
  const input = `*filter\n${lines.join('\n')}\nCOMMIT\n`;
  // Through the host command helper: an env's rules go in as it is taken, so a burst would otherwise
  // fork from the server's thread once per env (host-commands.ts says what that costs).
  await hostCommand(tool('iptables-restore'), ['-w', '5', '--noflush'], { input, timeoutMs: 30_000 });
}

async function listRules(): Promise<string[]> {
  const { stdout } = await hostCommand(tool('iptables'), ['-w', '5', '-S'], { maxBuffer: 64 * 1024 * 1024, timeoutMs: 30_000 });
  return stdout.split('\n').filter(Boolean);
}

/**
 * Why the workbench cannot install its rules here, or undefined when it can:
 * it must be root (iptables needs CAP_NET_ADMIN) and Docker must manage
 * iptables (its DOCKER-USER chain exists).
 */
export async function firewallUnavailable(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) {
    return 'the workbench is not running as root, so it cannot install the iptables rules that keep envs off the host (Linux needs CAP_NET_ADMIN for them); run `lwb serve` as root, or keep functions on WorkbenchNetwork Mode none';
  }
  try {
    await run(tool('iptables'), ['-w', '5', '-S', 'DOCKER-USER']);
  } catch (err) {
    return `iptables does not show Docker's DOCKER-USER chain (is dockerd running with iptables enabled, on this machine?): ${(err as Error).message.split('\n')[0]}`;
  }
  return undefined;
}

/** The base rules of one workbench's bridge (see the top of this file), as restore lines. */
function baseLines(id12: string, bridge: string): string[] {
  const [IN, FWD, TO] = [chain(id12, 'IN'), chain(id12, 'FWD'), chain(id12, 'TO')];
  const rule = (c: string, ...spec: string[]) => `-A ${c} ${spec.join(' ')}`;
  return [
    `:${IN} - [0:0]`,
    `:${FWD} - [0:0]`,
    `:${TO} - [0:0]`,
    rule(IN, ...REJECT_TCP),
    rule(IN, ...REJECT_ANY),
    rule(FWD, '-o', bridge, ...REJECT_TCP),
    rule(FWD, '-o', bridge, ...REJECT_ANY),
    rule(FWD, '-m', 'conntrack', '--ctstate', 'DNAT', ...REJECT_TCP),
    rule(FWD, '-m', 'conntrack', '--ctstate', 'DNAT', ...REJECT_ANY),
    rule(FWD, '-d', '169.254.0.0/16', ...REJECT_TCP),
    rule(FWD, '-d', '169.254.0.0/16', ...REJECT_ANY),
    rule(TO, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT'),
    rule(TO, ...REJECT_TCP),
    rule(TO, ...REJECT_ANY),
    `-I INPUT 1 -i ${bridge} -j ${IN}`,
    `-I OUTPUT 1 -o ${bridge} -j ${TO}`,
    `-I DOCKER-USER 1 -i ${bridge} -j ${FWD}`,
    `-I DOCKER-USER 1 -o ${bridge} -j ${TO}`,
  ];
}

/** The rules one env's policy adds: `op` -I/-A to add them, -D to take them out again. */
function envLines(id12: string, gateway: string, ip: string, policy: NetworkPolicy, op: 'add' | 'delete'): string[] {
  const [IN, FWD] = [chain(id12, 'IN'), chain(id12, 'FWD')];
  const first = (c: string) => (op === 'add' ? `-I ${c} 1` : `-D ${c}`);
  const last = (c: string) => (op === 'add' ? `-A ${c}` : `-D ${c}`);
  const lines: string[] = [];
  for (const port of policy.hostPorts) {
    // RETURN, not ACCEPT: the host's own INPUT rules (a firewall of the user's) still decide.
    lines.push(`${first(IN)} -s ${ip}/32 -d ${gateway}/32 -p tcp -m tcp --dport ${port} -j RETURN`);
    // Where Docker redirects the port to a container (hairpin NAT without the userland proxy).
    lines.push(`${first(FWD)} -s ${ip}/32 -p tcp -m conntrack --ctstate DNAT --ctorigdst ${gateway}/32 --ctorigdstport ${port} -j ACCEPT`);
  }
  if (!policy.internet) lines.push(`${last(FWD)} -s ${ip}/32 ${REJECT_TCP.join(' ')}`, `${last(FWD)} -s ${ip}/32 ${REJECT_ANY.join(' ')}`);
  return lines;
}

/** One workbench's rules around its bridge. */
export class Firewall {
  constructor(
    private readonly id12: string,
    readonly bridge: string,
    readonly gateway: string,
  ) {}

  /** Installs the chains and their jumps (after removing any left from before). */
  async install(): Promise<void> {
    await removeChains(new Set([this.id12]));
    await restore(baseLines(this.id12, this.bridge));
  }

  /** Adds an env's own rules (its allowlisted host ports; no internet). Nothing for plain internet. */
  async allow(ip: string, policy: NetworkPolicy): Promise<void> {
    await restore(envLines(this.id12, this.gateway, ip, policy, 'add'));
  }

  /** Takes an env's rules out, before its address can go to another env. */
  async release(ip: string, policy: NetworkPolicy): Promise<void> {
    const lines = envLines(this.id12, this.gateway, ip, policy, 'delete');
    try {
      await restore(lines);
    } catch {
      // One rule already gone fails the whole batch: take them out one by one.
      for (const l of lines) await restore([l]).catch(() => {});
    }
  }

  async remove(): Promise<void> {
    await removeChains(new Set([this.id12]));
  }
}

/**
 * Removes the chains of workbenches (by 12-hex id) and every jump to them.
 * `which` = ids to remove, or (for what kill -9 left) a function that, asked
 * after the rules were read, gives the ids still in use: a workbench makes its
 * network before its chains, so chains read before its network was listed are
 * never taken for orphans.
 */
export async function removeChains(which: Set<string> | (() => Promise<Set<string>>)): Promise<string[]> {
  const rules = await listRules();
  const inUse = typeof which === 'function' ? await which() : undefined;
  const wanted = (id: string) => (inUse ? !inUse.has(id) : (which as Set<string>).has(id));
  const chains = new Set<string>();
  const ids = new Set<string>();
  for (const r of rules) {
    const m = r.match(CHAIN_RE);
    if (m && wanted(m[2]!)) {
      chains.add(m[1]!);
      ids.add(m[2]!);
    }
  }
  if (chains.size === 0) return [];
  const lines: string[] = [];
  // Jumps first (from any built-in or Docker chain), then the chains' own rules, then the chains.
  for (const r of rules) {
    const m = r.match(/^-A (\S+) (.*)-j (LWB-[0-9a-f]{12}-(?:IN|FWD|TO))$/);
    if (m && chains.has(m[3]!) && !chains.has(m[1]!)) lines.push(`-D ${m[1]} ${m[2]}-j ${m[3]}`);
  }
  for (const c of chains) lines.push(`-F ${c}`);
  for (const c of chains) lines.push(`-X ${c}`);
  await restore(lines);
  return [...ids];
}
