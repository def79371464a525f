// The real AWS CLI v2 (Debian's awscli) and @aws-sdk/client-lambda create a
// Node.js function from a zip and invoke it against the workbench.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteFunctionCommand, GetFunctionCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { startServer, type RunningServer } from '../helpers/server.js';
import { createFunction, invoke } from '../helpers/lambda.js';
import { makeZip } from '../helpers/zip.js';
import { awsCli, awsCliVersion, hasAwsCli } from '../helpers/aws-cli.js';


let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

describe('AWS clients against the workbench', () => {
  it('@aws-sdk/client-lambda creates, reads, lists, invokes and deletes a Node.js function', async () => {
    const client = server.client();
    const created = await createFunction(client, {
      name: 'sdk-hello',
      files: { 'index.js': 'exports.handler = async (event) => ({ hello: event.name, runtime: process.version });' },
    });
    expect(created.FunctionName).toBe('sdk-hello');
    expect(created.FunctionArn).toBe('arn:aws:lambda:us-east-1:123456789012:function:sdk-hello');
    expect(created.CodeSha256).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(created.State).toBe('Active');

    const got = await client.send(new GetFunctionCommand({ FunctionName: 'sdk-hello' }));
    expect(got.Configuration?.Handler).toBe('index.handler');
    // Code.Location downloads the package as uploaded: its SHA-256 is CodeSha256.
    const zip = Buffer.from(await (await fetch(got.Code!.Location!)).arrayBuffer());
    expect(createHash('sha256').update(zip).digest('base64')).toBe(created.CodeSha256);
    const listed = await client.send(new ListFunctionsCommand({}));
    expect(listed.Functions?.map((f) => f.FunctionName)).toContain('sdk-hello');

    const out = await invoke(client, 'sdk-hello', { name: 'world' });
    expect(out.status).toBe(200);
    expect(out.functionError).toBeUndefined();
    expect(out.json.hello).toBe('world');
    expect(out.json.runtime).toMatch(/^v20\./);
    expect(out.version).toBe('$LATEST');

    await client.send(new DeleteFunctionCommand({ FunctionName: 'sdk-hello' }));
    await expect(client.send(new GetFunctionCommand({ FunctionName: 'sdk-hello' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it.skipIf(!hasAwsCli)('the AWS CLI v2 creates a function from a zip file and invokes it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lwb-cli-'));
    const zipPath = join(dir, 'fn.zip');
    writeFileSync(zipPath, await makeZip({ 'index.mjs': 'export const handler = async (e) => ({ sum: e.a + e.b });' }));
    const aws = async (...args: string[]) => ({ stdout: await awsCli(server.url, ...args) });

    expect(await awsCliVersion()).toMatch(/^aws-cli\/2\./);
    const created = JSON.parse(
      (await aws('lambda', 'create-function', '--function-name', 'cli-sum', '--runtime', 'nodejs22.x', '--handler', 'index.handler',
        '--role', 'arn:aws:iam::123456789012:role/r', '--zip-file', `fileb://${zipPath}`)).stdout,
    );
    expect(created.FunctionName).toBe('cli-sum');
    expect(created.Runtime).toBe('nodejs22.x');

    const outFile = join(dir, 'out.json');
    const { stdout } = await aws('lambda', 'invoke', '--function-name', 'cli-sum', '--cli-binary-format', 'raw-in-base64-out',
      '--payload', '{"a": 2, "b": 40}', '--log-type', 'Tail', outFile);
    const meta = JSON.parse(stdout);
    expect(meta.StatusCode).toBe(200);
    expect(meta.FunctionError).toBeUndefined();
    expect(JSON.parse(readFileSync(outFile, 'utf8'))).toEqual({ sum: 42 });
    expect(Buffer.from(meta.LogResult, 'base64').toString()).toMatch(/REPORT RequestId: [0-9a-f-]{36}\tDuration/);
  });
});
