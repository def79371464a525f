// Event invocations through the durable queue: acknowledged after commit,
// retried on function errors with AWS's attempt count, delivered to
// destinations in AWS's record shape, and never lost across kill -9.
import { afterAll, describe, expect, it } from 'vitest';
import { InvokeCommand, PutFunctionEventInvokeConfigCommand } from '@aws-sdk/client-lambda';
import { startServer, tempDataDir, type RunningServer } from '../helpers/server.js';
import { signedFetch } from '../helpers/signed-fetch.js';
import { createFunction } from '../helpers/lambda.js';
import { events, waitFor } from '../helpers/workbench.js';

const servers: RunningServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

const store = (name: string) => `arn:aws:workbench:us-east-1:123456789012:destination:${name}`;

async function records(url: string, name: string): Promise<any[]> {
  return (await signedFetch(`${url}/_workbench/destinations?name=${name}`)).json() as Promise<any[]>;
}

async function sendEvent(server: RunningServer, fn: string, payload: unknown): Promise<number> {
  const res = await signedFetch(`${server.url}/2015-03-31/functions/${fn}/invocations`, {
    method: 'POST',
    headers: { 'X-Amz-Invocation-Type': 'Event', 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
  await res.arrayBuffer();
  return res.status;
}

describe('async invocations', () => {
  it('a failing function with 2 retries: exactly 3 attempts, then the failure destination holds the event and its error', async () => {
    const server = await startServer({ args: ['--async-retry-base-ms', '200'] });
    servers.push(server);
    const client = server.client();
    await createFunction(client, { name: 'always-fails', files: { 'index.js': "exports.handler = async (e) => { throw new Error('no luck for ' + e.id); };" } });
    await client.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: 'always-fails',
        MaximumRetryAttempts: 2,
        DestinationConfig: { OnFailure: { Destination: store('failures') } },
      }),
    );
    const out = await client.send(new InvokeCommand({ FunctionName: 'always-fails', InvocationType: 'Event', Payload: Buffer.from('{"id":"e-1"}') }));
    expect(out.StatusCode).toBe(202);
    const [record] = await waitFor('the failure record', async () => {
      const r = await records(server.url, 'failures');
      return r.length > 0 && r;
    }, 30_000);
    expect(record).toMatchObject({
      version: '1.0',
      requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3, functionArn: expect.stringMatching(/:function:always-fails/) },
      requestPayload: { id: 'e-1' },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: 'Error', errorMessage: 'no luck for e-1' },
    });
    const attempts = (await events(server.url, 'always-fails')).filter((e) => e.kind === 'phase' && e.phase === 'invoke');
    expect(attempts).toHaveLength(3);

    // A configuration written for AWS with an SQS queue is taken as is; an ARN no destination can be is refused.
    const onFailure = (Destination: string) =>
      client.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'always-fails', DestinationConfig: { OnFailure: { Destination } } }));
    await onFailure('arn:aws:sqs:us-east-1:123456789012:orders-dlq');
    await expect(onFailure('arn:aws:dynamodb:us-east-1:123456789012:table/t')).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message: expect.stringContaining('an SQS queue'),
    });
  });

  it('2,000 events survive kill -9 mid-delivery: all delivered at least once, failures end in the failure destination', async () => {
    const dataDir = tempDataDir();
    const first = await startServer({ dataDir, args: ['--async-retry-base-ms', '100'] });
    const client = first.client();
    await createFunction(client, {
      name: 'sink',
      files: { 'index.js': "exports.handler = async (e) => { if (e.n % 100 === 7) throw new Error('bad ' + e.n); return { n: e.n }; };" },
    });
    await client.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: 'sink',
        MaximumRetryAttempts: 1,
        DestinationConfig: { OnSuccess: { Destination: store('ok') }, OnFailure: { Destination: store('failed') } },
      }),
    );
    const N = 2000;
    const statuses: number[] = [];
    for (let i = 0; i < N; i += 20) {
      statuses.push(...(await Promise.all(Array.from({ length: 20 }, (_, k) => sendEvent(first, 'sink', { n: i + k })))));
    }
    expect(statuses.every((s) => s === 202)).toBe(true);
    await waitFor('some deliveries', async () => (await records(first.url, 'ok')).length >= 100, 60_000);
    await first.kill9();

    const second = await startServer({ dataDir, args: ['--async-retry-base-ms', '100'] });
    servers.push(second);
    const expectedFailures = Array.from({ length: N }, (_, n) => n).filter((n) => n % 100 === 7);
    await waitFor(
      'every event to be delivered',
      async () => {
        const ok = new Set((await records(second.url, 'ok')).map((r) => r.requestPayload.n));
        const failed = new Set((await records(second.url, 'failed')).map((r) => r.requestPayload.n));
        return ok.size + failed.size === N && failed.size === expectedFailures.length;
      },
      120_000,
    );
    const failed = await records(second.url, 'failed');
    expect(failed.map((r) => r.requestPayload.n).sort((a, b) => a - b)).toEqual(expectedFailures);
    expect(failed.every((r) => r.requestContext.condition === 'RetriesExhausted' && r.requestContext.approximateInvokeCount === 2)).toBe(true);
  }, 240_000);
});
