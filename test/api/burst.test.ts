// Bursts (issue 9 E): env creation is bounded by the machine (a gate sized
// from the cores); past that capacity a freed warm env serves the invocation
// that has waited longest ("queued: machine capacity"); and a request whose
// caller has gone leaves the queue and creates nothing. Speed figures for the
// burst are in `npm run bench`, not here.
import { request, Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server.js';
import { createFunction, invoke } from '../helpers/lambda.js';
import { environments, events } from '../helpers/workbench.js';
import { signedFetch } from '../helpers/signed-fetch.js';

let server: RunningServer;
beforeAll(async () => {
  // One creation at a time, so that a burst of 30 is far past this workbench's capacity.
  const saved = process.env.LWB_CREATION_CONCURRENCY;
  process.env.LWB_CREATION_CONCURRENCY = '1';
  server = await startServer({ args: ['--ready-sandboxes', '0'] }).finally(() => {
    if (saved === undefined) delete process.env.LWB_CREATION_CONCURRENCY;
    else process.env.LWB_CREATION_CONCURRENCY = saved;
  });
});
afterAll(async () => {
  await server?.stop();
});

const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
const AUTH = `AWS4-HMAC-SHA256 Credential=AKIDWORKBENCHTEST/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}`;

/** A raw invoke; `abortAfterMs` hangs up first, as a client that gave up. */
function rawInvoke(fn: string, abortAfterMs?: number): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, path: `/2015-03-31/functions/${fn}/invocations`, method: 'POST', agent, headers: { authorization: AUTH, 'content-type': 'application/json', 'content-length': 2 } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      },
    );
    req.on('error', () => resolve(-1));
    if (abortAfterMs !== undefined) setTimeout(() => req.destroy(), abortAfterMs);
    req.end('{}');
  });
}

const HANDLER = { 'index.js': 'exports.handler = async () => { await new Promise((r) => setTimeout(r, 200)); return 1; };' };

describe('bursts', () => {
  it('30 concurrent cold invokes all succeed; past capacity freed warm envs serve queued ones, and that is recorded', async () => {
    const client = server.client();
    await createFunction(client, { name: 'burst', timeout: 60, files: HANDLER });
    expect((await invoke(client, 'burst')).status).toBe(200); // the image, built once
    const codes = await Promise.all(Array.from({ length: 30 }, () => rawInvoke('burst')));
    expect(codes.every((c) => c === 200)).toBe(true);
    const envs = await environments(server.url, 'burst');
    expect(envs.length).toBeLessThan(30);
    // No env is left re-initialising in the background (issue 9 A, under load).
    expect(envs.filter((e) => e.state === 'initializing')).toEqual([]);
    const res = await signedFetch(`${server.url}/_workbench/events?function=burst`);
    const queued = ((await res.json()) as { kind: string; reason?: string; waitedMs?: number }[]).filter((e) => e.kind === 'queued');
    expect(queued.length).toBeGreaterThan(0);
    expect(queued[0]).toMatchObject({ reason: 'machine capacity', waitedMs: expect.any(Number) });
  }, 120_000);

  it('requests whose callers hung up while queued create no env', async () => {
    const client = server.client();
    await createFunction(client, { name: 'gone', timeout: 60, files: HANDLER });
    expect((await invoke(client, 'gone')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    const before = (await events(server.url, 'gone')).filter((e) => e.kind === 'env.state' && e.from === null).length;
    // 40 callers that give up after 150 ms: one creation at a time cannot have made more than a few envs by then.
    await Promise.all(Array.from({ length: 40 }, () => rawInvoke('gone', 150)));
    await new Promise((r) => setTimeout(r, 6000)); // long enough for 40 creations to have run, had they been kept
    const created = (await events(server.url, 'gone')).filter((e) => e.kind === 'env.state' && e.from === null).length - before;
    expect(created).toBeLessThanOrEqual(4);
    // The function still answers.
    expect((await invoke(client, 'gone')).status).toBe(200);
  }, 120_000);
});
