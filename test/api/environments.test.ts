// Execution environments behave as on Lambda: warm reuse keeps module state
// and /tmp, concurrent invokes scale out to separate envs, idle envs are
// frozen and thawed, and envs are reclaimed after their keepalive.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server.js';
import { createFunction, invoke, report } from '../helpers/lambda.js';
import { environments, events, freezerState, waitFor, docker } from '../helpers/workbench.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ args: ['--freeze-after-ms', '150', '--keepalive-ms', '4000'] });
});
afterAll(async () => {
  await server?.stop();
});

const COUNTER = `
const fs = require('node:fs');
let count = 0;
exports.handler = async (event) => {
  count++;
  const previous = fs.existsSync('/tmp/note') ? fs.readFileSync('/tmp/note', 'utf8') : null;
  fs.writeFileSync('/tmp/note', 'written by invoke ' + count);
  return { count, previous, stream: process.env.AWS_LAMBDA_LOG_STREAM_NAME };
};`;

describe('execution environments', () => {
  it('reuses one env for sequential invokes: module state and /tmp persist, Init Duration only first', async () => {
    const client = server.client();
    await createFunction(client, { name: 'counter', files: { 'index.js': COUNTER } });
    const first = await invoke(client, 'counter');
    const second = await invoke(client, 'counter');
    expect(first.json).toMatchObject({ count: 1, previous: null });
    expect(second.json).toMatchObject({ count: 2, previous: 'written by invoke 1' });
    expect(second.json.stream).toBe(first.json.stream);
    expect(report(first.log)['Init Duration']).toMatch(/^\d+\.\d\d ms$/);
    expect(report(second.log)['Init Duration']).toBeUndefined();
    expect(first.log).toMatch(/^START RequestId: [0-9a-f-]{36} Version: \$LATEST$/m);
    expect(first.log).toMatch(/^END RequestId: [0-9a-f-]{36}$/m);
    expect(await environments(server.url, 'counter')).toHaveLength(1);
  });

  it('runs five concurrent invokes of a cold function in five envs, one invocation each at a time', async () => {
    const client = server.client();
    await createFunction(client, {
      name: 'concurrent',
      files: {
        'index.js': `
let busy = false;
exports.handler = async () => {
  const overlapped = busy;
  busy = true;
  await new Promise((r) => setTimeout(r, 400));
  busy = false;
  return { overlapped, stream: process.env.AWS_LAMBDA_LOG_STREAM_NAME };
};`,
      },
    });
    const results = await Promise.all(Array.from({ length: 5 }, () => invoke(client, 'concurrent')));
    expect(results.every((r) => r.status === 200 && r.json.overlapped === false)).toBe(true);
    expect(new Set(results.map((r) => r.json.stream)).size).toBe(5);
    expect(results.every((r) => report(r.log)['Init Duration'])).toBe(true);
    // Five envs were made (below); those listed now are among them (on a slow machine the first may
    // already have reached this file's short keepalive while the last were still starting).
    const listed = await environments(server.url, 'concurrent');
    expect(listed.length).toBeGreaterThanOrEqual(1);
    expect(listed.length).toBeLessThanOrEqual(5);
    // Each new env is an event with its cause: the first for the first invoke, the rest to scale out.
    const created = (await events(server.url, 'concurrent')).filter((e) => e.kind === 'env.state' && e.from === null);
    expect(created.map((e) => e.cause).sort()).toEqual(['first-invoke', 'scale-out', 'scale-out', 'scale-out', 'scale-out']);
  });

  it('reports the real peak memory of a hello-world function, not its configured size', async () => {
    const client = server.client();
    await createFunction(client, {
      name: 'hello-memory',
      memory: 1024,
      files: { 'index.js': 'exports.handler = async () => "hello";' },
    });
    const out = await invoke(client, 'hello-memory');
    const r = report(out.log);
    expect(r['Memory Size']).toBe('1024 MB');
    const used = Number(r['Max Memory Used']!.replace(' MB', ''));
    expect(used).toBeGreaterThanOrEqual(15);
    expect(used).toBeLessThan(150);
  });

  it('freezes an idle env (its timers stop) and thaws it on the next invoke', async () => {
    const client = server.client();
    await createFunction(client, {
      name: 'ticker',
      files: {
        'index.js': `
let ticks = 0;
setInterval(() => ticks++, 10);
exports.handler = async () => ({ ticks });`,
      },
    });
    const before = (await invoke(client, 'ticker')).json.ticks as number;
    const [env] = await environments(server.url, 'ticker');
    await waitFor('the env to freeze', async () => (await environments(server.url, 'ticker'))[0]?.state === 'frozen');
    expect(await freezerState(env!.containerId!)).toBe('FROZEN');
    await new Promise((r) => setTimeout(r, 1500));
    const after = (await invoke(client, 'ticker')).json.ticks as number;
    // Running for ~1.7 s would tick ~170 times; frozen after 150 ms it ticks far fewer.
    expect(after - before).toBeLessThan(80);
    expect(await freezerState(env!.containerId!)).toBe('THAWED');
    expect((await environments(server.url, 'ticker'))[0]!.id).toBe(env!.id);
  });

  it('reclaims an env after its keepalive; the next invoke is a cold start', async () => {
    const client = server.client();
    await createFunction(client, { name: 'reclaimed', files: { 'index.js': COUNTER } });
    const first = await invoke(client, 'reclaimed');
    const [env] = await environments(server.url, 'reclaimed');
    await waitFor('the env to be reclaimed', async () => (await environments(server.url, 'reclaimed')).length === 0, 15_000);
    await waitFor('its container to be removed', () =>
      docker.getContainer(env!.containerId!).inspect().then(() => false, (err) => err.statusCode === 404),
    );
    const second = await invoke(client, 'reclaimed');
    expect(second.json.count).toBe(1);
    expect(second.json.stream).not.toBe(first.json.stream);
    expect(report(second.log)['Init Duration']).toBeDefined();
    const transitions = (await events(server.url, 'reclaimed')).filter((e) => e.kind === 'env.state').map((e) => `${e.to}:${e.cause}`);
    expect(transitions).toContain('shuttingDown:keepalive-expired');
    expect(transitions).toContain('starting:after-reclaim');
  });
});
