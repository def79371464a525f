// The event catalogue from the command line and end to end: `lwb events list`
// and `generate` as a user runs them, and an S3 put whose key has a space
// reaching a function URL-encoded, as S3 sends it.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, startServer, type RunningServer } from '../helpers/server.js';
import { signedFetch } from '../helpers/signed-fetch.js';
import { createFunction, invoke } from '../helpers/lambda.js';

const run = promisify(execFile);
const lwb = (...args: string[]) => run('npm', ['run', 'lwb', '--', ...args], { cwd: REPO, maxBuffer: 16 << 20 });

async function lwbFails(...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    await lwb(...args);
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
  throw new Error(`lwb ${args.join(' ')} succeeded`);
}

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

describe('event catalogue', () => {
  it('`npm run lwb -- events list` prints at least 60 types over 25 sources, one a line, nothing else', async () => {
    const { stdout } = await lwb('events', 'list');
    const lines = stdout.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(60);
    for (const line of lines) expect(line).toMatch(/^[a-z0-9-]+ [a-z0-9-]+ {2}\S.*$/);
    expect(new Set(lines.map((l) => l.split(' ')[0])).size).toBeGreaterThanOrEqual(25);
    expect(new Set(lines.map((l) => l.split('  ')[0])).size).toBe(lines.length);
  });

  it('generate prints the JSON; unknown sources, types and parameters are errors that list what exists', async () => {
    const { stdout } = await lwb('events', 'generate', 'sqs', 'message', '--records', '3');
    expect(JSON.parse(stdout).Records).toHaveLength(3);
    const source = await lwbFails('events', 'generate', 'nosuch', 'thing');
    expect(source.code).toBe(2);
    expect(source.stderr).toMatch(/Unknown event source "nosuch"\. Sources: .*s3.*sqs/);
    const type = await lwbFails('events', 'generate', 's3', 'nosuch');
    expect(type.stderr).toMatch(/Unknown s3 event type "nosuch"\. Types: .*put/);
    const param = await lwbFails('events', 'generate', 's3', 'put', '--colour', 'blue');
    expect(param.stderr).toMatch(/Unknown parameter "colour" for s3 put\. Parameters: .*key/);
  });

  it('an S3 put with a space in the key reaches the function URL-encoded, as S3 sends it', async () => {
    await createFunction(server.client(), { name: 's3-echo', files: { 'index.js': 'exports.handler = async (event) => event.Records[0].s3.object.key;' } });
    const res = await signedFetch(`${server.url}/_workbench/event-templates/s3/put/render`, {
      method: 'POST',
      body: JSON.stringify({ params: { key: 'reports/July 2026/summary (final).pdf' } }),
    });
    expect(res.status).toBe(200);
    const event = await res.json();
    expect((await invoke(server.client(), 's3-echo', event)).json).toBe('reports/July+2026/summary+%28final%29.pdf');
  });
});
