// Layers: published versions a function mounts under /opt in order, the later
// overwriting a shared file; at most five; code and layers share the 250 MB limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteLayerVersionCommand, GetAccountSettingsCommand, ListLayerVersionsCommand, ListLayersCommand, PublishLayerVersionCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { startServer, type RunningServer } from '../helpers/server.js';
import { createFunction, invoke } from '../helpers/lambda.js';
import { makeZip } from '../helpers/zip.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

describe('layers', () => {
  it('a function with two layers sees both under /opt, the later overwriting a shared file', async () => {
    const client = server.client();
    const first = await client.send(
      new PublishLayerVersionCommand({
        LayerName: 'base',
        Content: { ZipFile: await makeZip({ 'shared.txt': 'from base', 'nodejs/node_modules/greeter/index.js': "module.exports = (n) => 'hello ' + n;" }) },
        CompatibleRuntimes: ['nodejs20.x'],
      }),
    );
    const second = await client.send(new PublishLayerVersionCommand({ LayerName: 'overlay', Content: { ZipFile: await makeZip({ 'shared.txt': 'from overlay', 'extra.txt': 'extra' }) } }));
    expect(first.LayerVersionArn).toBe('arn:aws:lambda:us-east-1:123456789012:layer:base:1');
    expect(second.Version).toBe(1);

    await createFunction(client, {
      name: 'layered',
      files: {
        'index.js': `
const fs = require('node:fs');
exports.handler = async () => ({
  shared: fs.readFileSync('/opt/shared.txt', 'utf8'),
  extra: fs.readFileSync('/opt/extra.txt', 'utf8'),
  greeting: require('greeter')('layers'),
});`,
      },
    });
    await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'layered', Layers: [first.LayerVersionArn!, second.LayerVersionArn!] }));
    expect((await invoke(client, 'layered')).json).toEqual({ shared: 'from overlay', extra: 'extra', greeting: 'hello layers' });

    expect((await client.send(new ListLayersCommand({}))).Layers?.map((l) => l.LayerName)).toEqual(['base', 'overlay']);
    // A deleted layer version disappears from the API but keeps working for functions that use it.
    await client.send(new DeleteLayerVersionCommand({ LayerName: 'base', VersionNumber: 1 }));
    expect((await client.send(new ListLayerVersionsCommand({ LayerName: 'base' }))).LayerVersions).toEqual([]);
    await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'layered', Description: 'still works' }));
    expect((await invoke(client, 'layered')).json.greeting).toBe('hello layers');
  });

  it('refuses more than five layers and unknown layer versions', async () => {
    const client = server.client();
    const l = await client.send(new PublishLayerVersionCommand({ LayerName: 'tiny', Content: { ZipFile: await makeZip({ 'a.txt': 'a' }) } }));
    await expect(
      createFunction(client, { name: 'too-many', files: { 'index.js': 'exports.handler = async () => 1;' } }).then(() =>
        client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'too-many', Layers: Array(6).fill(l.LayerVersionArn!) })),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValueException', message: expect.stringMatching(/at most 5 layers/) });
    await expect(
      client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'too-many', Layers: ['arn:aws:lambda:us-east-1:123456789012:layer:tiny:99'] })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('counts code and layers together against 250 MB unzipped', async () => {
    const client = server.client();
    // 130 MB of zeros compresses to a few hundred KB: two of them pass alone, not together.
    const big = await makeZip({ 'zeros.bin': Buffer.alloc(130 * 1024 * 1024) });
    const layer = await client.send(new PublishLayerVersionCommand({ LayerName: 'big', Content: { ZipFile: big } }));
    await expect(
      client.send(
        new (await import('@aws-sdk/client-lambda')).CreateFunctionCommand({
          FunctionName: 'too-big',
          Runtime: 'nodejs20.x',
          Role: 'arn:aws:iam::123456789012:role/r',
          Handler: 'index.handler',
          Code: { ZipFile: await makeZip({ 'index.js': 'exports.handler = async () => 1;', 'pad.bin': Buffer.alloc(130 * 1024 * 1024) }) },
          Layers: [layer.LayerVersionArn!],
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValueException', message: expect.stringMatching(/combined with layers exceeds the maximum allowed size of 262144000 bytes/) });
  });

  it('ListLayers and ListLayerVersions filter by runtime and architecture and page by MaxItems; list items carry no Content; TotalCodeSize counts layers', async () => {
    const client = server.client();
    const before = (await client.send(new GetAccountSettingsCommand({}))).AccountUsage!.TotalCodeSize!;
    const zip = await makeZip({ 'f.txt': 'x' });
    const py = await client.send(new PublishLayerVersionCommand({ LayerName: 'filt', Content: { ZipFile: zip }, CompatibleRuntimes: ['python3.11'], CompatibleArchitectures: ['x86_64'] }));
    await client.send(new PublishLayerVersionCommand({ LayerName: 'filt', Content: { ZipFile: zip }, CompatibleRuntimes: ['nodejs20.x'], CompatibleArchitectures: ['arm64'] }));
    await client.send(new PublishLayerVersionCommand({ LayerName: 'filt', Content: { ZipFile: zip } }));
    const after = (await client.send(new GetAccountSettingsCommand({}))).AccountUsage!.TotalCodeSize!;
    expect(after - before).toBe(3 * py.Content!.CodeSize!);

    const all = await client.send(new ListLayerVersionsCommand({ LayerName: 'filt' }));
    expect(all.LayerVersions!.map((v) => v.Version)).toEqual([3, 2, 1]);
    expect(all.LayerVersions![0]).not.toHaveProperty('Content');
    const python = await client.send(new ListLayerVersionsCommand({ LayerName: 'filt', CompatibleRuntime: 'python3.11' }));
    expect(python.LayerVersions!.map((v) => v.Version)).toEqual([1]);
    const arm = await client.send(new ListLayerVersionsCommand({ LayerName: 'filt', CompatibleArchitecture: 'arm64' }));
    expect(arm.LayerVersions!.map((v) => v.Version)).toEqual([2]);

    const page1 = await client.send(new ListLayerVersionsCommand({ LayerName: 'filt', MaxItems: 2 }));
    expect(page1.LayerVersions!.map((v) => v.Version)).toEqual([3, 2]);
    const page2 = await client.send(new ListLayerVersionsCommand({ LayerName: 'filt', MaxItems: 2, Marker: page1.NextMarker }));
    expect(page2.LayerVersions!.map((v) => v.Version)).toEqual([1]);
    expect(page2.NextMarker).toBeUndefined();

    const layersPy = await client.send(new ListLayersCommand({ CompatibleRuntime: 'python3.11' }));
    expect(layersPy.Layers!.map((l) => [l.LayerName, l.LatestMatchingVersion!.Version])).toEqual([['filt', 1]]);
    expect(layersPy.Layers![0]!.LatestMatchingVersion).not.toHaveProperty('Content');
    const one = await client.send(new ListLayersCommand({ MaxItems: 1 }));
    expect(one.Layers).toHaveLength(1);
    expect(one.NextMarker).toBeDefined();
    await expect(client.send(new ListLayersCommand({ MaxItems: 51 }))).rejects.toMatchObject({ name: 'ValidationException' });
  });
});
