// Functions that reach the world (issue 12): with `internet` (the default) a
// Node.js and a Python function fetch a page from a test host by name (real DNS
// queries, through Docker's resolver, to a DNS server of the test's internet)
// and by address; with `none` they have only lo; an internet env reaches
// neither the workbench's API port, nor any host port off its allowlist, nor
// another env (two concurrent envs probe each other); with HostPorts it
// reaches exactly the allowed port at host.lambda.internal. Every refusal is
// immediate (ECONNREFUSED), never a wait for the function's timeout.
// The "internet" is a network namespace the test makes (test-internet.ts).
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { networkInterfaces } from 'node:os';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server.js';
import { createFunction, invoke } from '../helpers/lambda.js';
import { startTestInternet, type TestInternet } from '../helpers/test-internet.js';
import { configure, createWith, getConfiguration } from '../helpers/reach.js';
import { makeZip } from '../helpers/zip.js';
import { ROLE } from '../helpers/lambda.js';

const NODE_PROBE = `
const net = require('node:net');
const dgram = require('node:dgram');
const fs = require('node:fs');
const connect = (host, port, ms = 4000) => new Promise((resolve) => {
  const started = Date.now();
  const s = net.connect({ host, port });
  const t = setTimeout(() => { s.destroy(); resolve({ result: 'TIMEOUT', ms: Date.now() - started }); }, ms);
  s.on('connect', () => { clearTimeout(t); s.destroy(); resolve({ result: 'connected', ms: Date.now() - started }); });
  s.on('error', (e) => { clearTimeout(t); resolve({ result: e.code, ms: Date.now() - started }); });
});
const get = async (url) => {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(5000) });
    return { status: r.status, body: await r.text() };
  } catch (e) {
    return { error: (e.cause && e.cause.code) || e.code || e.name, message: String((e.cause && e.cause.message) || e.message) };
  }
};
const udp = (host, port) => new Promise((resolve) => {
  const s = dgram.createSocket('udp4');
  let closed = false;
  const done = (r) => { if (closed) return; closed = true; clearTimeout(t); clearTimeout(again); s.close(); resolve(r); };
  const t = setTimeout(() => done('no answer'), 1500);
  let again;
  s.on('error', (e) => done(e.code));
  // The refusal (ICMP port unreachable) comes back as an error on the connected socket's next send.
  s.connect(port, host, () => { s.send('x'); again = setTimeout(() => !closed && s.send('y'), 200); });
});
exports.handler = async (event) => {
  const out = { interfaces: fs.readdirSync('/sys/class/net').sort(), fetch: {}, tcp: {} };
  for (const u of event.urls || []) out.fetch[u] = await get(u);
  const probes = await Promise.all((event.tcp || []).map(([h, p]) => connect(h, p)));
  (event.tcp || []).forEach(([h, p], i) => (out.tcp[h + ':' + p] = probes[i]));
  if (event.udp) out.udp = await udp(event.udp[0], event.udp[1]);
  return out;
};`;

const PY_PROBE = `
import errno, json, os, socket, time, urllib.request

def connect(host, port):
    started = time.time()
    try:
        socket.create_connection((host, port), timeout=4).close()
        return {'result': 'connected', 'ms': int((time.time() - started) * 1000)}
    except socket.timeout:
        return {'result': 'TIMEOUT', 'ms': int((time.time() - started) * 1000)}
    except OSError as e:
        return {'result': errno.errorcode.get(e.errno, str(e)), 'ms': int((time.time() - started) * 1000)}

def handler(event, context):
    out = {'interfaces': sorted(os.listdir('/sys/class/net')), 'fetch': {}, 'tcp': {}}
    for u in event.get('urls', []):
        try:
            with urllib.request.urlopen(u, timeout=5) as r:
                out['fetch'][u] = {'status': r.status, 'body': r.read().decode()}
        except Exception as e:
            reason = getattr(e, 'reason', e)
            out['fetch'][u] = {'error': type(reason).__name__, 'message': str(reason)}
    for host, port in event.get('tcp', []):
        out['tcp'][f'{host}:{port}'] = connect(host, port)
    return out
`;

