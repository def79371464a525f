// The durable queue behind `Event` invokes. An event is committed to SQLite
// before the API answers 202, then delivered at least once with AWS's rules:
// function errors retried MaximumRetryAttempts times (after base, then 2×base),
// throttles and system errors retried with exponential backoff without using
// up attempts, events older than MaximumEventAgeInSeconds given up, and every
// outcome routed to an on-success / on-failure destination or the dead-letter store.
//
// Group commit: accepts, outcomes and new leases of one event-loop turn share
// one SQLite transaction (a "tick"), so under load the queue pays for one
// commit per turn instead of one per event. An accept still resolves only after
// the commit that holds its row.
//
// Delivery slots are shared between functions as AWS's per-function queues
// would have it: each free slot goes to the function with the fewest
// deliveries in flight, so one function's backlog does not hold back another's.
//
// Delivery leases rows: a leased row's `next_attempt_at` is its lease expiry,
// kept in the future by a heartbeat while the delivery runs. So one index
// finds both due events and deliveries abandoned by a crashed or stopped
// worker, and a second worker on the same file never takes a live delivery.
//
// Observability: the queue is an EventEmitter of 'delivered', 'retry' and
// 'failed' (payload types below), and stats() gives queue depth and counts.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { LambdaError } from '../errors.js';
import type { Db } from '../store/database.js';
import { fixedLimit, type DeliveryLimit } from './delivery-limit.js';
import { prepareStatements, type EventRow } from './async-queue-store.js';
import {
  DeadLetterStore,
  DestinationStore,
  buildRecord,
  errorMessageOf,
  parseDestination,
  type DeadLetter,
  type DeadLetterReason,
  type DestinationCondition,
  type DestinationRecord,
  type FunctionResponse,
} from './destinations.js';

export type { DeadLetter, DestinationRecord, DestinationCondition } from './destinations.js';

/** How often a queue whose delivery slots are all busy looks again at its (possibly grown) limit. */
const LIMIT_RECHECK_MS = 200;

/** Async invoke payload limit (1 MB since late 2025). */
export const MAX_ASYNC_PAYLOAD_BYTES = 1_048_576;

/** PUT /2019-09-25/functions/{name}/event-invoke-config, as the control plane stores it. */
export interface EventInvokeConfig {
  /** 0–2, default 2. */
  MaximumRetryAttempts?: number;
  /** 60–21,600, default 21,600. */
  MaximumEventAgeInSeconds?: number;
  DestinationConfig?: {
    OnSuccess?: { Destination?: string };
    OnFailure?: { Destination?: string };
  };
}

export interface AsyncInvokeResult {
  statusCode: number;
  /** Set (`Unhandled`) when the function failed: retried as a function error. */
  functionError?: string;
  payload: Buffer;
  executedVersion: string;
}

export interface AsyncQueueLogger {
  warn(message: string, detail?: Record<string, unknown>): void;
}

export interface AsyncQueueDeps {
  /** Runs one attempt. Throws `{ code: 'TooManyRequestsException' }` on a throttle; any other throw is a system error. */
  invoke(functionName: string, qualifier: string | undefined, payload: Buffer, requestId: string): Promise<AsyncInvokeResult>;
  /** The event-invoke config in force for this function / qualifier (undefined: AWS's defaults). */
  config(functionName: string, qualifier?: string): EventInvokeConfig | undefined;
  functionArn(functionName: string, qualifier?: string): string;
  /** Stands in for AWS's ~1 min before the first function-error retry (the second waits twice as long). Default 60,000. */
  retryBaseDelayMs?: number;
  now?: () => number;
  logger?: AsyncQueueLogger;
}

export interface AsyncQueueOptions {
  /** Deliveries in flight at once. Default 10. Ignored when `limit` is given. */
  concurrency?: number;
  /** Decides how many deliveries may be in flight from moment to moment (default: always `concurrency`). */
  limit?: DeliveryLimit;
  /** How long a delivery's lease lasts without a heartbeat (it is renewed every third of this). Default 30 s. */
  leaseMs?: number;
  /** First backoff after a throttle or system error; doubles each time. Default 1 s (AWS starts at 1 s). */
  throttleBaseDelayMs?: number;
  /** Backoff cap. Default 5 min (AWS's). */
  throttleMaxDelayMs?: number;
  /** Longest sleep between looks at the table, so events written by another process are found. Default 1 s. */
  pollMs?: number;
}

