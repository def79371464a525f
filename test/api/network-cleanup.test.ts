// What the workbench puts on the host for envs with a network (a Docker bridge
// network, its bridge interface, the containers' veth ends, iptables chains and
// the jumps to them) is gone after SIGTERM; after kill -9 it stays until the
// next start on the same data directory, which removes it before anything else.
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { removeDir, startServer, tempDataDir, type RunningServer } from '../helpers/server.js';
import { createFunction, invoke } from '../helpers/lambda.js';
import { configure } from '../helpers/reach.js';
import { docker } from '../helpers/workbench.js';

const HELLO = "exports.handler = async () => require('node:fs').readdirSync('/sys/class/net').sort();";

/** The workbench network a server made (by its pid label), with the workbench's id. */
async function networkOf(server: RunningServer): Promise<{ id: string; workbench: string } | undefined> {
  const list = await docker.listNetworks({ filters: { label: [`lambda-workbench.pid=${server.proc.pid}`] } });
  const n = list[0];
  return n ? { id: n.Id, workbench: n.Labels!['lambda-workbench.workbench']! } : undefined;
}

/** Everything of a workbench's network on the host: networks, containers, iptables rules and chains, interfaces. */
async function leftovers(workbench: string) {
  const short = workbench.slice(0, 12);
  const networks = (await docker.listNetworks({ filters: { label: [`lambda-workbench.workbench=${workbench}`] } })).map((n) => n.Id);
  const containers = (await docker.listContainers({ all: true, filters: { label: [`lambda-workbench.workbench=${workbench}`] } })).map((c) => c.Id);
  const rules = execFileSync('iptables', ['-w', '5', '-S'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    .split('\n')
    .filter((l) => l.includes(`LWB-${short}`) || l.includes(`lwb${short}`));
  const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes(`lwb${short}`));
  return { networks, containers, rules, links };
}

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

async function startWithTraffic(dataDir: string): Promise<RunningServer> {
  const server = await startServer({ dataDir });
  const client = server.client();
  await createFunction(client, { name: 'hello', memory: 512, files: { 'index.js': HELLO } });
  await createFunction(client, { name: 'ported', memory: 512, files: { 'index.js': HELLO } });
  await configure(server, 'ported', { WorkbenchNetwork: { HostPorts: [5432] } });
  for (const fn of ['hello', 'ported']) expect((await invoke(client, fn)).json).toEqual(['eth0', 'lo']);
  return server;
}

describe('what envs with a network leave on the host', () => {
  it('SIGTERM removes the network, its interfaces and every rule', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const server = await startWithTraffic(dataDir);
    const net = await networkOf(server);
    expect(net).toBeDefined();
    const during = await leftovers(net!.workbench);
    // There was something to remove: the network, the bridge and the envs' veths, the chains, an env's allowlist rule.
    expect(during.networks).toEqual([net!.id]);
    expect(during.links.length).toBeGreaterThanOrEqual(2);
    expect(during.rules).toEqual(expect.arrayContaining([`-N LWB-${net!.workbench.slice(0, 12)}-IN`, expect.stringMatching(/--dport 5432 -j RETURN$/)]));
    expect(await server.stop()).toBe(0);
    expect(await leftovers(net!.workbench)).toEqual({ networks: [], containers: [], rules: [], links: [] });
  }, 180_000);

  it('after kill -9 they stay until the next start on the same data directory, which removes them; its own SIGTERM leaves nothing', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const first = await startWithTraffic(dataDir);
    const net = (await networkOf(first))!;
    await first.kill9();
    const left = await leftovers(net.workbench);
    expect(left.networks).toEqual([net.id]);
    expect(left.rules.length).toBeGreaterThan(0);
    expect(left.links.length).toBeGreaterThan(0);

    const second = await startServer({ dataDir });
    // Before anything runs: the dead instance's network, containers, rules and interfaces are gone.
    expect(await leftovers(net.workbench)).toEqual({ networks: [], containers: [], rules: [], links: [] });
    expect(second.output()).toMatch(/\[network\] removed 1 network\(s\) left by a workbench that died/);
    // The restarted workbench makes its network again when a function needs it.
    expect((await invoke(second.client(), 'ported')).json).toEqual(['eth0', 'lo']);
    const again = (await networkOf(second))!;
    expect(again.workbench).toBe(net.workbench);
    expect(again.id).not.toBe(net.id);
    expect(await second.stop()).toBe(0);
    expect(await leftovers(net.workbench)).toEqual({ networks: [], containers: [], rules: [], links: [] });
  }, 240_000);
});
