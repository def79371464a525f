// A function linked to a folder on disk: edits there (debounced) update
// $LATEST and new invocations get fresh envs; published versions stay as they were.
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PublishVersionCommand } from '@aws-sdk/client-lambda';
import { startServer, type RunningServer } from '../helpers/server.js';
import { signedFetch } from '../helpers/signed-fetch.js';
import { createFunction, invoke } from '../helpers/lambda.js';
import { waitFor } from '../helpers/workbench.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

const source = (label: string) => `exports.handler = async () => ({ label: '${label}', stream: process.env.AWS_LAMBDA_LOG_STREAM_NAME });`;

async function link(fn: string, folder: string) {
  const res = await signedFetch(`${server.url}/_workbench/functions/${fn}/linked-folder`, { method: 'PUT', body: JSON.stringify({ Folder: folder }) });
  return { status: res.status, body: (await res.json()) as any };
}

describe('linked code folders', () => {
  it('redeploys $LATEST on every change; published versions keep their snapshot', async () => {
    const client = server.client();
    const folder = mkdtempSync(join(tmpdir(), 'lwb-linked-'));
    writeFileSync(join(folder, 'index.js'), source('one'));
    await createFunction(client, { name: 'linked', files: { 'index.js': source('zip') } });
    expect((await link('linked', folder)).status).toBe(200);

    const first = await invoke(client, 'linked');
    expect(first.json.label).toBe('one');
    await client.send(new PublishVersionCommand({ FunctionName: 'linked' }));

    writeFileSync(join(folder, 'index.js'), source('two'));
    const second = await waitFor('the edit to be deployed', async () => {
      const out = await invoke(client, 'linked');
      return out.json.label === 'two' && out;
    }, 15_000);
    expect(second.json.stream).not.toBe(first.json.stream);
    expect((await invoke(client, 'linked:1')).json.label).toBe('one');
  });

  it('refuses a folder with a symlink that points outside it, and a path that is not a folder', async () => {
    await createFunction(server.client(), { name: 'linked-bad', files: { 'index.js': source('zip') } });
    const folder = mkdtempSync(join(tmpdir(), 'lwb-linked-'));
    writeFileSync(join(folder, 'index.js'), source('x'));
    symlinkSync('/etc/passwd', join(folder, 'passwd'));
    const bad = await link('linked-bad', folder);
    expect(bad.status).toBe(400);
    expect(bad.body.Message).toMatch(/symlink to \/etc\/passwd, outside the linked folder/);
    const missing = await link('linked-bad', '/no/such/folder');
    expect(missing.status).toBe(400);
    expect(missing.body.Message).toMatch(/not a folder/);
  });
});
