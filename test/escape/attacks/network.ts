// Escape suite, network and the Runtime API: the env has its own network
// namespace with only lo, so neither the workbench's port, the host's
// addresses, an abstract Unix socket on the host nor DNS is reachable; a
// function cannot answer another invocation or reach the host channel.
import { createServer } from 'node:net';
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
        await deployOnce(bench, { name: 'net-probe', source: 'net_probe.js', memory: 128 });
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

  /** The request id of a running invocation, from its START line in the log stream. */
  async function runningRequestId(fn: string): Promise<string> {
    const until = Date.now() + 10_000;
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
