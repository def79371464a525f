// The environments of one function version as it runs now (one run key: code
// and configuration). Reuses the most recently used idle env, scales out when all
// are busy, and records why each new env was needed.
//
// Scaling out follows Lambda's rule, one env per concurrent invocation, as far as
// the machine can create envs: an invocation that finds no free env waits for a
// new one (its creation queued at the sandbox gate). Past the machine's capacity
// (more creations queued than it gets through quickly) a freed warm env serves
// the invocation that has waited longest instead; the creation it no longer needs
// is skipped when its turn comes, and the wait is recorded.
import { LambdaError } from '../errors.js';
import type { EnvCause } from '../telemetry/events.js';
import { EnvLost, type ExecutionEnvironment } from './environment.js';
import type { Invocation, InvokeOutcome } from './model.js';

export type EnvFactory = (
  cause: EnvCause,
  onAvailable: (env: ExecutionEnvironment) => void,
  initializationType?: 'on-demand' | 'provisioned-concurrency',
  /** Asked when the creation's turn comes: false creates nothing (null). */
  wanted?: () => boolean,
) => Promise<ExecutionEnvironment | null>;

/** The caller went away while its invocation waited for an env: nothing was run or created for it. */
export class CallerGone extends LambdaError {
  constructor() {
    super('ServiceException', 'The caller closed its connection before an execution environment was free; the invocation was dropped.');
  }
}

/** An invocation waiting for an env. */
interface Waiter {
  inv: Invocation;
  since: number;
  served: boolean;
  resolve: (env: ExecutionEnvironment) => void;
  reject: (err: unknown) => void;
}

export interface PoolOptions {
  /** Every invoke gets a new env, destroyed afterwards. */
  forceCold: () => boolean;
  /** More env creations wait than the machine gets through quickly: a freed env may then serve a waiting invocation. */
  pastCapacity?: () => boolean;
}

export class EnvironmentPool {
  private readonly envs = new Set<ExecutionEnvironment>();
  /** Idle envs, most recently used last. */
  private idle: ExecutionEnvironment[] = [];
  /** Why the next env of an empty pool is created. */
  private nextCause: EnvCause;
  private closed = false;
  /** Set once what this pool runs was replaced: no new invocations; envs go once they are free. */
  private retiring: EnvCause | null = null;
  /** Invocations waiting for an env, oldest first. */
  private waiters: Waiter[] = [];
  /** Creations past the gate (running), so a queued one knows whether it is still needed. */
  private creating = 0;
  /** Invocations still owed a new env because the user killed one (cause "forced"). */
  private forcedPending = 0;
  /** Told when a waiting invocation was served by a freed env rather than a new one. */
  onQueued?: (inv: Invocation, waitedMs: number) => void;

  constructor(
    private readonly createEnv: EnvFactory,
    private readonly opts: PoolOptions,
    firstCause: EnvCause = 'first-invoke',
  ) {
    this.nextCause = firstCause;
  }

  get size(): number {
    return this.envs.size;
  }

  environments(): ExecutionEnvironment[] {
    return [...this.envs];
  }

  async invoke(inv: Invocation): Promise<InvokeOutcome> {
    if (this.closed) throw new Error('pool closed');
    const forceCold = this.opts.forceCold();
    let env: ExecutionEnvironment | undefined;
    if (forceCold) {
      env = (await this.createEnv('forced-cold', (e) => this.onAvailable(e)))!;
      if (this.closed) {
        void env.shutdown('shutdown');
        throw new Error('pool closed');
      }
      this.envs.add(env);
    } else if (this.forcedPending > 0) {
      // The user killed an env: the next invocation is the cold start that kill asked for.
      this.forcedPending--;
      env = await this.acquire(inv, 'forced');
    } else {
      env = this.takeIdle() ?? (await this.acquire(inv));
    }
    let out: InvokeOutcome;
    try {
      out = await env.invoke(inv);
    } catch (err) {
      // The env went away before the invocation started in it: once more, in another env.
      if (!(err instanceof EnvLost) || forceCold || this.closed) throw err;
      const other = this.takeIdle() ?? (await this.acquire(inv));
      out = await other.invoke(inv);
    }
    if (forceCold) void env.shutdown('forced-cold');
    return out;
  }

  private takeIdle(): ExecutionEnvironment | undefined {
    while (this.idle.length > 0) {
      const env = this.idle.pop()!;
      // 'starting': created for an invocation that a freed env served first; never used yet.
      if (!env.busy && (env.state === 'idle' || env.state === 'frozen' || env.state === 'starting')) return env;
    }
    return undefined;
  }

  /** Waits for a new env or a freed one, whichever comes first; a new one is asked for at once. */
  private acquire(inv: Invocation, forcedCause?: EnvCause): Promise<ExecutionEnvironment> {
    return new Promise<ExecutionEnvironment>((resolve, reject) => {
      const waiter: Waiter = { inv, since: Date.now(), served: false, resolve, reject };
      this.waiters.push(waiter);
      const signal = inv.signal;
      const onAbort = () => this.settle(waiter, undefined, new CallerGone());
      if (signal) {
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
      }
      // The first env of an empty pool has the pool's cause; any other is a scale-out, also while
      // the first is still being made (its waiter is in the list too).
      const cause: EnvCause = forcedCause ?? (this.envs.size > 0 || this.waiters.length > 1 || this.creating > 0 ? 'scale-out' : this.nextCause);
      // Still needed when its turn comes only if more invocations wait than creations are under way.
      let counted = false;
      const wanted = () => {
        const needed = this.waiters.length > this.creating && !this.closed;
        if (needed) {
          this.creating++;
          counted = true;
        }
        return needed;
      };
      const done = () => {
        if (counted) this.creating--;
        counted = false;
      };
      this.createEnv(cause, (e) => this.onAvailable(e), 'on-demand', wanted).then(
        (env) => {
          done();
          if (!env) return; // not needed any more: nothing was created
          if (this.closed) return void env.shutdown('shutdown');
          this.envs.add(env);
          const next = this.waiters[0];
          if (next) this.settle(next, env);
          else {
            env.park();
            this.idle.push(env);
          }
        },
        (err) => {
          done();
          // The creation failed: the invocation that has waited longest gets the error.
          const first = this.waiters[0];
          if (first) this.settle(first, undefined, err);
        },
      );
    });
  }

