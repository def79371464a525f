// Provisioned concurrency: envs initialised before any invocation, with
// AWS_LAMBDA_INITIALIZATION_TYPE=provisioned-concurrency; the first invokes are warm.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetProvisionedConcurrencyConfigCommand, PublishVersionCommand, PutProvisionedConcurrencyConfigCommand } from '@aws-sdk/client-lambda';
import { startServer, type RunningServer } from '../helpers/server.js';
import { createFunction, invoke, report } from '../helpers/lambda.js';
import { waitFor } from '../helpers/workbench.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

describe('provisioned concurrency', () => {
  it('2 provisioned envs: the first two invokes are warm, in envs initialised as provisioned-concurrency', async () => {
    const client = server.client();
    await createFunction(client, {
      name: 'provisioned',
      files: {
        'index.js': `
exports.handler = async () => {
  await new Promise((r) => setTimeout(r, 300));
  return { type: process.env.AWS_LAMBDA_INITIALIZATION_TYPE, stream: process.env.AWS_LAMBDA_LOG_STREAM_NAME };
};`,
      },
    });
    await client.send(new PublishVersionCommand({ FunctionName: 'provisioned' }));
    await expect(
      client.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: 'provisioned', Qualifier: '$LATEST', ProvisionedConcurrentExecutions: 2 })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
    const put = await client.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: 'provisioned', Qualifier: '1', ProvisionedConcurrentExecutions: 2 }));
    expect(put.RequestedProvisionedConcurrentExecutions).toBe(2);
    await waitFor('provisioned concurrency to be READY', async () => {
      const s = await client.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: 'provisioned', Qualifier: '1' }));
      return s.Status === 'READY' && s.AvailableProvisionedConcurrentExecutions === 2;
    }, 60_000);

    const [a, b] = await Promise.all([invoke(client, 'provisioned:1'), invoke(client, 'provisioned:1')]);
    for (const out of [a!, b!]) {
      expect(out.json.type).toBe('provisioned-concurrency');
      expect(report(out.log)['Init Duration']).toBeUndefined();
    }
    expect(a!.json.stream).not.toBe(b!.json.stream);
  });
});
