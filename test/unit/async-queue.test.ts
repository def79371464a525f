// The async (Event) invocation queue against a real SQLite file, with a fake
// function: AWS's retry rules, destination records, the dead-letter store,
// and at-least-once delivery across a crash.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AsyncQueue,
  MAX_ASYNC_PAYLOAD_BYTES,
  type AsyncInvokeResult,
  type AsyncQueueOptions,
  type EventInvokeConfig,
  type FailedEvent,
} from '../../main/engine/data/async-queue.js';
import { openDatabase, type Db } from '../../main/engine/store/database.js';

const functionArn = (name: string, qualifier?: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}${qualifier ? `:${qualifier}` : ''}`;
const storeArn = (name: string) => `arn:aws:workbench:us-east-1:123456789012:destination:${name}`;

interface Call {
  functionName: string;
  qualifier?: string;
  payload: Buffer;
  requestId: string;
  at: number;
}

type Behaviour = (call: Call, callsSoFar: Call[]) => Promise<AsyncInvokeResult> | AsyncInvokeResult;

const ok = (body: unknown = { ok: true }): AsyncInvokeResult => ({ statusCode: 200, payload: Buffer.from(JSON.stringify(body)), executedVersion: '$LATEST' });
const functionError = (message = 'boom'): AsyncInvokeResult => ({
  statusCode: 200,
  functionError: 'Unhandled',
  payload: Buffer.from(JSON.stringify({ errorType: 'Error', errorMessage: message, trace: [] })),
  executedVersion: '$LATEST',
});
const throttle = () => Object.assign(new Error('Rate Exceeded.'), { code: 'TooManyRequestsException' });

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'lwb-async-'));
}

function open(dir: string): Db {
  const db = openDatabase(dir);
  cleanups.push(() => {
    if (db.open) db.close();
  });
  return db;
}

/** A queue on a fresh (or given) database whose function behaves as told; the clock can be moved forward. */
function harness(behaviour: Behaviour, opts: { dir?: string; configs?: Record<string, EventInvokeConfig>; retryBaseDelayMs?: number; queue?: AsyncQueueOptions } = {}) {
  const db = open(opts.dir ?? tempDir());
  const calls: Call[] = [];
  const clock = { offset: 0 };
  const warnings: string[] = [];
  const queue = new AsyncQueue(
    db,
    {
      invoke: async (functionName, qualifier, payload, requestId) => {
        const call: Call = { functionName, payload, requestId, at: Date.now() };
        if (qualifier) call.qualifier = qualifier;
        calls.push(call);
        return behaviour(call, calls);
      },
      config: (name) => opts.configs?.[name],
      functionArn,
      retryBaseDelayMs: opts.retryBaseDelayMs ?? 100,
      now: () => Date.now() + clock.offset,
      logger: { warn: (message) => warnings.push(message) },
    },
    { throttleBaseDelayMs: 10, throttleMaxDelayMs: 40, pollMs: 200, ...opts.queue },
  );
  // Short: a test that leaves a delivery hanging (a simulated dead process) should not wait for it.
  cleanups.push(() => queue.stop(50));
  return { db, queue, calls, clock, warnings };
}

async function waitFor(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

function nextFailure(queue: AsyncQueue): Promise<FailedEvent> {
  return new Promise((resolve) => queue.once('failed', resolve));
}

const event = (body: unknown) => Buffer.from(JSON.stringify(body));

describe('AsyncQueue: outcomes', () => {
  it('delivers once and writes an on-success record in AWS shape to a workbench destination', async () => {
    const { queue, calls } = harness(() => ok({ greeting: 'hi' }), {
      configs: { fn: { DestinationConfig: { OnSuccess: { Destination: storeArn('ok-sink') } } } },
    });
    queue.start();
    const delivered = new Promise((resolve) => queue.once('delivered', resolve));
    const requestId = queue.enqueue('fn', undefined, event({ order: 42 }));
    expect(await delivered).toMatchObject({ requestId, functionName: 'fn', approximateInvokeCount: 1, destination: storeArn('ok-sink') });

    expect(calls).toHaveLength(1);
    expect(calls[0]!.requestId).toBe(requestId);
    const records = queue.destinationRecords('ok-sink');
    expect(records).toHaveLength(1);
    const record = records[0]!;
    expect(Object.keys(record)).toEqual(['version', 'timestamp', 'requestContext', 'requestPayload', 'responseContext', 'responsePayload']);
    expect(record).toEqual({
      version: '1.0',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      requestContext: { requestId, functionArn: functionArn('fn', '$LATEST'), condition: 'Success', approximateInvokeCount: 1 },
      requestPayload: { order: 42 },
      responseContext: { statusCode: 200, executedVersion: '$LATEST' },
      responsePayload: { greeting: 'hi' },
    });
    expect(queue.stats()).toMatchObject({ pending: 0, inFlight: 0, delivered: 1, failed: 0 });
    expect(queue.clearDestination('ok-sink')).toBe(1);
    expect(queue.destinationRecords('ok-sink')).toEqual([]);
  });

  it('retries a function error twice, after base then 2×base, then sends the event and its error on failure', async () => {
    const base = 150;
    const { queue, calls } = harness(() => functionError('kaput'), {
      retryBaseDelayMs: base,
      configs: { fn: { MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: { Destination: storeArn('dlq') } } } },
    });
    const retries: number[] = [];
    queue.on('retry', (e) => retries.push(e.approximateInvokeCount));
    queue.start();
    const failed = nextFailure(queue);
    const requestId = queue.enqueue('fn', 'live', event({ n: 1 }));
    expect(await failed).toMatchObject({ requestId, reason: 'RetriesExhausted', approximateInvokeCount: 3, deadLettered: false, qualifier: 'live' });

    expect(calls).toHaveLength(3);
    expect(calls.every((c) => c.requestId === requestId && c.qualifier === 'live')).toBe(true);
    const gap1 = calls[1]!.at - calls[0]!.at;
    const gap2 = calls[2]!.at - calls[1]!.at;
    expect(gap1).toBeGreaterThanOrEqual(base - 2);
    expect(gap1).toBeLessThan(base + 100);
    expect(gap2).toBeGreaterThanOrEqual(2 * base - 2);
    expect(gap2).toBeLessThan(2 * base + 100);
    expect(retries).toEqual([1, 2]);

    const [record] = queue.destinationRecords('dlq');
    expect(record).toMatchObject({
      requestContext: { requestId, functionArn: functionArn('fn', 'live'), condition: 'RetriesExhausted', approximateInvokeCount: 3 },
      requestPayload: { n: 1 },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: 'Error', errorMessage: 'kaput' },
    });
    expect(queue.deadLetters()).toEqual([]);
    expect(queue.stats()).toMatchObject({ pending: 0, inFlight: 0, delivered: 0, failed: 1, retries: 2 });
  });

  it('with MaximumRetryAttempts 0 tries once, and without a destination keeps the event in the dead-letter store', async () => {
    const { queue, calls } = harness(() => functionError('once is enough'), { configs: { fn: { MaximumRetryAttempts: 0 } } });
    queue.start();
    const failed = nextFailure(queue);
    const requestId = queue.enqueue('fn', undefined, event({ n: 2 }));
    expect(await failed).toMatchObject({ requestId, approximateInvokeCount: 1, deadLettered: true });
    expect(calls).toHaveLength(1);

    const letters = queue.deadLetters('fn');
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ requestId, functionName: 'fn', reason: 'RetriesExhausted', errorCode: '200', errorMessage: 'once is enough', approximateInvokeCount: 1 });
    expect(JSON.parse(letters[0]!.payload.toString())).toEqual({ n: 2 });
    expect(queue.deadLetters('other')).toEqual([]);
    expect(queue.clearDeadLetters('fn')).toBe(1);
  });

  it('retries throttles and system errors with backoff without using up attempts', async () => {
    // Three throttles and a system error, then success: with no retries allowed, any counted attempt would have failed it.
    const { queue, calls } = harness(
      (_call, all) => {
        if (all.length <= 3) throw throttle();
        if (all.length === 4) throw new Error('sandbox vanished');
        return ok();
      },
      { configs: { fn: { MaximumRetryAttempts: 0 } } },
    );
    const reasons: string[] = [];
    queue.on('retry', (e) => reasons.push(`${e.reason}@${e.approximateInvokeCount}`));
    queue.start();
    const delivered = new Promise<{ approximateInvokeCount: number }>((resolve) => queue.once('delivered', resolve));
    queue.enqueue('fn', undefined, event({}));
    expect((await delivered).approximateInvokeCount).toBe(1);
    expect(calls).toHaveLength(5);
    expect(reasons).toEqual(['Throttled@0', 'Throttled@0', 'Throttled@0', 'SystemError@0']);
    // Backoff doubles from 10 ms: 10, 20, 40 (capped), 40.
    const gaps = calls.slice(1).map((c, i) => c.at - calls[i]!.at);
    expect(gaps[0]).toBeGreaterThanOrEqual(8);
    expect(gaps[1]).toBeGreaterThanOrEqual(18);
    expect(gaps[2]).toBeGreaterThanOrEqual(38);
    expect(gaps[3]).toBeGreaterThanOrEqual(38);
  });

  it('does not invoke an event older than MaximumEventAgeInSeconds: EventAgeExceeded with no response', async () => {
    const { queue, calls, clock } = harness(() => ok(), {
      configs: { fn: { MaximumEventAgeInSeconds: 60, DestinationConfig: { OnFailure: { Destination: storeArn('late') } } } },
    });
    const requestId = queue.enqueue('fn', undefined, event({ stale: true }));
    clock.offset = 61_000;
    const failed = nextFailure(queue);
    queue.start();
    expect(await failed).toMatchObject({ requestId, reason: 'EventAgeExceeded', approximateInvokeCount: 0 });
    expect(calls).toHaveLength(0);
    const [record] = queue.destinationRecords('late');
    expect(record!.requestContext).toMatchObject({ condition: 'EventAgeExceeded', approximateInvokeCount: 0 });
    expect(record!.requestPayload).toEqual({ stale: true });
    expect(record).not.toHaveProperty('responseContext');
  });

  it('gives up retrying when the event ages out, reporting the last response', async () => {
    const { queue, calls, clock } = harness(() => functionError('still broken'), {
      retryBaseDelayMs: 100,
      configs: { fn: { MaximumEventAgeInSeconds: 60 } },
    });
    queue.start();
    queue.once('retry', () => (clock.offset = 60_000));
    const failed = nextFailure(queue);
    queue.enqueue('fn', undefined, event({ n: 3 }));
    expect(await failed).toMatchObject({ reason: 'EventAgeExceeded', approximateInvokeCount: 1, deadLettered: true });
    expect(calls).toHaveLength(1);
    expect(queue.deadLetters('fn')[0]).toMatchObject({ reason: 'EventAgeExceeded', errorMessage: 'still broken', errorCode: '200' });
  });

  it('sends a record to a Lambda function destination as an Event invoke of that function', async () => {
    const { queue, calls } = harness((call) => (call.functionName === 'fn' ? functionError('bad input') : ok()), {
      configs: { fn: { MaximumRetryAttempts: 0, DestinationConfig: { OnFailure: { Destination: functionArn('handler', 'prod') } } } },
    });
    queue.start();
    const requestId = queue.enqueue('fn', undefined, event({ n: 4 }));
    await waitFor(() => calls.length === 2 && queue.stats().pending + queue.stats().inFlight === 0);
    const [, chained] = calls;
    expect(chained).toMatchObject({ functionName: 'handler', qualifier: 'prod' });
    expect(chained!.requestId).not.toBe(requestId);
    expect(JSON.parse(chained!.payload.toString())).toMatchObject({
      requestContext: { requestId, condition: 'RetriesExhausted' },
      requestPayload: { n: 4 },
      responsePayload: { errorMessage: 'bad input' },
    });
    expect(queue.deadLetters()).toEqual([]);
  });

  it('dead-letters the events of a function that no longer exists instead of retrying for hours', async () => {
    const { queue, calls } = harness(() => {
      throw Object.assign(new Error('Function not found'), { code: 'ResourceNotFoundException' });
    });
    queue.start();
    const failed = nextFailure(queue);
    queue.enqueue('gone', undefined, event({}));
    expect(await failed).toMatchObject({ reason: 'FunctionNotFound', deadLettered: true });
    expect(calls).toHaveLength(1);
    expect(queue.deadLetters('gone')[0]).toMatchObject({ errorCode: 'ResourceNotFoundException' });
  });
});

describe('AsyncQueue: AWS service destinations', () => {
  it('keeps records for SQS, SNS, EventBridge and S3 destinations in local stores named by their ARN', async () => {
    const sqs = 'arn:aws:sqs:us-east-1:123456789012:orders-dlq';
    const bus = 'arn:aws:events:us-east-1:123456789012:event-bus/default';
    const { queue } = harness((c) => (c.payload.toString().includes('fail') ? functionError('no stock') : ok()), {
      configs: { fn: { MaximumRetryAttempts: 0, DestinationConfig: { OnFailure: { Destination: sqs }, OnSuccess: { Destination: bus } } } },
    });
    queue.start();
    queue.enqueue('fn', undefined, event({ fail: true }));
    queue.enqueue('fn', undefined, event({ ok: true }));
    await waitFor(() => queue.stats().delivered + queue.stats().failed === 2);
    expect(queue.destinationRecords(sqs)).toMatchObject([{ requestContext: { condition: 'RetriesExhausted' }, responsePayload: { errorMessage: 'no stock' } }]);
    expect(queue.destinationRecords(bus)).toMatchObject([{ requestContext: { condition: 'Success' } }]);
    expect(queue.deadLetters('fn')).toEqual([]);
  });
});

describe('AsyncQueue: durability', () => {
  it('loses nothing across a crash with leased events: expired leases are delivered after a restart', async () => {
    const dir = tempDir();
    const hung: (() => void)[] = [];
    const first = harness(() => new Promise<AsyncInvokeResult>((resolve) => hung.push(() => resolve(ok()))), {
      dir,
      queue: { concurrency: 5, leaseMs: 300 },
    });
    const ids = Array.from({ length: 20 }, (_, i) => first.queue.enqueue('fn', undefined, event({ i })));
    first.queue.start();
    await waitFor(() => first.calls.length === 5);
    expect(first.queue.stats()).toMatchObject({ pending: 15, inFlight: 5 });
    // The process dies: the connection goes away with five deliveries leased and unfinished.
    first.db.close();

    const second = harness(() => ok(), { dir, queue: { leaseMs: 300 } });
    second.queue.start();
    await waitFor(() => second.queue.stats().delivered === 20);
    expect(second.queue.stats()).toMatchObject({ pending: 0, inFlight: 0 });
    expect(new Set(second.calls.map((c) => c.requestId))).toEqual(new Set(ids));

    // The dead process's deliveries finishing late must not write to (or break) anything.
    for (const finish of hung) finish();
    await new Promise((r) => setTimeout(r, 20));
    expect(second.queue.stats().delivered).toBe(20);
  });

  it('a sole worker reclaims a dead process\'s leases at once instead of waiting for them to expire', async () => {
    const dir = tempDir();
    const first = harness(() => new Promise<AsyncInvokeResult>(() => {}), { dir, queue: { concurrency: 3, leaseMs: 60_000 } });
    for (let i = 0; i < 3; i++) first.queue.enqueue('fn', undefined, event({ i }));
    first.queue.start();
    await waitFor(() => first.calls.length === 3);
    first.db.close();

    const second = harness(() => ok(), { dir, queue: { leaseMs: 60_000 } });
    expect(second.queue.reclaimLeases()).toBe(3);
    second.queue.start();
    // Well inside the 60 s lease: only reclaiming can explain the delivery.
    await waitFor(() => second.queue.stats().delivered === 3, 1000);
  });

  it('two workers on one database never deliver the same event twice while leases are live', async () => {
    const dir = tempDir();
    const slow = () => new Promise<AsyncInvokeResult>((r) => setTimeout(() => r(ok()), 2));
    const a = harness(slow, { dir });
    const b = harness(slow, { dir });
    for (let i = 0; i < 200; i++) a.queue.enqueue('fn', undefined, event({ i }));
    a.queue.start();
    b.queue.start();
    await waitFor(() => a.queue.stats().delivered + b.queue.stats().delivered === 200);
    const all = [...a.calls, ...b.calls].map((c) => c.requestId);
    expect(new Set(all).size).toBe(200);
    expect(all).toHaveLength(200);
    expect(a.calls.length).toBeGreaterThan(0);
    expect(b.calls.length).toBeGreaterThan(0);
  });

  it('stop() waits for deliveries in flight', async () => {
    let release!: () => void;
    const { queue } = harness(() => new Promise<AsyncInvokeResult>((r) => (release = () => r(ok()))));
    queue.start();
    queue.enqueue('fn', undefined, event({}));
    await waitFor(() => queue.stats().inFlight === 1);
    let stopped = false;
    const stopping = queue.stop(5000).then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(queue.stats()).toMatchObject({ delivered: 1, pending: 0, inFlight: 0 });
  });
});

describe('AsyncQueue: group commit and the delivery limit', () => {
  it('commits the accepts of one event-loop turn in one transaction, each resolving once its row is visible to another connection', async () => {
    const dir = tempDir();
    const { db, queue } = harness(() => ok(), { dir });
    const reader = open(dir);
    let transactions = 0;
    const transaction = db.transaction.bind(db);
    db.transaction = ((fn: Parameters<Db['transaction']>[0]) => {
      transactions++;
      return transaction(fn);
    }) as Db['transaction'];
    const seen: boolean[] = [];
    const ids = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        queue.accept('fn', undefined, event({ i })).then((id) => {
          seen.push(reader.prepare('SELECT 1 FROM async_events WHERE request_id = ?').get(id) !== undefined);
          return id;
        }),
      ),
    );
    expect(new Set(ids).size).toBe(50);
    expect(seen).toEqual(Array(50).fill(true));
    expect(transactions).toBe(1);
  });

  it('fails only the bad write of a batch; the others commit', async () => {
    const { queue } = harness(() => ok());
    const good = [queue.accept('fn', undefined, event({ a: 1 })), queue.accept('fn', undefined, event({ b: 2 }))];
    // A null function name breaks the NOT NULL constraint, rolling the whole group back.
    const bad = queue.accept(null as unknown as string, undefined, event({}));
    await expect(bad).rejects.toThrow(/NOT NULL/);
    await expect(Promise.all(good)).resolves.toHaveLength(2);
    expect(queue.stats().pending).toBe(2);
  });

  it('rejects an accept with ServiceException once the database is closed, instead of a 202 for a lost event', async () => {
    const { db, queue } = harness(() => ok());
    const pending = queue.accept('fn', undefined, event({}));
    db.close();
    await expect(pending).rejects.toMatchObject({ code: 'ServiceException' });
  });

  it('never has more deliveries in flight than the limit says, and uses a grown limit while long deliveries run', async () => {
    let allowed = 2;
    const release: (() => void)[] = [];
    const { queue, calls } = harness(() => new Promise<AsyncInvokeResult>((r) => release.push(() => r(ok()))), {
      queue: { limit: { current: () => allowed, observe: () => {} } },
    });
    for (let i = 0; i < 6; i++) queue.enqueue('fn', undefined, event({ i }));
    queue.start();
    await waitFor(() => calls.length === 2);
    await new Promise((r) => setTimeout(r, 50));
    expect(calls).toHaveLength(2);
    expect(queue.stats().deliveryLimit).toBe(2);
    // No delivery ends, yet the larger limit is taken up.
    allowed = 4;
    await waitFor(() => calls.length === 4, 1000);
    for (const r of release.splice(0)) r();
    await waitFor(() => calls.length === 6);
    for (const r of release.splice(0)) r();
    await waitFor(() => queue.stats().delivered === 6);
  });
});

describe('AsyncQueue: slots shared between functions (AWS keeps a queue per function)', () => {
  it('takes turns: an event queued behind another function\'s backlog is delivered next, not last', async () => {
    const { queue, calls } = harness(() => ok(), { queue: { concurrency: 1 } });
    for (let i = 0; i < 30; i++) queue.enqueue('big', undefined, event({ i }));
    queue.enqueue('small', undefined, event({}));
    queue.start();
    await waitFor(() => queue.stats().delivered === 31);
    expect(calls.findIndex((c) => c.functionName === 'small')).toBeLessThanOrEqual(1);
  });

  it('a function whose deliveries hang cannot hold every slot while another has events', async () => {
    const { queue, calls } = harness((c) => (c.functionName === 'slow' ? new Promise<AsyncInvokeResult>(() => {}) : ok()), { queue: { concurrency: 4 } });
    for (let i = 0; i < 10; i++) queue.enqueue('slow', undefined, event({ i }));
    for (let i = 0; i < 5; i++) queue.enqueue('fast', undefined, event({ i }));
    queue.start();
    await waitFor(() => queue.stats().delivered === 5);
    const slow = calls.filter((c) => c.functionName === 'slow').length;
    expect(slow).toBeGreaterThanOrEqual(2);
    expect(slow).toBeLessThanOrEqual(4);
  });
});

describe('AsyncQueue: limits and throughput', () => {
  it('refuses a payload over 1 MB with RequestTooLargeException (413) and accepts exactly 1 MB', () => {
    const { queue } = harness(() => ok());
    expect(() => queue.enqueue('fn', undefined, Buffer.alloc(MAX_ASYNC_PAYLOAD_BYTES + 1, 0x20))).toThrow(
      expect.objectContaining({ code: 'RequestTooLargeException', status: 413 }),
    );
    expect(queue.enqueue('fn', undefined, Buffer.alloc(MAX_ASYNC_PAYLOAD_BYTES, 0x20))).toMatch(/^[0-9a-f-]{36}$/);
    expect(queue.stats().pending).toBe(1);
    expect(queue.queued({ functionName: 'fn' })).toMatchObject([{ functionName: 'fn', state: 'pending', approximateInvokeCount: 0 }]);
    expect(queue.purge('fn')).toBe(1);
    expect(queue.stats().pending).toBe(0);
  });

  it('sustains well over 2,000 durable enqueues a second, and drains them', async () => {
    const { queue } = harness(() => ok());
    const payload = event({ detail: 'x'.repeat(200) });
    const n = 5000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) queue.enqueue('fn', undefined, payload);
    const enqueuePerSecond = n / ((performance.now() - t0) / 1000);

    const t1 = performance.now();
    queue.start();
    await waitFor(() => queue.stats().delivered === n, 10_000);
    const drainPerSecond = n / ((performance.now() - t1) / 1000);
    console.log(`async queue: ${Math.round(enqueuePerSecond)} enqueues/s, ${Math.round(drainPerSecond)} deliveries/s (instant function)`);
    expect(enqueuePerSecond).toBeGreaterThan(2000);
    expect(drainPerSecond).toBeGreaterThan(500);
  });
});
