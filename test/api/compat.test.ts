// The read operations deployment tools call around every function (Terraform's
// AWS provider, drift checks) answer as AWS does for a function without those
// settings; the operations that share a path with another one (ListProvisionedConcurrencyConfigs,
// GetLayerVersionByArn) are told apart by their query, through the SDK and the AWS CLI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GetFunctionCodeSigningConfigCommand,
  GetFunctionRecursionConfigCommand,
  GetFunctionUrlConfigCommand,
  GetLayerVersionByArnCommand,
  GetLayerVersionPolicyCommand,
  GetRuntimeManagementConfigCommand,
  ListCodeSigningConfigsCommand,
  ListEventSourceMappingsCommand,
  ListFunctionUrlConfigsCommand,
  ListProvisionedConcurrencyConfigsCommand,
  PublishLayerVersionCommand,
  PublishVersionCommand,
  PutProvisionedConcurrencyConfigCommand,
} from '@aws-sdk/client-lambda';
import { startServer, type RunningServer } from '../helpers/server.js';
import { createFunction } from '../helpers/lambda.js';
import { makeZip } from '../helpers/zip.js';
import { awsCli, hasAwsCli } from '../helpers/aws-cli.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
  await createFunction(server.client(), { name: 'deployed', files: { 'index.js': 'exports.handler = async () => 1;' } });
});
afterAll(async () => {
  await server?.stop();
});

const ARN = 'arn:aws:lambda:us-east-1:123456789012:function:deployed';

describe('reads deployment tools make', () => {
  it('answer with the defaults of a function that has no such settings, and 404 for an unknown function', async () => {
    const client = server.client();
    expect(await client.send(new GetFunctionCodeSigningConfigCommand({ FunctionName: 'deployed' }))).toMatchObject({ CodeSigningConfigArn: '', FunctionName: 'deployed' });
    expect(await client.send(new GetRuntimeManagementConfigCommand({ FunctionName: ARN }))).toMatchObject({ UpdateRuntimeOn: 'Auto', FunctionArn: ARN });
    expect(await client.send(new GetFunctionRecursionConfigCommand({ FunctionName: 'deployed' }))).toMatchObject({ RecursiveLoop: 'Terminate' });
    expect((await client.send(new ListFunctionUrlConfigsCommand({ FunctionName: 'deployed' }))).FunctionUrlConfigs).toEqual([]);
    expect((await client.send(new ListEventSourceMappingsCommand({ FunctionName: 'deployed' }))).EventSourceMappings).toEqual([]);
    expect((await client.send(new ListCodeSigningConfigsCommand({}))).CodeSigningConfigs).toEqual([]);
    await expect(client.send(new GetFunctionUrlConfigCommand({ FunctionName: 'deployed' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(client.send(new GetFunctionCodeSigningConfigCommand({ FunctionName: 'missing' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: expect.stringContaining('missing'),
    });
  });

  it('lists provisioned concurrency configs with their qualified ARNs (same path as Get, with List=ALL)', async () => {
    const client = server.client();
    expect((await client.send(new ListProvisionedConcurrencyConfigsCommand({ FunctionName: 'deployed' }))).ProvisionedConcurrencyConfigs).toEqual([]);
    const { Version } = await client.send(new PublishVersionCommand({ FunctionName: 'deployed' }));
    await client.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: 'deployed', Qualifier: Version, ProvisionedConcurrentExecutions: 1 }));
    const list = (await client.send(new ListProvisionedConcurrencyConfigsCommand({ FunctionName: 'deployed' }))).ProvisionedConcurrencyConfigs;
    expect(list).toEqual([expect.objectContaining({ FunctionArn: `${ARN}:${Version}`, RequestedProvisionedConcurrentExecutions: 1 })]);
  });

  it('finds a layer version by ARN (same path as ListLayers, with find=LayerVersion); a layer has no policy', async () => {
    const client = server.client();
    const published = await client.send(new PublishLayerVersionCommand({ LayerName: 'tools', Content: { ZipFile: await makeZip({ 'a.txt': 'a' }) } }));
    const found = await client.send(new GetLayerVersionByArnCommand({ Arn: published.LayerVersionArn }));
    expect(found).toMatchObject({ LayerVersionArn: published.LayerVersionArn, Version: 1, Content: { CodeSha256: published.Content!.CodeSha256 } });
    await expect(client.send(new GetLayerVersionByArnCommand({ Arn: `${published.LayerArn}:9` }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(client.send(new GetLayerVersionPolicyCommand({ LayerName: 'tools', VersionNumber: 1 }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'No policy is associated with the given resource.',
    });
  });

  // Uses the layer and the provisioned configuration the tests above made.
  it.skipIf(!hasAwsCli)('work from the AWS CLI too', async () => {
    const layer = JSON.parse(await awsCli(server.url, 'lambda', 'get-layer-version-by-arn', '--arn', 'arn:aws:lambda:us-east-1:123456789012:layer:tools:1'));
    expect(layer.Version).toBe(1);
    const configs = JSON.parse(await awsCli(server.url, 'lambda', 'list-provisioned-concurrency-configs', '--function-name', 'deployed'));
    expect(configs.ProvisionedConcurrencyConfigs).toHaveLength(1);
    const signing = JSON.parse(await awsCli(server.url, 'lambda', 'get-function-code-signing-config', '--function-name', 'deployed'));
    expect(signing.FunctionName).toBe('deployed');
  });
});
