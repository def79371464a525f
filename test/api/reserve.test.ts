// Ready sandboxes (started containers waiting for a cold start) are kept per
// shape while the shape is in use, and removed once it has gone unused for a
// keepalive period: an idle workbench holds no containers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server.js';
import { createFunction, invoke, report } from '../helpers/lambda.js';
import { docker, waitFor } from '../helpers/workbench.js';

let server: RunningServer;
beforeAll(async () => {
  // A keepalive short enough to watch, so sandboxes without a network: one on the workbench's
  // bridge takes about a second longer to start, and on a loaded machine a refill would outlast
  // the keepalive and be trimmed as soon as it is ready. The reserve does not depend on the network.
  server = await startServer({ args: ['--keepalive-ms', '1500', '--network', 'none'] });
});
afterAll(async () => {
  await server?.stop();
});

/** This server's containers: envs and ready sandboxes alike. */
async function containers(): Promise<number> {
  const list = await docker.listContainers({ all: true, filters: { label: [`lambda-workbench.pid=${server.proc.pid}`] } });
  return list.length;
}

describe('ready sandboxes', () => {
  it('are removed with the envs once their shape goes unused, and come back with the next cold start', async () => {
    const client = server.client();
    await createFunction(client, { name: 'trimmed', files: { 'index.js': 'exports.handler = async () => ({ ok: true });' } });
    await waitFor('a ready sandbox for the new function', async () => (await containers()) >= 1);
    const first = await invoke(client, 'trimmed');
    expect(first.json).toEqual({ ok: true });
    // The env plus a refilled ready sandbox.
    await waitFor('the reserve to be refilled', async () => (await containers()) >= 2);

    await waitFor('every container to be removed after the keepalive', async () => (await containers()) === 0, 20_000);

    const second = await invoke(client, 'trimmed');
    expect(second.json).toEqual({ ok: true });
    expect(report(second.log)['Init Duration']).toBeDefined();
    await waitFor('the reserve to come back', async () => (await containers()) >= 2);
  });
});
