// Escape suite, network and the Runtime API. A sealed env (WorkbenchNetwork
// none) has its own network namespace with only lo, so neither the
// workbench's port, the host's addresses, an abstract Unix socket on the host
// nor DNS is reachable. An env with a network (internet, the default) reaches
// the test's internet but is refused at once by every address of the host, the
// metadata address and every other env. A function cannot answer another
// invocation or reach the host channel.
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { startTestInternet } from '../../helpers/test-internet.js';
import { networkInterfaces } from 'node:os';
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { invoke } from '../../helpers/lambda.js';
import { deployOnce, run, workbenchGet, type EscapeSuite } from '../helpers/harness.js';

export function networkAttacks({ bench, attack, section }: EscapeSuite): void {
  section('Network and the Runtime API');

  const hostAddresses = () =>
    Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && a.family === 'IPv4')
      .map((a) => a!.address);

  attack(
    "any network: interfaces, the API port on 127.0.0.1 and the host's addresses, an abstract Unix socket of the host, UDP, DNS",
    "only lo; TCP to the API port ECONNREFUSED on 127.0.0.1 (the env's own lo) and ENETUNREACH on every host address; the host's abstract socket ECONNREFUSED and never accepted; UDP ENETUNREACH; DNS fails",
    async (observe) => {
      const name = `lwb-escape-${randomBytes(6).toString('hex')}`;
      let accepted = 0;
      const abstract = createServer((s) => {
        accepted++;
        s.destroy();
      });
      await new Promise<void>((r) => abstract.listen('\0' + name, r));
      try {
        await deployOnce(bench, { name: 'net-probe', source: 'net_probe.js', memory: 128, network: { Mode: 'none' } });
        const hosts = hostAddresses();
        const r = await run(bench, 'net-probe', { hosts, port: bench.server.port, abstract: name, udpTo: '8.8.8.8', name: 'example.com' });
        observe({ ...r, abstractAccepted: accepted });
        expect(r.interfaces).toEqual(['lo']);
        for (const h of hosts) expect(r.tcp[h], h).toBe(h.startsWith('127.') ? 'ECONNREFUSED' : 'ENETUNREACH');
        expect(r.abstract).toBe('ECONNREFUSED');
        expect(accepted).toBe(0);
        expect(r.udp).toBe('ENETUNREACH');
        expect(r.lookup).not.toMatch(/^resolved/);
        expect(r.resolve4).not.toMatch(/^resolved/);
        expect(['ENOTFOUND', 'EAI_AGAIN']).toContain(r.lookup);
      } finally {
        abstract.close();
      }
      await bench.unharmed(observe);
    },
  );

  attack(
    "from an env with a network (internet): the host's every address and host.lambda.internal on the API port and on a listener bound to all addresses, the link-local metadata address, host UDP, an abstract Unix socket of the host",
    "the test internet is reached (control); every TCP target ECONNREFUSED in under a second (a TCP reset, not a wait), the host's listener never accepts; UDP ECONNREFUSED and never received; the abstract socket ECONNREFUSED",
    async (observe) => {
      const inet = await startTestInternet();
      let accepted = 0;
      let datagrams = 0;
      const listener = createServer((s) => {
        accepted++;
        s.destroy();
      });
      await new Promise<void>((r) => listener.listen(0, '0.0.0.0', r));
      const udp = createSocket('udp4');
      udp.on('message', () => datagrams++);
      await new Promise<void>((r) => udp.bind(0, '0.0.0.0', r));
      const name = `lwb-escape-${randomBytes(6).toString('hex')}`;
      const abstract = createServer(() => accepted++);
      await new Promise<void>((r) => abstract.listen('\0' + name, r));
      try {
        await deployOnce(bench, { name: 'net-reach', source: 'net_reach.js', memory: 512 });
        const ports = [bench.server.port, (listener.address() as AddressInfo).port];
        const hosts = [...hostAddresses().filter((h) => !h.startsWith('127.')), 'host.lambda.internal'];
        const targets = [...hosts.flatMap((h) => ports.map((p) => [h, p])), ['169.254.169.254', 80]];
        const r = await run(bench, 'net-reach', { targets, udp: ['host.lambda.internal', (udp.address() as AddressInfo).port], abstract: name, internet: inet.address });
        observe({ ...r, listenerAccepted: accepted, udpReceived: datagrams });
        expect(r.interfaces).toEqual(['eth0', 'lo']);
        expect(r.internet).toBe('connected');
        for (const [h, p] of targets) {
          expect(r.tcp[`${h}:${p}`].result, `${h}:${p}`).toBe('ECONNREFUSED');
          expect(r.tcp[`${h}:${p}`].ms, `${h}:${p}`).toBeLessThan(1000);
        }
        expect(r.udp).toBe('ECONNREFUSED');
        expect(r.abstract).toBe('ECONNREFUSED');
        expect(accepted).toBe(0);
        expect(datagrams).toBe(0);
      } finally {
        listener.close();
        udp.close();
        abstract.close();
        await inet.close();
      }
      await bench.unharmed(observe);
    },
  );

  attack(
    'two envs with a network at once: each listens and probes the other (and every address of its /24 on the bridge)',
    "each reaches its own listener (control); the other env's listener ECONNREFUSED; no one but itself connects to either",
    async (observe) => {
      await deployOnce(bench, { name: 'net-peer', source: 'net_peer.js', memory: 512 });
      const now = Date.now();
      const event = { probeAt: now + 6000, until: now + 9000, last: 40 };
      const [a, b] = await Promise.all([run(bench, 'net-peer', event), run(bench, 'net-peer', event)]);
      observe({ a: { mine: a.mine, other: a.probes[b.mine], from: a.from }, b: { mine: b.mine, other: b.probes[a.mine], from: b.from } });
      expect(a.mine).not.toBe(b.mine);
      expect(a.probes[a.mine]).toBe('connected');
      expect(b.probes[b.mine]).toBe('connected');
      expect(a.probes[b.mine]).toBe('ECONNREFUSED');
      expect(b.probes[a.mine]).toBe('ECONNREFUSED');
      for (const r of [a, b]) {
        expect(r.from.every((f: string) => f === r.mine || f === '127.0.0.1')).toBe(true);
        for (const [ip, result] of Object.entries(r.probes)) if (ip !== r.mine) expect(['ECONNREFUSED', 'EHOSTUNREACH', 'TIMEOUT'], ip).toContain(result);
      }
      await bench.unharmed(observe);
    },
  );

  attack(
    "from an env with a network: rewrite its /etc/hosts and /etc/resolv.conf, give eth0 another env's address (netlink as `ip addr add` does, and ioctl), add a route, take the link down, open a raw socket, send from an address not its own (IP_FREEBIND, IP_TRANSPARENT)",
    'every attempt fails (EACCES or EROFS for the files, EPERM for the link, the address, the route, the raw socket and IP_TRANSPARENT, EINVAL or ENETUNREACH for a connect from a foreign address); afterwards eth0 has its own address, both files are unchanged, the test internet still answers, and the host listener never accepted',
    async (observe) => {
      const inet = await startTestInternet();
      let accepted = 0;
      const listener = createServer((s) => {
        accepted++;
        s.destroy();
      });
      await new Promise<void>((r) => listener.listen(0, '0.0.0.0', r));
      try {
        await deployOnce(bench, { name: 'net-tamper', source: 'net_tamper.py', memory: 128 });
        const r = await run(bench, 'net-tamper', { internet: inet.address, port: (listener.address() as AddressInfo).port });
        observe({ ...r, listenerAccepted: accepted });
        const t = r.tried as Record<string, string>;
        for (const [what, result] of Object.entries(t)) expect(result, what).toMatch(/^E[A-Z]+$/);
        expect(['EACCES', 'EROFS']).toContain(t['write /etc/hosts']);
        expect(['EACCES', 'EROFS']).toContain(t['write /etc/resolv.conf']);
        for (const what of ['netlink add address', 'netlink add route', 'ioctl set address', 'ioctl link down', 'raw packet socket', 'IP_TRANSPARENT']) expect(t[what], what).toBe('EPERM');
        // The kernel finds no route from an address the env does not hold (EINVAL or ENETUNREACH by version).
        expect(['EINVAL', 'ENETUNREACH']).toContain(t["connect from the gateway's address"]);
        expect(['EINVAL', 'ENETUNREACH']).toContain(t["connect from another env's address"]);
        expect(r.after).toEqual({ address: r.mine, hostsUnchanged: true, resolvUnchanged: true, internet: 'connected' });
        expect(accepted).toBe(0);
      } finally {
        listener.close();
        await inet.close();
      }
      await bench.unharmed(observe);
    },
  );

  /**
   * The request id of an invocation, from the line it prints, once the log stream shows it: an
   * invocation's block reaches the stream when it ends (telemetry/run-log.ts), so on a busy
   * machine, where a cold start on the bridge takes seconds, this waits up to 30 s.
   */
  async function runningRequestId(fn: string): Promise<string> {
    const until = Date.now() + 30_000;
    while (Date.now() < until) {
      const streams = (await workbenchGet(bench.server, `/_workbench/logs?function=${fn}`)) as { text: string }[];
      const m = streams.map((s) => s.text).join('').match(/REQUEST ([0-9a-f-]{36})/);
      if (m?.[1]) return m[1];
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the running invocation never logged its request id');
  }

  attack(
    'forge Runtime API traffic: POST /runtime/invocation/<other request id>/response and /error',
    "the init answers 400 InvalidRequestID for another env's running request, this env's previous request and a made-up id; the real caller gets the real result",
    async (observe) => {
      await deployOnce(bench, { name: 'slow-victim', source: 'slow_victim.py', memory: 128 });
      await deployOnce(bench, { name: 'forge', source: 'forge.py', memory: 128 });
      await run(bench, 'forge', { what: 'post' }); // leaves this env's request id in its /tmp for the next one
      const victim = invoke(bench.client, 'slow-victim', { hold: 2 });
      const victimId = await runningRequestId('slow-victim');
      const made = '00000000-0000-4000-8000-000000000000';
      const r = await run(bench, 'forge', { what: 'post', ids: [victimId, made] });
      const real = await victim;
      const summary = Object.fromEntries(Object.entries<any>(r.posts).map(([id, p]) => [id === victimId ? "another env's running request" : id === made ? 'made-up id' : "this env's previous request", `${p.response.status}/${p.error.status} ${p.response.body}`]));
      observe({ forged: summary, victimGot: real.json, victimStatus: real.status });
      expect(Object.keys(r.posts)).toHaveLength(3);
      for (const p of Object.values<any>(r.posts)) {
        for (const k of ['response', 'error']) {
          expect(p[k].status).toBe(400);
          expect(JSON.parse(p[k].body).errorType).toBe('InvalidRequestID');
        }
      }
      expect(real.functionError).toBeUndefined();
      expect(real.json).toEqual({ real: true, id: victimId });
      await bench.unharmed(observe);
    },

    60_000,
  );

  attack(
    'open or write the channel socket /run/lwb/host.sock from the function',
    'connect ENOENT (unlinked once the init connected) or ECONNREFUSED/EACCES; open for writing ENOENT/ENXIO/EROFS/EACCES; nothing written reaches the host',
    async (observe) => {
      await deployOnce(bench, { name: 'forge', source: 'forge.py', memory: 128 });
      const r = await run(bench, 'forge', { what: 'channel' });
      observe(r);
      expect(['ENOENT', 'ECONNREFUSED', 'EACCES']).toContain(r.connect.error);
      expect(['ENOENT', 'ENXIO', 'EROFS', 'EACCES']).toContain(r.open.error);
      // The env's own channel still works: a further invoke of the same env answers.
      expect((await invoke(bench.client, 'forge', { what: 'channel' })).status).toBe(200);
      await bench.unharmed(observe);
    },
  );
}