/** Listens on 7777, probes its neighbours on the bridge at an agreed time, and reports who got in. */
const PEER = `
const net = require('node:net');
const os = require('node:os');
const sleepUntil = (t) => new Promise((r) => setTimeout(r, Math.max(0, t - Date.now())));
const connect = (host, port) => new Promise((resolve) => {
  const s = net.connect({ host, port });
  const t = setTimeout(() => { s.destroy(); resolve('TIMEOUT'); }, 3000);
  s.on('connect', () => { clearTimeout(t); s.destroy(); resolve('connected'); });
  s.on('error', (e) => { clearTimeout(t); resolve(e.code); });
});
exports.handler = async (event) => {
  const mine = (os.networkInterfaces().eth0 || []).find((a) => a.family === 'IPv4').address;
  const from = [];
  const server = net.createServer((s) => { from.push(s.remoteAddress); s.destroy(); });
  await new Promise((r) => server.listen(7777, '0.0.0.0', r));
  await sleepUntil(event.probeAt);
  const prefix = mine.split('.').slice(0, 3).join('.');
  const ips = Array.from({ length: event.last }, (_, i) => prefix + '.' + (i + 2));
  const results = await Promise.all(ips.map((ip) => connect(ip, 7777)));
  const probes = Object.fromEntries(ips.map((ip, i) => [ip, results[i]]));
  await sleepUntil(event.until);
  server.close();
  return { mine, probes, from };
};`;

let server: RunningServer;
let inet: TestInternet;

/** The probes, made once on first use so that any test runs alone too (-t). */
const made = new Map<string, Promise<unknown>>();
function probe(name: 'net-node' | 'net-py'): Promise<unknown> {
  let p = made.get(name);
  if (!p) {
    p = name === 'net-node'
      ? createFunction(server.client(), { name, memory: 1024, timeout: 30, files: { 'index.js': NODE_PROBE } })
      : createFunction(server.client(), { name, runtime: 'python3.11', handler: 'probe.handler', memory: 1024, timeout: 30, files: { 'probe.py': PY_PROBE } });
    made.set(name, p);
  }
  return p;
}
let allowed: HttpServer;
let offList: TcpServer;
let offListAccepted = 0;
let udpListener: UdpSocket;
let udpReceived = 0;
const port = (s: { address(): AddressInfo | string | null }) => (s.address() as AddressInfo).port;

/** The host's IPv4 addresses an env could try (its own lo excepted). */
const hostAddresses = () =>
  Object.values(networkInterfaces())
    .flat()
    .filter((a) => a && a.family === 'IPv4' && !a.address.startsWith('127.'))
    .map((a) => a!.address);

beforeAll(async () => {
  inet = await startTestInternet();
  // Listeners on every host address: only isolation keeps envs from them.
  allowed = createHttpServer((_req, res) => res.end('the allowed host port'));
  await new Promise<void>((r) => allowed.listen(0, '0.0.0.0', r));
  offList = createTcpServer((s) => {
    offListAccepted++;
    s.destroy();
  });
  await new Promise<void>((r) => offList.listen(0, '0.0.0.0', r));
  udpListener = createSocket('udp4');
  udpListener.on('message', () => udpReceived++);
  await new Promise<void>((r) => udpListener.bind(0, '0.0.0.0', r));
  // Names resolve through the test internet's DNS server, as they would through a real one.
  server = await startServer({ args: ['--dns', inet.address] });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await inet?.close();
  allowed?.close();
  offList?.close();
  udpListener?.close();
});

