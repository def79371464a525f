// No write answered 200 is ever lost (issue 9 D): configuration updates made
// while a large UpdateFunctionCode is being stored all survive it.
import { GetFunctionConfigurationCommand, UpdateFunctionCodeCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server.js';
import { createFunction } from '../helpers/lambda.js';
import { makeZip } from '../helpers/zip.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

describe('concurrent control-plane writes', () => {
  it('40 configuration updates during a 30 MB code update all survive', async () => {
    const client = server.client();
    await createFunction(client, { name: 'busy', files: { 'index.js': 'exports.handler = async () => 1;' } });
    // 30 MB that does not compress: storing it (hash, extract) takes a while.
    const big = await makeZip({ 'index.js': 'exports.handler = async () => 2;', 'blob.bin': randomBytes(30 * 1024 * 1024) });
    const code = client.send(new UpdateFunctionCodeCommand({ FunctionName: 'busy', ZipFile: big }));
    const updates = Array.from({ length: 40 }, (_, i) =>
      client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'busy', Environment: { Variables: { [`K${i}`]: String(i) } }, Description: `d${i}` })),
    );
    // Each update sets the whole Environment (as AWS does); the last answered wins. The writes that
    // must survive the code update are the configuration's: its Description and Environment.
    const answered = await Promise.all(updates);
    await code;
    const final = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'busy' }));
    const last = answered.reduce((a, b) => (a.LastModified! >= b.LastModified! ? a : b));
    expect(final.Description).toBe(last.Description);
    expect(final.Environment?.Variables).toEqual(last.Environment?.Variables);
    expect(final.CodeSize).toBe(big.length);
  }, 120_000);
});
