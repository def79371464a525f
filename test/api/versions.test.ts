// The function lifecycle through the SDK: update code, publish immutable
// versions, an alias that splits traffic by weight, conditional updates, and
// AWS's refusals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InvokeCommand,
  AddPermissionCommand,
  GetPolicyCommand,
  RemovePermissionCommand,
  CreateAliasCommand,
  DeleteFunctionCommand,
  GetAliasCommand,
  GetFunctionCommand,
  GetAccountSettingsCommand,
  ListAliasesCommand,
  ListTagsCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { startServer, type RunningServer } from '../helpers/server.js';
import { createFunction, invoke } from '../helpers/lambda.js';
import { makeZip } from '../helpers/zip.js';
import { events } from '../helpers/workbench.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

const codeReturning = (label: string) => makeZip({ 'index.js': `exports.handler = async () => ({ code: '${label}', version: process.env.AWS_LAMBDA_FUNCTION_VERSION });` });

describe('versions and aliases', () => {
  it('create → invoke → update → publish 1 → update → publish 2 → alias splits 50/50 → version 1 cannot be deleted', async () => {
    const client = server.client();
    await createFunction(client, { name: 'life', files: { 'index.js': "exports.handler = async () => ({ code: 'v0' });" } });
    expect((await invoke(client, 'life')).json).toEqual({ code: 'v0' });

    const updated = await client.send(new UpdateFunctionCodeCommand({ FunctionName: 'life', ZipFile: await codeReturning('v1') }));
    expect(updated.Version).toBe('$LATEST');
    expect((await invoke(client, 'life')).json).toEqual({ code: 'v1', version: '$LATEST' });
    const causes = (await events(server.url, 'life')).filter((e) => e.kind === 'env.state' && e.from === null).map((e) => e.cause);
    expect(causes).toEqual(['first-invoke', 'after-code-change']);

    const v1 = await client.send(new PublishVersionCommand({ FunctionName: 'life' }));
    expect(v1.Version).toBe('1');
    expect(v1.FunctionArn).toMatch(/:function:life:1$/);
    // Publishing again without a change returns the same version.
    expect((await client.send(new PublishVersionCommand({ FunctionName: 'life' }))).Version).toBe('1');

    await client.send(new UpdateFunctionCodeCommand({ FunctionName: 'life', ZipFile: await codeReturning('v2') }));
    const v2 = await client.send(new PublishVersionCommand({ FunctionName: 'life', Description: 'second' }));
    expect(v2.Version).toBe('2');

    const versions = await client.send(new ListVersionsByFunctionCommand({ FunctionName: 'life' }));
    expect(versions.Versions?.map((v) => v.Version)).toEqual(['$LATEST', '1', '2']);
    // Published versions are immutable snapshots: version 1 still runs v1's code.
    expect((await invoke(client, 'life:1')).json).toEqual({ code: 'v1', version: '1' });
    expect((await invoke(client, 'life:2')).json).toEqual({ code: 'v2', version: '2' });

    const alias = await client.send(
      new CreateAliasCommand({ FunctionName: 'life', Name: 'live', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '2': 0.5 } } }),
    );
    expect(alias.AliasArn).toMatch(/:function:life:live$/);
    const counts: Record<string, number> = {};
    for (let i = 0; i < 400; i++) {
      const out = await invoke(client, 'life:live', {}, false);
      counts[out.version!] = (counts[out.version!] ?? 0) + 1;
      expect(out.json.version).toBe(out.version);
    }
    expect(Object.keys(counts).sort()).toEqual(['1', '2']);
    expect(counts['1']).toBeGreaterThanOrEqual(160);
    expect(counts['1']).toBeLessThanOrEqual(240);

    await expect(client.send(new DeleteFunctionCommand({ FunctionName: 'life', Qualifier: '1' }))).rejects.toMatchObject({
      name: 'ResourceConflictException',
      message: expect.stringMatching(/aliases reference it: \[live\]/),
    });
    // Once the alias no longer points at it, version 1 can go.
    await client.send(new UpdateAliasCommand({ FunctionName: 'life', Name: 'live', FunctionVersion: '2', RoutingConfig: { AdditionalVersionWeights: {} } }));
    await client.send(new DeleteFunctionCommand({ FunctionName: 'life', Qualifier: '1' }));
    await expect(client.send(new GetFunctionCommand({ FunctionName: 'life', Qualifier: '1' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    expect((await client.send(new GetAliasCommand({ FunctionName: 'life', Name: 'live' }))).FunctionVersion).toBe('2');
    expect((await client.send(new ListAliasesCommand({ FunctionName: 'life' }))).Aliases?.map((a) => a.Name)).toEqual(['live']);
  });

  it('conditional updates: a stale RevisionId gets 412 PreconditionFailedException', async () => {
    const client = server.client();
    const created = await createFunction(client, { name: 'guarded', files: { 'index.js': 'exports.handler = async () => 1;' } });
    const ok = await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'guarded', MemorySize: 256, RevisionId: created.RevisionId }));
    expect(ok.MemorySize).toBe(256);
    expect(ok.RevisionId).not.toBe(created.RevisionId);
    await expect(
      client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'guarded', Timeout: 10, RevisionId: created.RevisionId })),
    ).rejects.toMatchObject({ name: 'PreconditionFailedException', $metadata: { httpStatusCode: 412 } });
    await expect(client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'guarded', MemorySize: 64 }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });

  it('configuration changes reach new envs: environment variables and memory', async () => {
    const client = server.client();
    await createFunction(client, {
      name: 'configured',
      files: { 'index.js': 'exports.handler = async () => ({ greeting: process.env.GREETING, memory: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE });' },
      env: { GREETING: 'hello' },
    });
    expect((await invoke(client, 'configured')).json).toEqual({ greeting: 'hello', memory: '128' });
    await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'configured', MemorySize: 512, Environment: { Variables: { GREETING: 'bonjour' } } }));
    expect((await invoke(client, 'configured')).json).toEqual({ greeting: 'bonjour', memory: '512' });
  });

  it('resource policies: add, read, refuse a duplicate id, remove', async () => {
    const client = server.client();
    const fn = await createFunction(client, { name: 'policied', files: { 'index.js': 'exports.handler = async () => 1;' } });
    const added = await client.send(
      new AddPermissionCommand({ FunctionName: 'policied', StatementId: 's3-invoke', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceArn: 'arn:aws:s3:::my-bucket' }),
    );
    expect(JSON.parse(added.Statement!)).toEqual({
      Sid: 's3-invoke',
      Effect: 'Allow',
      Principal: { Service: 's3.amazonaws.com' },
      Action: 'lambda:InvokeFunction',
      Resource: fn.FunctionArn,
      Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::my-bucket' } },
    });
    const policy = JSON.parse((await client.send(new GetPolicyCommand({ FunctionName: 'policied' }))).Policy!);
    expect(policy.Statement.map((s: { Sid: string }) => s.Sid)).toEqual(['s3-invoke']);
    await expect(
      client.send(new AddPermissionCommand({ FunctionName: 'policied', StatementId: 's3-invoke', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com' })),
    ).rejects.toMatchObject({ name: 'ResourceConflictException' });
    await client.send(new RemovePermissionCommand({ FunctionName: 'policied', StatementId: 's3-invoke' }));
    await expect(client.send(new GetPolicyCommand({ FunctionName: 'policied' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('DryRun checks the function without running it; the client context reaches a synchronous invoke', async () => {
    const client = server.client();
    await createFunction(client, {
      name: 'contextual',
      files: { 'index.js': 'let runs = 0; exports.handler = async (e, context) => ({ runs: ++runs, custom: context.clientContext && context.clientContext.Custom });' },
    });
    const dry = await client.send(new InvokeCommand({ FunctionName: 'contextual', InvocationType: 'DryRun' }));
    expect(dry.StatusCode).toBe(204);
    await expect(client.send(new InvokeCommand({ FunctionName: 'missing', InvocationType: 'DryRun' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    const clientContext = Buffer.from(JSON.stringify({ Custom: { user: 'ada' } })).toString('base64');
    const out = await client.send(new InvokeCommand({ FunctionName: 'contextual', ClientContext: clientContext }));
    expect(JSON.parse(Buffer.from(out.Payload!).toString())).toEqual({ runs: 1, custom: { user: 'ada' } });
  });

  it('tags and account settings', async () => {
    const client = server.client();
    const fn = await createFunction(client, { name: 'tagged', files: { 'index.js': 'exports.handler = async () => 1;' } });
    await client.send(new TagResourceCommand({ Resource: fn.FunctionArn, Tags: { team: 'core', env: 'dev' } }));
    await client.send(new UntagResourceCommand({ Resource: fn.FunctionArn, TagKeys: ['env'] }));
    expect((await client.send(new ListTagsCommand({ Resource: fn.FunctionArn }))).Tags).toEqual({ team: 'core' });
    const settings = await client.send(new GetAccountSettingsCommand({}));
    expect(settings.AccountLimit?.ConcurrentExecutions).toBe(1000);
    expect(settings.AccountUsage?.FunctionCount).toBeGreaterThanOrEqual(1);
  });
});
