// The engine: control plane, data plane and telemetry wired together for one
// data directory. Plain Node (never imports electron): the Electron shell, the
// headless server and the tests all drive this same object.
import { randomBytes, randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { CodeStore } from './control/code-store.js';
import { FunctionRegistry, parseFunctionName, type CreateFunctionInput, type FunctionRecord, type WorkbenchMeta } from './control/functions.js';
import { ConcurrencyGate } from './data/concurrency.js';
import { Permissions } from './control/permissions.js';
import { ProvisionedConcurrency } from './data/provisioned.js';
import { EventInvokeConfigs } from './control/event-invoke-config.js';
import { AsyncQueue } from './data/async-queue.js';
import { CpuAwareLimit } from './data/delivery-limit.js';
import { AuditTrail } from './telemetry/audit.js';
import { LayerRegistry } from './control/layers.js';
import { LinkedFolders } from './control/linked-folders.js';
import { FunctionUrls } from './control/function-urls.js';
import { SavedEvents } from './control/saved-events.js';
import { ConfigHistory } from './telemetry/config-history.js';
import { InvokeService } from './data/invoke-service.js';
import { newTraceId, type InvokeOutcome } from './data/model.js';
import { LambdaError } from './errors.js';
import { RuntimeImages, type Progress } from './images/runtime-images.js';
import { openRunDir, reapOrphans } from './sandbox/docker-sandbox.js';
import { runFsUnavailable, unmountUnder } from './sandbox/run-fs.js';
import { SandboxReserve } from './sandbox/reserve.js';
import { scratchDisksUnavailable } from './sandbox/scratch-disk.js';
import { metaGet, metaSet, openDatabase, type Db } from './store/database.js';
import { DataDirLock } from './store/data-dir-lock.js';
import { EventLog } from './telemetry/events.js';
import { EnvNetwork } from './sandbox/network.js';
import type { SandboxContext } from './sandbox/docker-sandbox.js';
import { DUMMY_CREDENTIALS, ExecutionRoleCredentials } from './data/credentials.js';
import { DEFAULT_SETTINGS, type EndpointsInput, type NetworkMode, type WorkbenchDefaults } from './control/workbench-settings.js';
import { LogArchive } from './telemetry/logs.js';
import { TelemetryBus } from './telemetry/bus.js';
import { TelemetryRecorder } from './telemetry/recorder.js';
import { TelemetryStore, type RetentionOptions } from './telemetry/store.js';
import { detectHostPython } from './runtimes.js';
import type { InvocationSource } from '../contract/telemetry.js';

export interface EngineOptions {
  dataDir: string;
  region?: string;
  accountId?: string;
  /** A dockerode client; by default the local socket or DOCKER_HOST. */
  docker?: Docker;
  /** Idle time before an env is frozen (ms). */
  freezeAfterMs?: number;
  /** Idle time before an env is reclaimed (ms); Lambda keeps envs for minutes. */
  keepAliveMs?: number;
  /** Every invoke starts a new env. */
  forceCold?: boolean;
  /** Started, unassigned sandboxes kept ready per shape (0 turns the reserve off). */
  readySandboxes?: number;
  /** The account's concurrency limit (AWS's default is 1,000). */
  accountConcurrency?: number;
  /** Delay before the first retry of a failed async invocation (AWS: about a minute; the second waits twice as long). */
  asyncRetryBaseMs?: number;
  /** Most async deliveries in flight; fewer while the machine's cores are saturated (see data/delivery-limit.ts). Default 10. */
  asyncConcurrency?: number;
  /** How functions reach the world unless they say otherwise (control/workbench-settings.ts). */
  outbound?: OutboundOptions;
  /** How long and how much telemetry (invocations, log lines, envs) is kept: default 7 days, 512 MB. */
  telemetryRetention?: Partial<RetentionOptions>;
  /** false: envs record no telemetry (the bench measures what recording costs the warm path). Default true. */
  recordTelemetry?: boolean;
  progress?: Progress;
}

/** The workbench's defaults for what envs reach (serve --network, --host-ports, --credentials, --endpoint-url, --dns). */
export interface OutboundOptions {
  /** internet (default, as on Lambda) or none. */
  network?: NetworkMode;
  /** Host TCP ports every function may reach at host.lambda.internal unless it has its own list. */
  hostPorts?: number[];
  /** dummy (default), none or profile:<name>. */
  credentials?: string;
  /** AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> for functions without their own. */
  endpoints?: EndpointsInput;
  /** DNS servers envs use; default the host's. */
  dns?: string[];
}

export interface InvokeRequest {
  functionName: string;
  qualifier?: string;
  payload: Buffer;
  tail?: boolean;
  /** base64 X-Amz-Client-Context as the caller sent it. */
  clientContextBase64?: string;
  /** The request id to use (async deliveries keep the id their 202 returned). */
  requestId?: string;
  /** Aborted when the caller has gone (see Invocation.signal). */
  signal?: AbortSignal;
  /** Where it came from, for telemetry (sync when absent). */
  source?: InvocationSource;
}

export interface EnvironmentView {
  id: string;
  functionName: string;
  version: string;
  state: string;
  logStream: string;
  sandboxId: string;
  containerId?: string;
  /** What the env reaches: none (only lo), internet, or host-ports only; with its allowlisted host ports. */
  network: { mode: 'none' | 'internet' | 'host-ports'; hostPorts: number[] };
}

const MAX_CLIENT_CONTEXT = 3583;
const hex = (n: number) => randomBytes(n).toString('hex');

export class Engine {
  readonly events = new EventLog();
  /** Every env's log stream, kept after the env is gone. */
  readonly logs = new LogArchive();
  readonly functions: FunctionRegistry;
  readonly invoker: InvokeService;
  readonly workbenchId: string;
  readonly code: CodeStore;
  private readonly reserve: SandboxReserve;
  readonly concurrency: ConcurrencyGate;
  readonly permissions: Permissions;
  readonly provisioned: ProvisionedConcurrency;
  readonly eventConfigs: EventInvokeConfigs;
  readonly audit: AuditTrail;
  readonly layers: LayerRegistry;
  readonly linked: LinkedFolders;
  readonly urls: FunctionUrls;
  readonly savedEvents: SavedEvents;
  /** The runtime images, built on first need; the window shows their state. */
  readonly images: RuntimeImages;
  /** Where the server serves this engine (for download URLs); set by the server once it listens. */
  baseUrl = '';
  /** Where function URLs are served (a listener apart from the API's origin); set by the server once it listens. */
  functionUrlBase = '';
  /** A stored zip's download URL (Code.Location, Content.Location); the server replaces it with a presigned one. */
  codeUrl: (codeKey: string) => string = (key) => `${this.baseUrl}/_workbench/code/${key}.zip`;
  readonly history: ConfigHistory;
  readonly queue: AsyncQueue;
  private readonly runDir: string;
  private readonly diskDir: string;
  /** Removal failures are said with the container's id, never swallowed. */
  private readonly logRemoveError = (id: string, err: unknown) => this.options.progress(`[sandbox] could not remove container ${id}: ${(err as Error).message}`);
  /** The network envs reach the world through (created on first use); undefined until open() found out. */
  private network: EnvNetwork | undefined;
  private readonly sandboxContext: SandboxContext;
  /** Network, credentials and endpoint defaults; networkUnavailable is filled in by open(). */
  private readonly outbound: WorkbenchDefaults;
  /** The execution role's credentials for envs (data/credentials.ts). */
  readonly roleCredentials = new ExecutionRoleCredentials();
  /** Held from open() to close(): one workbench per data directory. */
  private lock: DataDirLock | undefined;
  private closed = false;
  /** Telemetry: the history that survives restarts, the sequenced bus, and what turns env activity into both. */
  readonly telemetryStore: TelemetryStore;
  readonly bus: TelemetryBus;
  readonly telemetry: TelemetryRecorder;
  private readonly offTelemetry: (() => void)[] = [];

  private constructor(
    readonly options: Required<Omit<EngineOptions, 'docker' | 'progress'>> & { progress: Progress },
    readonly docker: Docker,
    private readonly db: Db,
  ) {
    const dataDir = options.dataDir;
    this.workbenchId = metaGet(db, 'workbench_id') ?? (() => {
      const id = hex(8);
      metaSet(db, 'workbench_id', id);
      return id;
    })();
    const out = options.outbound;
    this.outbound = {
      network: out.network ?? DEFAULT_SETTINGS.network,
      hostPorts: out.hostPorts ?? [],
      credentials: out.credentials ?? DEFAULT_SETTINGS.credentials,
      endpoints: out.endpoints ?? {},
      networkUnavailable: 'the workbench has not looked yet',
    };
    const code = (this.code = new CodeStore(join(dataDir, 'code')));
    this.telemetryStore = TelemetryStore.open(dataDir, { retention: options.telemetryRetention });
    this.bus = new TelemetryBus(this.telemetryStore.maxSeq());
    this.telemetry = new TelemetryRecorder(this.bus, this.telemetryStore, {
      firstLineId: this.telemetryStore.maxLogId() + 1,
      architectureOf: (fn) => (this.functions.get(fn, false)?.config.Architectures?.[0] === 'arm64' ? 'arm64' : 'x86_64'),
    });
    this.audit = new AuditTrail(db);
    this.history = new ConfigHistory(db);
    this.layers = new LayerRegistry(db, code, options.region, options.accountId, (key) => this.codeUrl(key));
    this.functions = new FunctionRegistry(db, code, options.region, options.accountId, this.layers, (fn, change, config) => this.history.record(fn, change, config), () => this.outbound);
    this.permissions = new Permissions(this.functions);
    this.concurrency = new ConcurrencyGate({ account: options.accountConcurrency }, () => this.functions.totalReserved());
    // Owner-only, short enough for socket paths, never a guessable name in the temp dir.
    const run = openRunDir(dataDir);
    this.runDir = run.dir;
    this.diskDir = run.diskDir;
    if (!run.isolated) options.progress(`[sandbox] envs see the host path of their code folders in /proc/self/mountinfo: ${runFsUnavailable() ?? 'the run folder could not be mounted'}`);
    const images = (this.images = new RuntimeImages(docker, join(dataDir, 'cache'), options.progress));
    const noDisks = scratchDisksUnavailable();
    if (noDisks) options.progress(`[sandbox] /tmp is a tmpfs charged to each env's memory, unlike Lambda's disk: ${noDisks}`);
    this.reserve = new SandboxReserve(
      (this.sandboxContext = {
        docker,
        workbenchId: this.workbenchId,
        runDir: this.runDir,
        isolatedMounts: run.isolated,
        diskDir: run.diskDir,
        scratchDisks: noDisks === undefined,
        onScratchDiskError: (err) => options.progress(`[sandbox] /tmp falls back to a tmpfs (charged to memory): ${(err as Error).message}`),
        onIntruder: (message) => options.progress(`[sandbox] ${message}`),
        onRemoveError: (id, err) => options.progress(`[sandbox] could not remove container ${id}: ${(err as Error).message}`),
      }),
      // A shape unused for as long as an idle env is kept loses its ready sandboxes too.
      { perShape: options.readySandboxes, idleMs: options.keepAliveMs },
      (err) => options.progress(`[sandbox] could not prepare a ready sandbox: ${(err as Error).message}`),
    );
    this.invoker = new InvokeService({
      images,
      reserve: this.reserve,
      code,
      events: this.events,
      env: {
        freezeAfterMs: options.freezeAfterMs,
        keepAliveMs: options.keepAliveMs,
        logs: this.logs,
        platformEnv: DUMMY_CREDENTIALS,
        ...(options.recordTelemetry ? { telemetry: this.telemetry } : {}),
      },
      platformEnv: (fv) => this.roleCredentials.envFor(fv.credentials),
      forceCold: () => this.options.forceCold,
    });
    // Control-plane changes and image builds travel on the bus with everything else.
    this.offTelemetry.push(
      this.functions.onChanged((name, change) => this.bus.publish({ type: 'control', change, name })),
      images.onStateChange((st) => this.bus.publish({ type: 'image', runtime: st.runtime, state: st.state, ...(st.progress ? { progress: st.progress } : {}) })),
    );
    this.provisioned = new ProvisionedConcurrency(this.functions, this.invoker, options.progress);
    this.eventConfigs = new EventInvokeConfigs(this.functions);
    this.linked = new LinkedFolders(this.functions, options.progress);
    this.urls = new FunctionUrls(this.functions, options.region, () => this.functionUrlBase);
    this.savedEvents = new SavedEvents(db);
    this.queue = new AsyncQueue(db, {
      invoke: async (functionName, qualifier, payload, requestId) => {
        const out = await this.invoke({ functionName, qualifier, payload, requestId, source: 'event' });
        return { statusCode: 200, functionError: out.functionError, payload: out.payload, executedVersion: out.executedVersion };
      },
      config: (fn, qualifier) => this.eventConfigs.effective(fn, qualifier),
      functionArn: (fn, qualifier) => this.functions.arn(fn, qualifier),
      retryBaseDelayMs: options.asyncRetryBaseMs,
      logger: { warn: (m) => options.progress(`[async] ${m}`) },
    }, { limit: new CpuAwareLimit({ max: options.asyncConcurrency }) });
  }

  static async open(opts: EngineOptions): Promise<Engine> {
    const lock = DataDirLock.acquire(opts.dataDir);
    try {
      const engine = await Engine.openLocked(opts);
      engine.lock = lock;
      return engine;
    } catch (err) {
      lock.release();
      throw err;
    }
  }

  private static async openLocked(opts: EngineOptions): Promise<Engine> {
    const docker = opts.docker ?? new Docker();
    try {
      await docker.ping();
    } catch (err) {
      throw new Error(
        `Docker does not answer (${(err as Error).message}). Start the Docker engine (e.g. \`dockerd\`) or set DOCKER_HOST.`,
      );
    }
    const db = openDatabase(opts.dataDir);
    const engine = new Engine(
      {
        dataDir: opts.dataDir,
        region: opts.region ?? 'us-east-1',
        accountId: opts.accountId ?? '123456789012',
        freezeAfterMs: opts.freezeAfterMs ?? 100,
        keepAliveMs: opts.keepAliveMs ?? 5 * 60_000,
        forceCold: opts.forceCold ?? false,
        readySandboxes: opts.readySandboxes ?? 1,
        accountConcurrency: opts.accountConcurrency ?? 1000,
        asyncRetryBaseMs: opts.asyncRetryBaseMs ?? 60_000,
        asyncConcurrency: opts.asyncConcurrency ?? 10,
        outbound: opts.outbound ?? {},
        telemetryRetention: opts.telemetryRetention ?? {},
        recordTelemetry: opts.recordTelemetry ?? true,
        progress: opts.progress ?? (() => {}),
      },
      docker,
      db,
    );
    const reaped = await reapOrphans(docker, engine.workbenchId, engine.logRemoveError);
    if (reaped > 0) engine.options.progress(`[sandbox] removed ${reaped} container(s) left by a workbench that died`);
    await engine.openNetwork();
    // Which Python the host has is found once with a blocking spawn (40–70 ms on a busy machine): at
    // start, not in the first status snapshot, which may come in the middle of a burst of invokes.
    detectHostPython();
    engine.provisioned.restore();
    engine.linked.restore();
    // Events leased by a workbench that died are due again at once: nothing else uses this database.
    engine.queue.reclaimLeases();
    engine.queue.start();
    return engine;
  }

  /** Reclaims what a dead workbench left of its network and finds out whether envs can have one here. */
  private async openNetwork(): Promise<void> {
    const progress = this.options.progress;
    try {
      this.network = await EnvNetwork.open(this.docker, this.workbenchId, { dns: this.options.outbound.dns, progress, etcDir: this.runDir });
      this.outbound.networkUnavailable = this.network.unavailable;
      this.sandboxContext.network = this.network;
    } catch (err) {
      this.outbound.networkUnavailable = `the workbench could not set up its network: ${(err as Error).message}`;
    }
    const why = this.outbound.networkUnavailable;
    if (why) progress(`[network] functions get no network (only lo), whatever their WorkbenchNetwork says: ${why}`);
  }

  setForceCold(on: boolean): void {
    this.options.forceCold = on;
    for (const l of this.settingsListeners) l();
  }

  private readonly settingsListeners = new Set<() => void>();
  /** Told when a workbench-wide setting changed (force cold): the status view shows it. */
  onSettingsChanged(listener: () => void): () => void {
    this.settingsListeners.add(listener);
    return () => this.settingsListeners.delete(listener);
  }

  /** CreateFunction; `workbench`: what the window records of a function it made (its template). */
  async createFunction(input: CreateFunctionInput, workbench?: WorkbenchMeta): Promise<FunctionRecord> {
    const record = await this.functions.create(input, workbench);
    // Build the image and ready a sandbox now, so the first invoke is a fast cold start.
    this.invoker.prepare(this.functions.versionOf(record)).catch((err) => this.options.progress(`[image] ${(err as Error).message}`));
    return record;
  }

  async deleteFunction(name: string, qualifier?: string): Promise<void> {
    if (qualifier === undefined && !parseFunctionName(name).qualifier) {
      const fn = this.functions.get(parseFunctionName(name).name, false);
      if (fn?.linkedFolder) this.linked.unlink(fn.config.FunctionName);
    }
    const { record, version } = this.functions.delete(name, qualifier);
    // AWS drops a deleted function's queued events.
    if (version === undefined) this.queue.purge(record.config.FunctionName);
    await this.invoker.retire(record.config.FunctionName, 'shutdown', version);
  }

  async invoke(req: InvokeRequest): Promise<InvokeOutcome> {
    const receivedNs = process.hrtime.bigint();
    if (this.closed) throw new LambdaError('ServiceException', 'The workbench is shutting down.');
    const { record, version, invokedArn } = this.functions.resolve(req.functionName, req.qualifier);
    let clientContext: string | undefined;
    if (req.clientContextBase64 !== undefined) {
      if (req.clientContextBase64.length > MAX_CLIENT_CONTEXT) {
        throw new LambdaError('InvalidParameterValueException', `Client context must be at most ${MAX_CLIENT_CONTEXT} bytes (base64).`);
      }
      clientContext = Buffer.from(req.clientContextBase64, 'base64').toString('utf8');
      try {
        JSON.parse(clientContext);
      } catch {
        throw new LambdaError('InvalidRequestContentException', 'Client context must be base64 of a JSON object.');
      }
    }
    const requestId = req.requestId ?? randomUUID();
    let release: () => void;
    try {
      release = this.concurrency.enter(record.config.FunctionName, record.reservedConcurrency);
    } catch (err) {
      // A throttle is an invocation too: metrics count it, the history shows it.
      if (err instanceof LambdaError && err.code === 'TooManyRequestsException') {
        this.telemetry.throttled({ requestId, functionName: version.functionName, version: version.version, source: req.source ?? 'sync', memorySizeMb: version.memorySize, payloadBytes: req.payload.length });
      }
      throw err;
    }
    try {
      return await this.invoker.invoke(version, {
        requestId,
        source: req.source ?? 'sync',
        receivedNs,
        payload: req.payload,
        invokedArn,
        traceId: newTraceId(version.tracingActive),
        clientContext,
        tail: req.tail ?? false,
        signal: req.signal,
      });
    } finally {
      release();
    }
  }

  /**
   * DryRun: checks the caller could invoke this function and qualifier (both exist), runs
   * nothing; Invoke answers 204. The REST API and the window call the same check.
   */
  checkInvoke(functionName: string, qualifier?: string): void {
    this.functions.resolve(functionName, qualifier);
  }

  /**
   * An Event invocation: the function is resolved now (unknown → 404), the
   * event committed to the durable queue (with the other accepts of this
   * event-loop turn), and its request id returned for the 202.
   */
  invokeAsync(functionName: string, qualifier: string | undefined, payload: Buffer): Promise<string> {
    const { record } = this.functions.resolve(functionName, qualifier);
    const q = qualifier ?? parseFunctionName(functionName).qualifier;
    return this.queue.accept(record.config.FunctionName, q, payload);
  }

  /** PutFunctionConcurrency, with AWS's rule that a minimum of unreserved concurrency stays. */
  setReservedConcurrency(name: string, value: unknown): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw new LambdaError('InvalidParameterValueException', 'ReservedConcurrentExecutions must be a whole number, 0 or more.');
    }
    const fn = this.functions.get(parseFunctionName(name).name, true).config.FunctionName;
    const others = this.functions.totalReserved(fn);
    const minimum = this.concurrency.minimumUnreserved();
    if (this.concurrency.accountLimit - others - value < minimum) {
      throw new LambdaError(
        'InvalidParameterValueException',
        `Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${minimum}].`,
      );
    }
    this.functions.setReservedConcurrency(fn, value);
    return value;
  }

  /** A snapshot of every execution environment, for the UI and for tests. */
  environments(functionName?: string): EnvironmentView[] {
    return this.invoker.environments(functionName).map((e) => ({
      id: e.id,
      functionName: e.fv.functionName,
      version: e.fv.version,
      state: e.state,
      logStream: e.log.name,
      sandboxId: e.sandbox.id,
      containerId: e.sandbox.containerId,
      network: { mode: e.fv.network?.mode ?? 'none', hostPorts: e.fv.network?.hostPorts ?? [] },
    }));
  }

  /** A function's log streams, of live and of ended environments, oldest first. */
  logStreams(functionName: string): { name: string; text: string; ended: boolean }[] {
    return this.logs.list(functionName).map((s) => ({ name: s.name, text: s.text(), ended: s.ended }));
  }

  /** Waits until ready sandboxes are in place (benchmarks and tests measure warm reserves). */
  readyReserve(): Promise<void> {
    return this.reserve.settled();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.linked.close();
    await this.queue.stop();
    await this.invoker.close();
    await this.reserve.close();
    // Every env's last state is recorded by now: persist what telemetry holds, then stop it.
    for (const off of this.offTelemetry) off();
    this.telemetry.close();
    this.bus.close();
    this.telemetryStore.close();
    await reapOrphans(this.docker, this.workbenchId, this.logRemoveError).catch((err: Error) => this.options.progress(`[sandbox] could not list containers to remove: ${err.message}`));
    // With every container gone: the network, its bridge and the workbench's iptables rules.
    await this.network?.close();
    unmountUnder(this.runDir);
    rmSync(this.diskDir, { recursive: true, force: true });
    rmSync(this.runDir, { recursive: true, force: true });
    this.db.close();
    this.lock?.release();
  }
}