export type RetryReason = 'FunctionError' | 'Throttled' | 'SystemError';

export interface DeliveredEvent {
  requestId: string;
  functionName: string;
  qualifier?: string;
  approximateInvokeCount: number;
  executedVersion: string;
  /** The on-success destination the record went to, if any. */
  destination?: string;
}

export interface RetryEvent {
  requestId: string;
  functionName: string;
  qualifier?: string;
  reason: RetryReason;
  approximateInvokeCount: number;
  delayMs: number;
  error?: string;
}

export interface FailedEvent {
  requestId: string;
  functionName: string;
  qualifier?: string;
  reason: DeadLetterReason;
  approximateInvokeCount: number;
  /** The on-failure destination the record went to; absent when the event went to the dead-letter store. */
  destination?: string;
  deadLettered: boolean;
  error?: string;
}

export interface AsyncQueueEvents {
  delivered: [DeliveredEvent];
  retry: [RetryEvent];
  failed: [FailedEvent];
}

export interface AsyncQueueStats {
  /** Waiting to be tried (now or after a retry delay). */
  pending: number;
  /** Leased: being delivered (by any worker, or abandoned by a crashed one until its lease expires). */
  inFlight: number;
  /** Deliveries this worker lets run at once right now. */
  deliveryLimit: number;
  /** Since this queue was constructed. */
  delivered: number;
  failed: number;
  retries: number;
}

export interface QueuedEvent {
  requestId: string;
  functionName: string;
  qualifier?: string;
  state: 'pending' | 'leased';
  approximateInvokeCount: number;
  receivedAt: string;
  nextAttemptAt: string;
  lastError?: string;
}

interface Policy {
  maxRetries: number;
  maxAgeMs: number;
  onSuccess?: string;
  onFailure?: string;
}

type Outcome =
  | { kind: 'success'; response: FunctionResponse; attempts: number }
  | { kind: 'failure'; reason: DeadLetterReason; response?: FunctionResponse; attempts: number; error?: string; errorCode?: string };

export class AsyncQueue extends EventEmitter<AsyncQueueEvents> {
  private readonly now: () => number;
  private readonly workerId = randomUUID();
  private readonly limit: DeliveryLimit;
  private readonly leaseMs: number;
  private readonly throttleBaseMs: number;
  private readonly throttleMaxMs: number;
  private readonly pollMs: number;
  private readonly retryBaseMs: number;
  private readonly sql;
  private readonly records: DestinationStore;
  private readonly dead: DeadLetterStore;

  private running = false;
  private tickQueued = false;
  /** Writes waiting for the next tick's transaction. */
  private writes: PendingWrite[] = [];
  private wakeTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  /** Deliveries in flight: request id → function name (the slots are shared by function). */
  private readonly inFlight = new Map<string, string>();
  /** When each function was last given a slot (a counter), so functions with equal load take turns. */
  private readonly lastServed = new Map<string, number>();
  private served = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly counts = { delivered: 0, failed: 0, retries: 0 };

  constructor(
    private readonly db: Db,
    private readonly deps: AsyncQueueDeps,
    options: AsyncQueueOptions = {},
  ) {
    super();
    this.now = deps.now ?? Date.now;
    this.retryBaseMs = deps.retryBaseDelayMs ?? 60_000;
    this.limit = options.limit ?? fixedLimit(options.concurrency ?? 10);
    this.leaseMs = options.leaseMs ?? 30_000;
    this.throttleBaseMs = options.throttleBaseDelayMs ?? 1_000;
    this.throttleMaxMs = options.throttleMaxDelayMs ?? 300_000;
    this.pollMs = options.pollMs ?? 1_000;
    this.records = new DestinationStore(db);
    this.dead = new DeadLetterStore(db);
    this.sql = prepareStatements(db);
  }

