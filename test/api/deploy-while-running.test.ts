// A deploy never kills running work (issue 9 C): envs are keyed by what runs;
// a new revision sends new invocations to new envs while the old envs finish
// what they run and then retire; PublishVersion of unchanged code recycles
// nothing.
import { PublishVersionCommand, UpdateFunctionCodeCommand, waitUntilFunctionUpdatedV2 } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server.js';
import { createFunction, invoke, report } from '../helpers/lambda.js';
import { makeZip } from '../helpers/zip.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signedFetch } from '../helpers/signed-fetch.js';
import { waitFor } from '../helpers/workbench.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

const source = (tag: string) =>
  `exports.handler = async (e) => { await new Promise((r) => setTimeout(r, e.ms ?? 0)); return { tag: ${JSON.stringify(tag)} }; };`;

describe('deploys while invocations run', () => {
  it('UpdateFunctionCode: the running invocation returns the old code\'s result; the next is cold on the new code', async () => {
    const client = server.client();
    await createFunction(client, { name: 'deploy', timeout: 10, files: { 'index.js': source('v1') } });
    expect((await invoke(client, 'deploy')).json).toEqual({ tag: 'v1' });
    const running = invoke(client, 'deploy', { ms: 3000 });
    await new Promise((r) => setTimeout(r, 500));
    await client.send(new UpdateFunctionCodeCommand({ FunctionName: 'deploy', ZipFile: await makeZip({ 'index.js': source('v2') }) }));
    await waitUntilFunctionUpdatedV2({ client, maxWaitTime: 30 }, { FunctionName: 'deploy' });
    const next = await invoke(client, 'deploy');
    expect(next.json).toEqual({ tag: 'v2' });
    expect(report(next.log)['Init Duration']).toBeDefined();
    const old = await running;
    expect(old.functionError).toBeUndefined();
    expect(old.json).toEqual({ tag: 'v1' });
  }, 60_000);

  it('PublishVersion while an invocation runs: it completes, and $LATEST stays warm in the same env', async () => {
    const client = server.client();
    await createFunction(client, { name: 'publish', timeout: 10, files: { 'index.js': source('p1') } });
    expect((await invoke(client, 'publish')).json).toEqual({ tag: 'p1' });
    const running = invoke(client, 'publish', { ms: 3000 });
    await new Promise((r) => setTimeout(r, 500));
    await client.send(new PublishVersionCommand({ FunctionName: 'publish' }));
    const old = await running;
    expect(old.functionError).toBeUndefined();
    expect(old.json).toEqual({ tag: 'p1' });
    // Nothing that runs changed: the warm env serves $LATEST on (no Init Duration: not a cold start).
    const after = await invoke(client, 'publish');
    expect(after.json).toEqual({ tag: 'p1' });
    expect(report(after.log)['Init Duration']).toBeUndefined();
  }, 60_000);

  it('a linked-folder save while an invocation runs: it returns the old code\'s result; the next runs the new code, cold', async () => {
    const client = server.client();
    const folder = mkdtempSync(join(tmpdir(), 'lwb-linked-deploy-'));
    writeFileSync(join(folder, 'index.js'), source('l1'));
    await createFunction(client, { name: 'linked-deploy', timeout: 10, files: { 'index.js': source('zip') } });
    const res = await signedFetch(`${server.url}/_workbench/functions/linked-deploy/linked-folder`, { method: 'PUT', body: JSON.stringify({ Folder: folder }) });
    expect(res.status).toBe(200);
    expect((await invoke(client, 'linked-deploy')).json).toEqual({ tag: 'l1' });
    const running = invoke(client, 'linked-deploy', { ms: 3000 });
    await new Promise((r) => setTimeout(r, 300));
    writeFileSync(join(folder, 'index.js'), source('l2'));
    // The save is picked up (debounced) while the 3 s invocation still runs.
    const next = await waitFor('the saved code', async () => {
      const out = await invoke(client, 'linked-deploy');
      return out.json?.tag === 'l2' && out;
    }, 10_000);
    expect(report(next.log)['Init Duration']).toBeDefined();
    const old = await running;
    expect(old.functionError).toBeUndefined();
    expect(old.json).toEqual({ tag: 'l1' });
  }, 60_000);
});
