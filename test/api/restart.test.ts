// Everything the control plane holds survives a restart, and the real AWS CLI
// drives versions, aliases, concurrency and layers the same way the SDK does.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionEventInvokeConfigCommand,
  GetLayerVersionCommand,
  ListVersionsByFunctionCommand,
} from '@aws-sdk/client-lambda';
import { startServer, tempDataDir, type RunningServer } from '../helpers/server.js';
import { signedFetch } from '../helpers/signed-fetch.js';
import { invoke } from '../helpers/lambda.js';
import { makeZip } from '../helpers/zip.js';
import { awsCli, hasAwsCli } from '../helpers/aws-cli.js';

const servers: RunningServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

describe.skipIf(!hasAwsCli)('restart and the AWS CLI', () => {
  it('the AWS CLI builds versions, an alias, a layer and settings; all of it survives a restart', async () => {
    const dataDir = tempDataDir();
    const first = await startServer({ dataDir });
    const dir = mkdtempSync(join(tmpdir(), 'lwb-cli-'));
    const aws = async (url: string, ...args: string[]) => {
      const stdout = await awsCli(url, 'lambda', ...args, '--output', 'json');
      return stdout.trim() ? JSON.parse(stdout) : undefined;
    };
    const fnZip = join(dir, 'fn.zip');
    writeFileSync(fnZip, await makeZip({ 'index.js': "exports.handler = async () => ({ v: 1, layer: require('fs').readFileSync('/opt/layer.txt', 'utf8') });" }));
    const layerZip = join(dir, 'layer.zip');
    writeFileSync(layerZip, await makeZip({ 'layer.txt': 'from the layer' }));

    const layer = await aws(first.url, 'publish-layer-version', '--layer-name', 'cli-layer', '--zip-file', `fileb://${layerZip}`);
    expect(layer.Version).toBe(1);
    await aws(first.url, 'create-function', '--function-name', 'kept', '--runtime', 'nodejs20.x', '--handler', 'index.handler',
      '--role', 'arn:aws:iam::123456789012:role/r', '--zip-file', `fileb://${fnZip}`, '--layers', layer.LayerVersionArn);
    const v1 = await aws(first.url, 'publish-version', '--function-name', 'kept');
    expect(v1.Version).toBe('1');
    await aws(first.url, 'create-alias', '--function-name', 'kept', '--name', 'prod', '--function-version', '1');
    await aws(first.url, 'put-function-concurrency', '--function-name', 'kept', '--reserved-concurrent-executions', '5');
    await aws(first.url, 'put-function-event-invoke-config', '--function-name', 'kept', '--maximum-retry-attempts', '1');
    await aws(first.url, 'tag-resource', '--resource', v1.FunctionArn.replace(/:1$/, ''), '--tags', 'team=core');
    expect((await invoke(first.client(), 'kept:prod')).json).toEqual({ v: 1, layer: 'from the layer' });
    expect(await first.stop()).toBe(0);

    const second = await startServer({ dataDir });
    servers.push(second);
    const client = second.client();
    const got = await client.send(new GetFunctionCommand({ FunctionName: 'kept' }));
    expect(got.Concurrency?.ReservedConcurrentExecutions).toBe(5);
    expect(got.Tags).toEqual({ team: 'core' });
    expect(got.Configuration?.Layers?.[0]?.Arn).toBe(layer.LayerVersionArn);
    expect((await client.send(new ListVersionsByFunctionCommand({ FunctionName: 'kept' }))).Versions?.map((v) => v.Version)).toEqual(['$LATEST', '1']);
    expect((await client.send(new GetAliasCommand({ FunctionName: 'kept', Name: 'prod' }))).FunctionVersion).toBe('1');
    expect((await client.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'kept' }))).MaximumRetryAttempts).toBe(1);
    expect((await client.send(new GetLayerVersionCommand({ LayerName: 'cli-layer', VersionNumber: 1 }))).Version).toBe(1);
    const history = (await (await signedFetch(`${second.url}/_workbench/history?function=kept`)).json()) as { change: string }[];
    expect(history.map((h) => h.change)).toEqual(['created', 'published']);
    expect((await invoke(client, 'kept:prod')).json).toEqual({ v: 1, layer: 'from the layer' });
  });
});