  // ---- Accepting events -------------------------------------------------

  /**
   * Queues an event and returns its request id once the row is committed, so
   * a 202 is only ever sent for a durable event. Inside a caller's transaction
   * (a destination record chained to a function) it commits with that transaction.
   */
  enqueue(functionName: string, qualifier: string | undefined, payload: Buffer, requestId: string = randomUUID()): string {
    checkPayload(payload);
    this.insert(requestId, functionName, qualifier, payload);
    this.kick();
    return requestId;
  }

  /**
   * Queues an event with the next tick's group commit and resolves with its
   * request id once that commit is done (the API's 202 waits for this). Every
   * accept of one event-loop turn shares the commit.
   */
  accept(functionName: string, qualifier: string | undefined, payload: Buffer): Promise<string> {
    checkPayload(payload);
    const requestId = randomUUID();
    return new Promise((resolve, reject) => {
      this.write({
        apply: () => {
          this.insert(requestId, functionName, qualifier, payload);
          return () => resolve(requestId);
        },
        fail: reject,
      });
    });
  }

  /** A new event, due now. */
  private insert(requestId: string, functionName: string, qualifier: string | undefined, payload: Buffer): void {
    const now = this.now();
    this.sql.insert.run(requestId, functionName, qualifier ?? null, now, now, payload);
  }

  // ---- Running the delivery loop -----------------------------------------

  start(): void {
    if (this.running) return;
    this.running = true;
    this.heartbeat = setInterval(() => this.renewLeases(), Math.max(10, Math.floor(this.leaseMs / 3)));
    this.heartbeat.unref();
    this.kick();
  }

