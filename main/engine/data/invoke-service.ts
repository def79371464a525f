// Runs invocations: finds (or creates) the pool of what the version runs,
// builds new environments from a ready sandbox, the runtime image and the
// version's code snapshot.
import type { CodeStore } from '../control/code-store.js';
import type { RuntimeImages } from '../images/runtime-images.js';
import type { SandboxReserve } from '../sandbox/reserve.js';
import type { SandboxShape } from '../sandbox/docker-sandbox.js';
import type { EnvCause, EventLog } from '../telemetry/events.js';
import { ExecutionEnvironment, type EnvironmentOptions } from './environment.js';
import type { FunctionVersion, Invocation, InvokeOutcome } from './model.js';
import { EnvironmentPool } from './pool.js';

export interface InvokeServiceDeps {
  images: RuntimeImages;
  reserve: SandboxReserve;
  code: CodeStore;
  events: EventLog;
  env: EnvironmentOptions;
  forceCold: () => boolean;
  /** The variables a new env of this version gets on top of its own (the execution role's credentials); default env.platformEnv. */
  platformEnv?: (fv: FunctionVersion) => Promise<Record<string, string>>;
}

/** Whether a version's envs sit on the workbench's network (bridge) or have only lo. */
export const networkShape = (fv: FunctionVersion): 'none' | 'bridge' =>
  fv.network && (fv.network.internet || fv.network.hostPorts.length > 0) ? 'bridge' : 'none';

export class InvokeService {
  /** Pools by what they run (FunctionVersion.runKey); a function version has one current key. */
  private readonly pools = new Map<string, { fv: FunctionVersion; pool: EnvironmentPool }>();
  /** `name:version` → current run key, to retire envs when code or config change. */
  private readonly current = new Map<string, string>();
  /** Pools whose code or configuration was replaced, until their last busy env is done. */
  private readonly retiring = new Set<{ fv: FunctionVersion; pool: EnvironmentPool }>();

  constructor(private readonly deps: InvokeServiceDeps) {}

  invoke(fv: FunctionVersion, inv: Invocation): Promise<InvokeOutcome> {
    let entry = this.pools.get(fv.runKey);
    if (!entry) entry = this.openPool(fv);
    return entry.pool.invoke(inv);
  }

  private openPool(fv: FunctionVersion): { fv: FunctionVersion; pool: EnvironmentPool } {
    const key = `${fv.functionName}:${fv.version}`;
    const previous = this.current.get(key);
    let firstCause: EnvCause = 'first-invoke';
    if (previous && previous !== fv.runKey) {
      firstCause = 'after-code-change';
      this.retirePool(previous, 'after-code-change');
    }
    const gate = this.deps.reserve.gate;
    const pool = new EnvironmentPool(
      (cause, onAvailable, initType, wanted) => this.createEnv(fv, cause, onAvailable, initType, wanted),
      // Past capacity: more creations queued than the machine gets through in about two seconds.
      { forceCold: this.deps.forceCold, pastCapacity: () => gate.waiting >= gate.capacity * 5 },
      firstCause,
    );
    const entry = { fv, pool };
    pool.onQueued = (inv, waitedMs) =>
      this.deps.events.record({ kind: 'queued', at: Date.now(), functionName: fv.functionName, requestId: inv.requestId, waitedMs, reason: 'machine capacity' });
    this.pools.set(fv.runKey, entry);
    this.current.set(key, fv.runKey);
    return entry;
  }

  /** The shape a version's sandboxes have (ready sandboxes are kept per shape). */
  async shapeOf(fv: FunctionVersion): Promise<SandboxShape> {
    return (await this.shapeNoting(fv)).shape;
  }

  /** The shape, and what was built while this call waited for the runtime image. */
  private async shapeNoting(fv: FunctionVersion): Promise<{ shape: SandboxShape; built?: string }> {
    const { image, built } = await this.deps.images.ensureNoting(fv.runtime);
    return { shape: { runtimeId: fv.runtime.id, image, memoryMb: fv.memorySize, ephemeralMb: fv.ephemeralStorage, network: networkShape(fv) }, built };
  }

  /** Builds the image and readies a sandbox for a version ahead of its first invoke. */
  async prepare(fv: FunctionVersion): Promise<void> {
    this.deps.reserve.prepare(await this.shapeOf(fv));
  }

  /** Keeps `count` pre-initialised envs for a version (provisioned concurrency). */
  provision(fv: FunctionVersion, count: number): Promise<void> {
    const entry = this.pools.get(fv.runKey) ?? this.openPool(fv);
    return entry.pool.provision(count);
  }

  provisionedReady(fv: FunctionVersion): number {
    return this.pools.get(fv.runKey)?.pool.provisionedReady() ?? 0;
  }