describe('network per function', () => {
  it('internet (the default): a Node.js and a Python function fetch a page from the test host by name and by address', async () => {
    await Promise.all([probe('net-node'), probe('net-py')]);
    const config = await getConfiguration(server, 'net-node');
    expect(config.WorkbenchNetwork).toEqual({
      Effective: { Mode: 'internet', Internet: true, HostPorts: [], Reason: expect.stringContaining("the workbench's default (lwb serve --network internet)") },
    });
    const urls = [`http://${inet.name}/by-name`, `http://${inet.address}/by-address`];
    for (const fn of ['net-node', 'net-py']) {
      const out = await invoke(server.client(), fn, { urls });
      expect(out.functionError, out.payload).toBeUndefined();
      expect(out.json.interfaces).toEqual(['eth0', 'lo']);
      for (const u of urls) {
        expect(out.json.fetch[u].status, `${fn} ${u}: ${JSON.stringify(out.json.fetch[u])}`).toBe(200);
        const body = JSON.parse(out.json.fetch[u].body);
        expect(body.hello).toBe('from the test internet');
        // Routed by the host and NATed: the test host sees the host's side of its link.
        expect(body.from).toBe(inet.hostSide);
      }
      expect(JSON.parse(out.json.fetch[urls[0]!].body).host).toBe(inet.name);
    }
  }, 120_000);

  it('none: only lo, and the same fetches fail at once', async () => {
    const zip = (await makeZip({ 'index.js': NODE_PROBE })).toString('base64');
    const created = await createWith(server, {
      FunctionName: 'sealed-node', Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', MemorySize: 1024, Timeout: 30,
      Code: { ZipFile: zip }, WorkbenchNetwork: { Mode: 'none' },
    });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    expect(created.json.WorkbenchNetwork).toMatchObject({ Mode: 'none', Effective: { Mode: 'none', Internet: false, HostPorts: [] } });
    await createFunction(server.client(), { name: 'sealed-py', runtime: 'python3.11', handler: 'probe.handler', memory: 1024, timeout: 30, files: { 'probe.py': PY_PROBE } });
    const updated = await configure(server, 'sealed-py', { WorkbenchNetwork: { Mode: 'none' } });
    expect(updated.WorkbenchNetwork.Effective.Reason).toContain('set on the function');
    const urls = [`http://${inet.name}/`, `http://${inet.address}/`];
    const node = await invoke(server.client(), 'sealed-node', { urls, tcp: [[inet.address, 80]] });
    expect(node.functionError, node.payload).toBeUndefined();
    expect(node.json.interfaces).toEqual(['lo']);
    expect(node.json.fetch[urls[0]!].error).toMatch(/^(ENOTFOUND|EAI_AGAIN)$/);
    expect(node.json.fetch[urls[1]!].error).toBe('ENETUNREACH');
    expect(node.json.tcp[`${inet.address}:80`].result).toBe('ENETUNREACH');
    const py = await invoke(server.client(), 'sealed-py', { urls, tcp: [[inet.address, 80]] });
    expect(py.functionError, py.payload).toBeUndefined();
    expect(py.json.interfaces).toEqual(['lo']);
    expect(py.json.fetch[urls[0]!].error).toBe('gaierror');
    expect(py.json.tcp[`${inet.address}:80`].result).toBe('ENETUNREACH');
  }, 120_000);

  it("internet: the workbench's API port, host ports off the allowlist, host UDP and the metadata address are refused at once", async () => {
    await Promise.all([probe('net-node'), probe('net-py')]);
    const hosts = hostAddresses();
    const tcp: [string, number][] = [
      ['host.lambda.internal', server.port],
      ['host.lambda.internal', port(offList)],
      ['host.lambda.internal', port(allowed)],
      ['host.lambda.internal', 22],
      ['169.254.169.254', 80],
      ...hosts.flatMap((h): [string, number][] => [[h, server.port], [h, port(offList)], [h, port(allowed)]]),
    ];
    const out = await invoke(server.client(), 'net-node', { tcp, udp: ['host.lambda.internal', port(udpListener)] });
    expect(out.functionError, out.payload).toBeUndefined();
    for (const [h, p] of tcp) {
      const r = out.json.tcp[`${h}:${p}`];
      expect(r.result, `${h}:${p}`).toBe('ECONNREFUSED');
      expect(r.ms, `${h}:${p} refused fast`).toBeLessThan(1000);
    }
    expect(out.json.udp).toBe('ECONNREFUSED');
    expect(offListAccepted).toBe(0);
    expect(udpReceived).toBe(0);
    // The Python runtime meets the same refusal.
    const py = await invoke(server.client(), 'net-py', { tcp: [['host.lambda.internal', port(offList)], [hosts[0]!, server.port]] });
    expect(Object.values(py.json.tcp).map((r: any) => r.result)).toEqual(['ECONNREFUSED', 'ECONNREFUSED']);
  }, 120_000);

  it('HostPorts: exactly the allowed host port is reachable, at host.lambda.internal', async () => {
    await createFunction(server.client(), { name: 'ports-node', memory: 1024, timeout: 30, files: { 'index.js': NODE_PROBE } });
    await probe('net-node');
    const cfg = await configure(server, 'ports-node', { WorkbenchNetwork: { HostPorts: [port(allowed)] } });
    expect(cfg.WorkbenchNetwork).toMatchObject({ HostPorts: [port(allowed)], Effective: { Mode: 'internet', Internet: true, HostPorts: [port(allowed)] } });
    const other = hostAddresses().find((h) => h !== hostAddresses()[0]) ?? hostAddresses()[0]!;
    const out = await invoke(server.client(), 'ports-node', {
      urls: [`http://host.lambda.internal:${port(allowed)}/`, `http://${inet.name}/`],
      tcp: [['host.lambda.internal', port(offList)], ['host.lambda.internal', server.port], [other, port(allowed)]],
    });
    expect(out.functionError, out.payload).toBeUndefined();
    expect(out.json.fetch[`http://host.lambda.internal:${port(allowed)}/`]).toEqual({ status: 200, body: 'the allowed host port' });
    expect(out.json.fetch[`http://${inet.name}/`].status).toBe(200);
    // Only that port, and only by host.lambda.internal (the bridge's gateway), not the host's other addresses.
    for (const r of Object.values<any>(out.json.tcp)) expect(r.result).toBe('ECONNREFUSED');
    expect(offListAccepted).toBe(0);
    // The function next to it, without the allowlist, is still refused there.
    const plain = await invoke(server.client(), 'net-node', { tcp: [['host.lambda.internal', port(allowed)]] });
    expect(plain.functionError, plain.payload + plain.log).toBeUndefined();
    expect(plain.json.tcp[`host.lambda.internal:${port(allowed)}`].result).toBe('ECONNREFUSED');
  }, 120_000);

  it('two concurrent envs cannot reach each other (each reaches itself, as a control)', async () => {
    await createFunction(server.client(), { name: 'peer', memory: 512, timeout: 30, files: { 'index.js': PEER } });
    const now = Date.now();
    const event = { probeAt: now + 6000, until: now + 9000, last: 40 };
    const [a, b] = await Promise.all([invoke(server.client(), 'peer', event), invoke(server.client(), 'peer', event)]);
    expect(a.functionError, a.payload).toBeUndefined();
    expect(b.functionError, b.payload).toBeUndefined();
    const [ra, rb] = [a.json, b.json];
    expect(ra.mine).not.toBe(rb.mine);
    expect(ra.probes[ra.mine]).toBe('connected');
    expect(rb.probes[rb.mine]).toBe('connected');
    expect(ra.probes[rb.mine]).toBe('ECONNREFUSED');
    expect(rb.probes[ra.mine]).toBe('ECONNREFUSED');
    // Nobody but the env itself got in, and no other address on the bridge answered.
    expect(ra.from.every((f: string) => f === ra.mine || f === '127.0.0.1')).toBe(true);
    expect(rb.from.every((f: string) => f === rb.mine || f === '127.0.0.1')).toBe(true);
    for (const r of [ra, rb]) {
      for (const [ip, result] of Object.entries(r.probes)) if (ip !== r.mine) expect(['ECONNREFUSED', 'EHOSTUNREACH', 'TIMEOUT'], ip).toContain(result);
    }
  }, 120_000);

  it('VpcConfig is kept; without an allowlist the function gets none, with one only its host ports, and Mode says otherwise', async () => {
    await createFunction(server.client(), { name: 'in-vpc', memory: 1024, timeout: 30, files: { 'index.js': NODE_PROBE } });
    const vpc = { SubnetIds: ['subnet-0abc'], SecurityGroupIds: ['sg-0abc'] };
    let cfg = await configure(server, 'in-vpc', { VpcConfig: vpc });
    expect(cfg.VpcConfig).toEqual(vpc);
    expect(cfg.WorkbenchNetwork.Effective).toMatchObject({ Mode: 'none', Internet: false, Reason: expect.stringContaining('VpcConfig') });
    let out = await invoke(server.client(), 'in-vpc', {});
    expect(out.json.interfaces).toEqual(['lo']);

    cfg = await configure(server, 'in-vpc', { WorkbenchNetwork: { HostPorts: [port(allowed)] } });
    expect(cfg.WorkbenchNetwork.Effective).toMatchObject({ Mode: 'host-ports', Internet: false, HostPorts: [port(allowed)] });
    out = await invoke(server.client(), 'in-vpc', { urls: [`http://host.lambda.internal:${port(allowed)}/`], tcp: [[inet.address, 80]] });
    expect(out.json.interfaces).toEqual(['eth0', 'lo']);
    expect(out.json.fetch[`http://host.lambda.internal:${port(allowed)}/`].status).toBe(200);
    expect(out.json.tcp[`${inet.address}:80`].result).toBe('ECONNREFUSED');

    cfg = await configure(server, 'in-vpc', { WorkbenchNetwork: { Mode: 'internet' } });
    expect(cfg.WorkbenchNetwork.Effective).toMatchObject({ Mode: 'internet', Internet: true });
    out = await invoke(server.client(), 'in-vpc', { urls: [`http://${inet.address}/`] });
    expect(out.json.fetch[`http://${inet.address}/`].status).toBe(200);
    // Out of the VPC (empty lists, as on AWS): VpcConfig goes.
    cfg = await configure(server, 'in-vpc', { VpcConfig: { SubnetIds: [], SecurityGroupIds: [] }, WorkbenchNetwork: null });
    expect(cfg.VpcConfig).toBeUndefined();
    expect(cfg.WorkbenchNetwork.Effective.Mode).toBe('internet');
  }, 120_000);

  it('bad settings are refused with what to give instead', async () => {
    await probe('net-node');
    const bad = [
      { WorkbenchNetwork: { Mode: 'open' } },
      { WorkbenchNetwork: { HostPorts: [0] } },
      { WorkbenchNetwork: { HostPorts: 'all' } },
      { WorkbenchEndpoints: { Url: 'ftp://x' } },
      { WorkbenchEndpoints: { Url: 'http://user:secret@host.lambda.internal:1' } },
      { WorkbenchCredentials: { Source: 'profile:' } },
      { VpcConfig: { SubnetIds: 'subnet-1' } },
    ];
    for (const fields of bad) {
      const err = await configure(server, 'net-node', fields).then(() => undefined, (e) => e);
      expect(err?.status, JSON.stringify(fields)).toBe(400);
      expect(JSON.parse(err.body).Type ?? JSON.parse(err.body).__type ?? 'User').toBeTruthy();
    }
  }, 60_000);

  it('the Environments view says which network each env has', async () => {
    const res = await (await import('../helpers/signed-fetch.js')).signedFetch(`${server.url}/_workbench/environments`);
    const envs = (await res.json()) as { functionName: string; network: { mode: string; hostPorts: number[] } }[];
    expect(envs.find((e) => e.functionName === 'net-node')?.network).toEqual({ mode: 'internet', hostPorts: [] });
    expect(envs.find((e) => e.functionName === 'sealed-node')?.network).toEqual({ mode: 'none', hostPorts: [] });
    expect(envs.find((e) => e.functionName === 'ports-node')?.network).toEqual({ mode: 'internet', hostPorts: [port(allowed)] });
  });
});