  /**
   * Stops taking events and resolves when the deliveries in flight have
   * ended, or after `timeoutMs`. Deliveries still running then lose their
   * lease when it expires and are tried again by the next worker.
   */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.running = false;
    clearTimeout(this.wakeTimer);
    if (this.inFlight.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      const idle = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
      await Promise.race([idle, timeout]);
      clearTimeout(timer);
    }
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    // The outcomes of the last deliveries (and any accepts) commit now, not in a tick after the database closed.
    this.tick();
  }

  /**
   * Makes every lease held by another worker due now, instead of after it
   * expires. Only for a process that knows it is the database's sole user (the
   * workbench at startup): with a live second worker this would double-deliver.
   */
  reclaimLeases(): number {
    const n = this.sql.reclaim.run(this.now(), this.workerId).changes;
    this.kick();
    return n;
  }

  /** Coalesces wake-ups (an accept burst, many completions) into one tick. */
  private kick(): void {
    if (this.tickQueued) return;
    this.tickQueued = true;
    setImmediate(() => this.tick());
  }

  private write(w: PendingWrite): void {
    this.writes.push(w);
    this.kick();
  }

  /**
   * One turn of the queue: applies the waiting writes and leases events for
   * the free delivery slots in a single transaction, then reports what was
   * committed and starts the leased deliveries.
   */
  private tick(): void {
    this.tickQueued = false;
    const writes = this.writes;
    this.writes = [];
    if (!this.db.open) {
      const closed = new LambdaError('ServiceException', 'The workbench is shutting down; the event was not queued.');
      for (const w of writes) w.fail?.(closed);
      return;
    }
    clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    const limit = this.running ? this.limit.current() : 0;
    const free = limit - this.inFlight.size;
    const committed: (() => void)[] = [];
    let leased: EventRow[] = [];
    if (writes.length > 0 || free > 0) {
      try {
        this.db
          .transaction(() => {
            for (const w of writes) {
              const done = w.apply();
              if (done) committed.push(done);
            }
            if (free > 0) {
              const now = this.now();
              leased = this.leaseFairly(free, now);
            }
          })
          .immediate();
      } catch (err) {
        // The whole batch rolled back: apply each write on its own, so one bad write fails alone.
        this.applyEach(writes);
        this.warn('async queue: a group commit failed; its writes were applied one by one', err);
        if (this.running) this.wakeTimer = setTimeout(() => this.kick(), this.pollMs).unref();
        return;
      }
    }
    for (const done of committed) done();
    for (const row of leased) this.launch(row);
    if (!this.running) return;
    this.limit.observe(this.inFlight.size >= limit);
    if (leased.length < free) {
      // The due events ran out: sleep until the next one falls due.
      this.armWakeTimer();
    } else {
      // Every slot is busy: look again soon, in case the limit grows while long deliveries run.
      this.wakeTimer = setTimeout(() => this.kick(), LIMIT_RECHECK_MS).unref();
    }
  }

  private applyEach(writes: PendingWrite[]): void {
    for (const w of writes) {
      let done: (() => void) | void;
      try {
        done = this.db.transaction(w.apply).immediate();
      } catch (err) {
        if (w.fail) w.fail(err);
        else this.warn('async queue: writing an outcome failed', err);
        continue;
      }
      done?.();
    }
  }

  /** Sleeps until the next event falls due (or a lease elsewhere expires), but no longer than pollMs. */
  private armWakeTimer(): void {
    const next = this.sql.nextDue.get(this.workerId) as { next_attempt_at: number } | undefined;
    const delay = next ? Math.min(Math.max(0, next.next_attempt_at - this.now()), this.pollMs) : this.pollMs;
    this.wakeTimer = setTimeout(() => this.kick(), delay).unref();
  }

  /**
   * Leases up to `free` due events. Each slot goes to the function with the
   * fewest deliveries in flight (counting those just given); among equals,
   * the one served longest ago, then the one with the oldest due event. Runs
   * inside the tick's transaction, which holds the write lock, so no other
   * worker can take a chosen row meanwhile.
   */
  private leaseFairly(free: number, now: number): EventRow[] {
    const names = (this.sql.queuedFunctions.all() as { name: string }[]).map((r) => r.name);
    if (names.length <= 1) return this.sql.lease.all(this.workerId, now + this.leaseMs, now, free) as EventRow[];
    const due = new Map<string, { request_id: string; next_attempt_at: number }[]>();
    for (const name of names) {
      const rows = this.sql.dueFor.all(name, now, free) as { request_id: string; next_attempt_at: number }[];
      if (rows.length > 0) due.set(name, rows);
    }
    // Deliveries in flight per function, then those given here; counted only when functions compete.
    const loads = new Map<string, number>();
    for (const fn of this.inFlight.values()) loads.set(fn, (loads.get(fn) ?? 0) + 1);
    const load = (name: string) => loads.get(name) ?? 0;
    const servedAt = (name: string) => this.lastServed.get(name) ?? -1;
    const before = (a: string, b: string) =>
      load(a) !== load(b) ? load(a) < load(b)
      : servedAt(a) !== servedAt(b) ? servedAt(a) < servedAt(b)
      : due.get(a)![0]!.next_attempt_at < due.get(b)![0]!.next_attempt_at;
    const chosen: string[] = [];
    while (chosen.length < free) {
      let best: string | undefined;
      for (const [name, rows] of due) if (rows.length > 0 && (best === undefined || before(name, best))) best = name;
      if (best === undefined) break;
      chosen.push(due.get(best)!.shift()!.request_id);
      loads.set(best, load(best) + 1);
      this.lastServed.set(best, ++this.served);
    }
    return chosen.map((id) => this.sql.leaseOne.get(this.workerId, now + this.leaseMs, id) as EventRow);
  }

  private launch(row: EventRow): void {
    // Our own lease can only come back if the heartbeat was late; the delivery is still running.
    if (this.inFlight.has(row.request_id)) return;
    this.inFlight.set(row.request_id, row.function_name);
    void this.deliver(row)
      .catch((err) => this.warn('async queue: delivery failed', err, row.request_id))
      .finally(() => {
        this.inFlight.delete(row.request_id);
        if (this.inFlight.size === 0) this.wakeIdleWaiters();
        this.kick();
      });
  }

  private wakeIdleWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private renewLeases(): void {
    if (this.inFlight.size === 0 || !this.db.open) return;
    try {
      this.sql.renew.run(this.now() + this.leaseMs, this.workerId);
    } catch (err) {
      this.warn('async queue: renewing leases failed', err);
    }
  }

  // ---- One delivery --------------------------------------------------------

  private async deliver(row: EventRow): Promise<void> {
    const policy = this.policyFor(row);
    if (this.now() >= row.received_at + policy.maxAgeMs) {
      this.finish(row, policy, { kind: 'failure', reason: 'EventAgeExceeded', response: lastResponse(row), attempts: row.attempts, error: row.last_error ?? undefined });
      return;
    }
    let result: AsyncInvokeResult;
    try {
      result = await this.deps.invoke(row.function_name, row.qualifier ?? undefined, row.payload, row.request_id);
    } catch (err) {
      this.onInvokeError(row, policy, err);
      return;
    }
    const response: FunctionResponse = { statusCode: result.statusCode, executedVersion: result.executedVersion, payload: result.payload };
    if (result.functionError) response.functionError = result.functionError;
    const attempts = row.attempts + 1;
    if (!result.functionError) {
      this.finish(row, policy, { kind: 'success', response, attempts });
    } else if (attempts > policy.maxRetries) {
      this.finish(row, policy, { kind: 'failure', reason: 'RetriesExhausted', response, attempts, errorCode: String(response.statusCode), error: errorMessageOf(response) });
    } else {
      this.retryAfterFunctionError(row, policy, response, attempts);
    }
  }

  /** AWS waits ~1 min, then ~2 min; never past the event's maximum age, which is then reported as such. */
  private retryAfterFunctionError(row: EventRow, policy: Policy, response: FunctionResponse, attempts: number): void {
    const delayMs = this.retryBaseMs * 2 ** (attempts - 1);
    const error = errorMessageOf(response);
    const at = Math.min(this.now() + delayMs, row.received_at + policy.maxAgeMs);
    this.write({
      apply: () => {
        const owned = this.sql.retryFunctionError.run(
          attempts,
          at,
          error ?? null,
          response.statusCode,
          response.executedVersion,
          response.functionError ?? null,
          response.payload,
          row.request_id,
          this.workerId,
        ).changes;
        return owned ? () => this.noteRetry(row, 'FunctionError', attempts, at, error) : undefined;
      },
    });
  }

  private onInvokeError(row: EventRow, policy: Policy, err: unknown): void {
    const code = errorCode(err);
    const message = err instanceof Error ? err.message : String(err);
    if (code === 'ResourceNotFoundException') {
      // The function (or qualifier) was deleted: AWS drops its queued events; keep it visible instead.
      this.finish(row, policy, { kind: 'failure', reason: 'FunctionNotFound', attempts: row.attempts, error: message, errorCode: code }, false);
      return;
    }
    const reason: RetryReason = code === 'TooManyRequestsException' ? 'Throttled' : 'SystemError';
    const delayMs = Math.min(this.throttleBaseMs * 2 ** row.backoffs, this.throttleMaxMs);
    const at = Math.min(this.now() + delayMs, row.received_at + policy.maxAgeMs);
    const error = `${code ?? 'Error'}: ${message}`;
    this.write({
      apply: () => {
        const owned = this.sql.retryBackoff.run(at, error, row.request_id, this.workerId).changes;
        return owned ? () => this.noteRetry(row, reason, row.attempts, at, error) : undefined;
      },
    });
  }

  private noteRetry(row: EventRow, reason: RetryReason, attempts: number, at: number, error: string | undefined): void {
    this.counts.retries++;
    const e: RetryEvent = { requestId: row.request_id, functionName: row.function_name, reason, approximateInvokeCount: attempts, delayMs: Math.max(0, at - this.now()) };
    if (row.qualifier !== null) e.qualifier = row.qualifier;
    if (error !== undefined) e.error = error;
    this.emit('retry', e);
  }

  /**
   * Removes the event and writes where its outcome goes, in one transaction
   * (the next tick's): a crash leaves either the queued event (delivered
   * again) or its outcome. Nothing is written if another worker has taken the
   * lease over meanwhile; that worker reports the outcome.
   */
  private finish(row: EventRow, policy: Policy, outcome: Outcome, useDestination = true): void {
    const destination = !useDestination ? undefined : outcome.kind === 'success' ? policy.onSuccess : policy.onFailure;
    this.write({
      apply: () => {
        const at = this.now();
        if (this.sql.remove.run(row.request_id, this.workerId).changes === 0) return undefined;
        let deadLettered = false;
        if (!(destination && this.sendRecord(destination, row, outcome, at)) && outcome.kind === 'failure') {
          this.deadLetter(row, outcome, at);
          deadLettered = true;
        }
        return () => this.report(row, outcome, destination, deadLettered);
      },
    });
  }

  private report(row: EventRow, outcome: Outcome, destination: string | undefined, deadLettered: boolean): void {
    if (outcome.kind === 'success') {
      this.counts.delivered++;
      this.emit('delivered', withQualifier(row, {
        requestId: row.request_id,
        functionName: row.function_name,
        approximateInvokeCount: outcome.attempts,
        executedVersion: outcome.response.executedVersion,
        ...(destination ? { destination } : {}),
      }));
    } else {
      this.counts.failed++;
      this.emit('failed', withQualifier(row, {
        requestId: row.request_id,
        functionName: row.function_name,
        reason: outcome.reason,
        approximateInvokeCount: outcome.attempts,
        deadLettered,
        ...(destination && !deadLettered ? { destination } : {}),
        ...(outcome.error !== undefined ? { error: outcome.error } : {}),
      }));
    }
  }

  /** False when the destination can't take the record (unknown kind, too large): a failure then falls back to the dead-letter store. */
  private sendRecord(destination: string, row: EventRow, outcome: Outcome, at: number): boolean {
    const target = parseDestination(destination);
    if (!target) {
      this.warn(`async queue: destination ${destination} is neither a Lambda function nor a workbench destination`, undefined, row.request_id);
      return false;
    }
    const record = this.recordOf(row, outcome, at);
    if (target.kind === 'store') {
      this.records.put(target.name, row.function_name, record, at);
      return true;
    }
    try {
      this.enqueue(target.functionName, target.qualifier, Buffer.from(JSON.stringify(record)));
      return true;
    } catch (err) {
      this.warn(`async queue: could not queue the record for ${destination}`, err, row.request_id);
      return false;
    }
  }

  private recordOf(row: EventRow, outcome: Outcome, at: number): DestinationRecord {
    const condition: DestinationCondition =
      outcome.kind === 'success' ? 'Success' : outcome.reason === 'EventAgeExceeded' ? 'EventAgeExceeded' : 'RetriesExhausted';
    return buildRecord({
      requestId: row.request_id,
      // AWS names the version that was invoked: `…:function:name:$LATEST` for an unqualified invoke.
      functionArn: this.deps.functionArn(row.function_name, row.qualifier ?? '$LATEST'),
      condition,
      approximateInvokeCount: outcome.attempts,
      requestPayload: row.payload,
      response: outcome.response,
      at,
    });
  }

  private deadLetter(row: EventRow, outcome: Extract<Outcome, { kind: 'failure' }>, at: number): void {
    const errorCode = outcome.errorCode ?? (outcome.response ? String(outcome.response.statusCode) : row.last_error?.split(':')[0]);
    this.dead.put({
      requestId: row.request_id,
      functionName: row.function_name,
      ...(row.qualifier !== null ? { qualifier: row.qualifier } : {}),
      payload: row.payload,
      reason: outcome.reason,
      ...(errorCode ? { errorCode } : {}),
      ...(outcome.error !== undefined ? { errorMessage: outcome.error.slice(0, 1024) } : {}),
      approximateInvokeCount: outcome.attempts,
      receivedAt: row.received_at,
      deadAt: at,
    });
  }

  /** The config in force when each decision is taken, so a PUT of event-invoke-config applies to queued events too. */
  private policyFor(row: EventRow): Policy {
    let config: EventInvokeConfig | undefined;
    try {
      config = this.deps.config(row.function_name, row.qualifier ?? undefined);
    } catch (err) {
      this.warn('async queue: reading the event-invoke config failed; using the defaults', err, row.request_id);
    }
    const policy: Policy = {
      maxRetries: clampInt(config?.MaximumRetryAttempts, 0, 2, 2),
      maxAgeMs: clampInt(config?.MaximumEventAgeInSeconds, 60, 21_600, 21_600) * 1000,
    };
    const onSuccess = config?.DestinationConfig?.OnSuccess?.Destination;
    const onFailure = config?.DestinationConfig?.OnFailure?.Destination;
    if (onSuccess) policy.onSuccess = onSuccess;
    if (onFailure) policy.onFailure = onFailure;
    return policy;
  }

  private warn(message: string, err?: unknown, requestId?: string): void {
    const detail: Record<string, unknown> = {};
    if (requestId) detail.requestId = requestId;
    if (err !== undefined) detail.error = err instanceof Error ? err.message : String(err);
    this.deps.logger?.warn(message, detail);
  }

  // ---- Reading the stores ------------------------------------------------

  stats(): AsyncQueueStats {
    const { total } = this.sql.countAll.get() as { total: number };
    const { leased } = this.sql.countLeased.get() as { leased: number };
    return { pending: total - leased, inFlight: leased, deliveryLimit: this.limit.current(), ...this.counts };
  }

  /** Events still queued, oldest first (for the UI). */
  queued(options: { functionName?: string; limit?: number } = {}): QueuedEvent[] {
    const limit = options.limit ?? 1000;
    const rows = (options.functionName ? this.sql.queuedFor.all(options.functionName, limit) : this.sql.queuedAll.all(limit)) as EventRow[];
    return rows.map((r) => {
      const e: QueuedEvent = {
        requestId: r.request_id,
        functionName: r.function_name,
        state: r.state,
        approximateInvokeCount: r.attempts,
        receivedAt: new Date(r.received_at).toISOString(),
        nextAttemptAt: new Date(r.next_attempt_at).toISOString(),
      };
      if (r.qualifier !== null) e.qualifier = r.qualifier;
      if (r.last_error !== null) e.lastError = r.last_error;
      return e;
    });
  }

  /** Drops a function's queued events that are not being delivered (the function was deleted). */
  purge(functionName: string): number {
    this.lastServed.delete(functionName);
    return this.sql.purge.run(functionName).changes;
  }

  /** Records kept for `arn:aws:workbench:<region>:<account>:destination:<name>`: the latest `limit`, oldest first. */
  destinationRecords(name: string, options: { limit?: number } = {}): DestinationRecord[] {
    return this.records.list(name, options.limit);
  }

  clearDestination(name: string): number {
    return this.records.clear(name);
  }

  deadLetters(functionName?: string, options: { limit?: number } = {}): DeadLetter[] {
    return this.dead.list(functionName, options.limit);
  }

  clearDeadLetters(functionName?: string): number {
    return this.dead.clear(functionName);
  }
}