  /** Serves (or fails) a waiting invocation, once. */
  private settle(waiter: Waiter, env: ExecutionEnvironment | undefined, err?: unknown): void {
    if (waiter.served) return;
    waiter.served = true;
    this.waiters = this.waiters.filter((w) => w !== waiter);
    if (env) waiter.resolve(env);
    else waiter.reject(err);
  }

  private onAvailable(env: ExecutionEnvironment): void {
    if (env.state === 'gone' || env.state === 'shuttingDown') {
      this.envs.delete(env);
      this.idle = this.idle.filter((e) => e !== env);
      if (this.envs.size === 0) {
        this.nextCause = 'after-reclaim';
        if (this.retiring) this.onEmpty?.();
      }
      return;
    }
    // Past the machine's capacity, a freed env goes to the invocation that has waited longest (its
    // creation, still queued, is then skipped); below it, each invocation gets an env of its own.
    const waiter = this.waiters[0];
    if (waiter && !env.busy && !this.closed && this.opts.pastCapacity?.()) {
      this.onQueued?.(waiter.inv, Date.now() - waiter.since);
      this.settle(waiter, env);
      return;
    }
    if (this.retiring && !env.busy) {
      void env.shutdown(this.retiring);
      return;
    }
    if (this.closed || this.opts.forceCold() || env.busy || this.idle.includes(env)) return;
    this.idle.push(env);
  }

  /** Provisioned envs of this pool that are initialised and alive. */
  provisionedReady(): number {
    let n = 0;
    for (const e of this.envs) if (e.initializationType === 'provisioned-concurrency' && e.state !== 'starting' && e.state !== 'initializing') n++;
    return n;
  }

  /**
   * Keeps `count` provisioned envs: initialises the missing ones now (without
   * an invocation) and shuts down any beyond the count.
   */
  async provision(count: number): Promise<void> {
    const provisioned = [...this.envs].filter((e) => e.initializationType === 'provisioned-concurrency');
    for (const extra of provisioned.slice(count)) void extra.shutdown('shutdown');
    const missing = Math.max(0, count - provisioned.length);
    await Promise.all(
      Array.from({ length: missing }, async () => {
        const env = (await this.createEnv('provisioned', (e) => this.onAvailable(e), 'provisioned-concurrency'))!; // no `wanted`: always made
        if (this.closed) return void env.shutdown('shutdown');
        this.envs.add(env);
        await env.provision();
      }),
    );
  }

  /** Kills one env (from the window): its invocation, if any, ends as a crash would; the next invoke is cold ("forced"). */
  kill(env: ExecutionEnvironment): void {
    if (!this.envs.has(env)) return;
    this.forcedPending = 1;
    this.idle = this.idle.filter((e) => e !== env);
    void env.shutdown('forced');
  }

  /** Kills every env of this pool; returns how many. */
  killAll(): number {
    const all = [...this.envs].filter((e) => e.state !== 'gone' && e.state !== 'shuttingDown');
    if (all.length > 0) this.forcedPending = 1;
    this.idle = [];
    for (const env of all) void env.shutdown('forced');
    return all.length;
  }

  /** Starts `count` on-demand envs that run INIT now and then wait idle, as warm as after an invoke. */
  async prewarm(count: number): Promise<number> {
    const made = await Promise.all(
      Array.from({ length: count }, async () => {
        const env = await this.createEnv('prewarm', (e) => this.onAvailable(e), 'on-demand');
        if (!env) return 0;
        if (this.closed || this.retiring) {
          void env.shutdown('shutdown');
          return 0;
        }
        this.envs.add(env);
        await env.provision('prewarm');
        return 1;
      }),
    );
    return made.reduce<number>((a, b) => a + b, 0);
  }

  /** Told when a retiring pool has no env left. */
  onEmpty?: () => void;

  /**
   * What this pool runs was replaced (new code or configuration): it takes no new invocations,
   * its free envs shut down now, and its busy ones when their invocation is done, so a deploy
   * never kills running work.
   */
  retire(cause: EnvCause): void {
    if (this.retiring || this.closed) return;
    this.retiring = cause;
    this.idle = [];
    for (const env of this.envs) if (!env.busy) void env.shutdown(cause);
    if (this.envs.size === 0) this.onEmpty?.();
  }

  /** Shuts every env down (function deleted, or the workbench stopping). */
  async close(cause: EnvCause): Promise<void> {
    this.closed = true;
    for (const w of [...this.waiters]) this.settle(w, undefined, new LambdaError('ServiceException', 'The function was deleted or the workbench is stopping.'));
    const all = [...this.envs];
    this.envs.clear();
    this.idle = [];
    await Promise.all(all.map((e) => e.shutdown(cause)));
  }
}
