// Reserved and account concurrency: invocations past the limit get 429
// TooManyRequestsException with Lambda's Reason; reserved 0 throttles all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteFunctionConcurrencyCommand, GetFunctionCommand, GetFunctionConcurrencyCommand, PutFunctionConcurrencyCommand } from '@aws-sdk/client-lambda';
import { startServer, type RunningServer } from '../helpers/server.js';
import { createFunction, invoke } from '../helpers/lambda.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ args: ['--account-concurrency', '3'] });
});
afterAll(async () => {
  await server?.stop();
});

const SLOW = { 'index.js': 'exports.handler = async () => { await new Promise((r) => setTimeout(r, 700)); return "done"; };' };

async function settle(name: string, n: number) {
  return Promise.allSettled(Array.from({ length: n }, () => invoke(server.client(), name, {}, false)));
}

describe('concurrency', () => {
  it('reserved concurrency 1: of two concurrent invokes exactly one gets 429 ReservedFunctionConcurrentInvocationLimitExceeded', async () => {
    const client = server.client();
    await createFunction(client, { name: 'reserved-one', files: SLOW });
    expect((await client.send(new PutFunctionConcurrencyCommand({ FunctionName: 'reserved-one', ReservedConcurrentExecutions: 1 }))).ReservedConcurrentExecutions).toBe(1);
    expect((await client.send(new GetFunctionConcurrencyCommand({ FunctionName: 'reserved-one' }))).ReservedConcurrentExecutions).toBe(1);
    expect((await client.send(new GetFunctionCommand({ FunctionName: 'reserved-one' }))).Concurrency?.ReservedConcurrentExecutions).toBe(1);
    const results = await settle('reserved-one', 2);
    const ok = results.filter((r) => r.status === 'fulfilled');
    const throttled = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(ok).toHaveLength(1);
    expect(throttled).toHaveLength(1);
    expect(throttled[0]!.reason).toMatchObject({ name: 'TooManyRequestsException', Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded', $metadata: { httpStatusCode: 429 } });
  });

  it('reserved concurrency 0 throttles every invoke; removing it lets them through', async () => {
    const client = server.client();
    await createFunction(client, { name: 'reserved-zero', files: { 'index.js': 'exports.handler = async () => "ran";' } });
    await client.send(new PutFunctionConcurrencyCommand({ FunctionName: 'reserved-zero', ReservedConcurrentExecutions: 0 }));
    await expect(invoke(client, 'reserved-zero')).rejects.toMatchObject({ name: 'TooManyRequestsException' });
    await client.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'reserved-zero' }));
    expect((await invoke(client, 'reserved-zero')).json).toBe('ran');
  });

  it('unreserved functions share what reservations leave of the account limit (ConcurrentInvocationLimitExceeded)', async () => {
    const client = server.client();
    await createFunction(client, { name: 'shared', files: SLOW });
    // Account 3, 'reserved-one' holds 1: two unreserved invocations fit, a third is throttled.
    const results = await settle('shared', 3);
    const throttled = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(throttled).toHaveLength(1);
    expect(throttled[0]!.reason).toMatchObject({ name: 'TooManyRequestsException', Reason: 'ConcurrentInvocationLimitExceeded' });
  });

  it('refuses a reservation that would leave less than the minimum unreserved concurrency', async () => {
    await expect(
      server.client().send(new PutFunctionConcurrencyCommand({ FunctionName: 'shared', ReservedConcurrentExecutions: 3 })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValueException', message: expect.stringMatching(/below its minimum value/) });
  });
});
