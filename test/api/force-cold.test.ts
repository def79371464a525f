// The force-cold setting: every invoke starts a new env, which is destroyed
// afterwards, and the event log says why; the destroyed envs' logs stay.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server.js';
import { createFunction, invoke, report } from '../helpers/lambda.js';
import { environments, events, logStreams, waitFor } from '../helpers/workbench.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ args: ['--force-cold'] });
});
afterAll(async () => {
  await server?.stop();
});

describe('force cold', () => {
  it('gives every invoke a fresh env with its own init', async () => {
    await createFunction(server.client(), {
      name: 'always-cold',
      files: { 'index.js': 'let n = 0; exports.handler = async () => ({ n: ++n, stream: process.env.AWS_LAMBDA_LOG_STREAM_NAME });' },
    });
    const a = await invoke(server.client(), 'always-cold');
    const b = await invoke(server.client(), 'always-cold');
    expect(a.json.n).toBe(1);
    expect(b.json.n).toBe(1);
    expect(b.json.stream).not.toBe(a.json.stream);
    expect(report(a.log)['Init Duration']).toBeDefined();
    expect(report(b.log)['Init Duration']).toBeDefined();
    await waitFor('the envs to be destroyed', async () => (await environments(server.url, 'always-cold')).length === 0);
    // An env leaves the pool when it starts shutting down; its stream ends when it is gone.
    await waitFor('both streams to end', async () => (await logStreams(server.url, 'always-cold')).every((s) => s.ended));
    const created = (await events(server.url, 'always-cold')).filter((e) => e.kind === 'env.state' && e.from === null);
    expect(created.map((e) => e.cause)).toEqual(['forced-cold', 'forced-cold']);
    // Both envs are gone; their log streams are not (as CloudWatch keeps them).
    const streams = await logStreams(server.url, 'always-cold');
    expect(streams.map((s) => s.name)).toEqual([a.json.stream, b.json.stream]);
    for (const s of streams) {
      expect(s.ended).toBe(true);
      expect(s.text).toMatch(/START RequestId: [\s\S]*END RequestId: [\s\S]*REPORT RequestId: .*Init Duration/);
    }
  });
});
