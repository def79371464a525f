// The environments of one function version as it runs now (one run key: code
// and configuration). Reuses the most recently used idle env, scales out when all
// are busy, and records why each new env was needed.
import type { EnvCause } from '../telemetry/events.js';
import type { ExecutionEnvironment } from './environment.js';
import type { Invocation, InvokeOutcome } from './model.js';

export type EnvFactory = (
  cause: EnvCause,
  onAvailable: (env: ExecutionEnvironment) => void,
  initializationType?: 'on-demand' | 'provisioned-concurrency',
) => Promise<ExecutionEnvironment>;

export interface PoolOptions {
  /** Every invoke gets a new env, destroyed afterwards. */
  forceCold: () => boolean;
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
    let env = forceCold ? undefined : this.takeIdle();
    if (!env) {
      const cause: EnvCause = forceCold ? 'forced-cold' : this.envs.size > 0 ? 'scale-out' : this.nextCause;
      env = await this.createEnv(cause, (e) => this.onAvailable(e));
      if (this.closed) {
        void env.shutdown('shutdown');
        throw new Error('pool closed');
      }
      this.envs.add(env);
    }
    env.claim();
    const out = await env.invoke(inv);
    if (forceCold) void env.shutdown('forced-cold');
    return out;
  }

  private takeIdle(): ExecutionEnvironment | undefined {
    while (this.idle.length > 0) {
      const env = this.idle.pop()!;
      if (!env.busy && (env.state === 'idle' || env.state === 'frozen')) return env;
    }
    return undefined;
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
        const env = await this.createEnv('provisioned', (e) => this.onAvailable(e), 'provisioned-concurrency');
        if (this.closed) return void env.shutdown('shutdown');
        this.envs.add(env);
        await env.provision();
      }),
    );
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
    const all = [...this.envs];
    this.envs.clear();
    this.idle = [];
    await Promise.all(all.map((e) => e.shutdown(cause)));
  }
}