/** A write for the next tick's transaction. `apply` runs inside it and returns what to do once it is committed. */
interface PendingWrite {
  apply(): (() => void) | undefined;
  /** Called instead when the write could not be committed (default: logged). */
  fail?(err: unknown): void;
}

function checkPayload(payload: Buffer): void {
  if (payload.length > MAX_ASYNC_PAYLOAD_BYTES) {
    throw new LambdaError('RequestTooLargeException', `Request must be smaller than ${MAX_ASYNC_PAYLOAD_BYTES} bytes for the InvokeFunction operation`);
  }
}

/** The response of the last attempt that reached the function, for an EventAgeExceeded record. */
function lastResponse(row: EventRow): FunctionResponse | undefined {
  if (row.last_status === null) return undefined;
  const r: FunctionResponse = { statusCode: row.last_status, executedVersion: row.last_version ?? '$LATEST', payload: row.last_response ?? Buffer.alloc(0) };
  if (row.last_function_error !== null) r.functionError = row.last_function_error;
  return r;
}

function errorCode(err: unknown): string | undefined {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}

function clampInt(value: number | undefined, min: number, max: number, fallback: number): number {
  if (value === undefined || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.trunc(value)));
}

function withQualifier<T extends object>(row: EventRow, e: T): T & { qualifier?: string } {
  return row.qualifier !== null ? { ...e, qualifier: row.qualifier } : e;
}