  private async createEnv(
    fv: FunctionVersion,
    cause: EnvCause,
    onAvailable: (env: ExecutionEnvironment) => void,
    initType: 'on-demand' | 'provisioned-concurrency' = 'on-demand',
    wanted?: () => boolean,
  ): Promise<ExecutionEnvironment | null> {
    const creationStartNs = process.hrtime.bigint();
    // Credentials first: a profile that cannot be resolved fails the invocation before a sandbox is spent.
    const platformEnv = this.deps.platformEnv ? await this.deps.platformEnv(fv) : this.deps.env.platformEnv;
    const { shape, built } = await this.shapeNoting(fv);
    const taken = await this.deps.reserve.take(shape, wanted);
    if (!taken) return null;
    const { sandbox } = taken;
    try {
      // What the env may reach is in place before any of its code runs.
      if (fv.network) await sandbox.applyNetwork(fv.network);
      if (sandbox.isolatedMounts) {
        // Mounted, not linked: the env's mountinfo then names no host path (run-fs.ts).
        await Promise.all([this.deps.code.mountInto([fv.codeKey], sandbox.taskDir), this.deps.code.mountInto(fv.layerKeys, sandbox.optDir)]);
      } else {
        this.deps.code.place(fv.codeKey, sandbox.taskDir);
        // Layers go to /opt in order; a later one overwrites an earlier one's files.
        for (const key of fv.layerKeys) this.deps.code.place(key, sandbox.optDir);
      }
    } catch (err) {
      await sandbox.destroy();
      throw err;
    }
    const env = new ExecutionEnvironment(sandbox, fv, this.deps.events, { ...this.deps.env, platformEnv }, cause, onAvailable, initType);
    // What the invocation that waited for this env spent on it (its telemetry's acquire span).
    env.creation = { startNs: creationStartNs, readyNs: process.hrtime.bigint() };
    // The invocation that waited for a build says so in its log (and its Tail).
    if (built) env.preface(`[workbench] ${built}\n`);
    return env;
  }

  /** The pool an env is in (current or retiring), with the env. */
  private poolOf(envId: string): { pool: EnvironmentPool; env: ExecutionEnvironment } | undefined {
    for (const { pool } of [...this.pools.values(), ...this.retiring]) {
      const env = pool.environments().find((e) => e.id === envId);
      if (env) return { pool, env };
    }
    return undefined;
  }

  /** Kills one env (the window's "kill"): false when no live env has that id. */
  kill(envId: string): boolean {
    const found = this.poolOf(envId);
    if (!found || found.env.state === 'gone' || found.env.state === 'shuttingDown') return false;
    found.pool.kill(found.env);
    return true;
  }

  /** Kills every env of a function; returns how many. */
  killAll(functionName: string): number {
    let n = 0;
    for (const { fv, pool } of [...this.pools.values(), ...this.retiring]) if (fv.functionName === functionName) n += pool.killAll();
    return n;
  }

  /** Starts `count` envs of a version that run INIT now (the window's "pre-warm"). */
  prewarm(fv: FunctionVersion, count: number): Promise<number> {
    const entry = this.pools.get(fv.runKey) ?? this.openPool(fv);
    return entry.pool.prewarm(count);
  }

  environments(functionName?: string): ExecutionEnvironment[] {
    const out: ExecutionEnvironment[] = [];
    for (const { fv, pool } of [...this.pools.values(), ...this.retiring]) if (!functionName || fv.functionName === functionName) out.push(...pool.environments());
    return out;
  }

  /** Shuts down every env of a function, or of one of its versions (deleted). */
  async retire(functionName: string, cause: EnvCause, version?: string): Promise<void> {
    const matches = (fv: FunctionVersion) => fv.functionName === functionName && (version === undefined || fv.version === version);
    const revisions = [...this.pools.entries()].filter(([, e]) => matches(e.fv)).map(([r]) => r);
    for (const k of [...this.current.keys()]) if (k === `${functionName}:${version}` || (version === undefined && k.startsWith(`${functionName}:`))) this.current.delete(k);
    const draining = [...this.retiring].filter((e) => matches(e.fv));
    for (const e of draining) this.retiring.delete(e);
    await Promise.all([...revisions.map((r) => this.closePool(r, cause)), ...draining.map((e) => e.pool.close(cause))]);
  }

  /** New invocations go to a new pool; this one's envs finish what they run, then go. */
  private retirePool(key: string, cause: EnvCause): void {
    const entry = this.pools.get(key);
    if (!entry) return;
    this.pools.delete(key);
    this.retiring.add(entry);
    entry.pool.onEmpty = () => this.retiring.delete(entry);
    entry.pool.retire(cause);
  }

  private async closePool(key: string, cause: EnvCause): Promise<void> {
    const entry = this.pools.get(key);
    if (!entry) return;
    this.pools.delete(key);
    await entry.pool.close(cause);
  }

  async close(): Promise<void> {
    const draining = [...this.retiring];
    this.retiring.clear();
    await Promise.all([...[...this.pools.keys()].map((r) => this.closePool(r, 'shutdown')), ...draining.map((e) => e.pool.close('shutdown'))]);
  }
}

