// One execution environment: a sandbox hosting one function version, one
// invocation at a time. Its state is an explicit machine (TRANSITIONS); the
// init's frames drive it. Failures follow Lambda: a timeout, crash or OOM
// resets the runtime (re-init on the next invoke) and keeps /tmp.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { encodeInvoke, encodeKill, encodeShutdown, encodeStart, type CallTimes, type InitMessage } from '../sandbox/channel.js';
import { cpusForMemory, type DockerSandbox } from '../sandbox/docker-sandbox.js';
import { bootstrapArgv } from '../runtimes.js';
import type { EnvCause, EnvState, EventLog } from '../telemetry/events.js';
import { LogStream, PlatformLines, tailBase64, type LogArchive } from '../telemetry/logs.js';
import { RunLog } from '../telemetry/run-log.js';
import type { FunctionVersion, Invocation, InvokeOutcome } from './model.js';
import { runtimeEnvironment } from './runtime-env.js';

const TRANSITIONS: Record<EnvState, readonly EnvState[]> = {
  starting: ['initializing', 'shuttingDown', 'gone'],
  initializing: ['invoking', 'idle', 'shuttingDown', 'gone'],
  // invoking → initializing: the runtime had died between invocations; it is started again for this one.
  invoking: ['idle', 'initializing', 'shuttingDown', 'gone'],
  idle: ['invoking', 'initializing', 'frozen', 'shuttingDown', 'gone'],
  // frozen → idle: the freeze failed; the env stays usable and says so.
  frozen: ['invoking', 'initializing', 'idle', 'shuttingDown', 'gone'],
  shuttingDown: ['gone'],
  gone: [],
};

/** Lambda's INIT phase limit before it retries init inside the invoke. */
const INIT_LIMIT_MS = 10_000;
/** Response size limit the init enforces (Lambda's own figure). */
export const MAX_RESPONSE_BYTES = 6_291_556;

export interface EnvironmentOptions {
  /** Idle time before the env is frozen; short so back-to-back invokes never pay for a thaw. */
  freezeAfterMs: number;
  /** Idle time before the env is reclaimed (shut down). */
  keepAliveMs: number;
  /** Extra variables every env gets (credentials of the workbench). */
  platformEnv: Record<string, string>;
  /** Where the env's log stream is kept, also after the env is gone. */
  logs?: LogArchive;
}

type Phase = 'init' | 'restart' | 'invoke' | 'report' | 'done';

/** One invocation's progress through this env. */
interface Run {
  inv: Invocation;
  phase: Phase;
  coldStart: boolean;
  resolve: (o: InvokeOutcome) => void;
  /** This invocation's log block (written to the stream when complete), bounded in memory. */
  log: RunLog;
  /** Its START line (or platform.start record), so a restart can take it back. */
  startLine?: string;
  initStartNs: bigint;
  initDurationMs?: number;
  /** Report Init Duration (first init of this env only). */
  reportInit: boolean;
  /** Monotonic deadline of the invoke phase, once it started. */
  deadlineNs?: bigint;
  timer?: NodeJS.Timeout;
  outcome?: InvokeOutcome;
  durationMs: number;
  status?: 'timeout' | 'error';
  errorType?: string;
  resolved: boolean;
}

const now = (): bigint => process.hrtime.bigint();
const nsToMs = (ns: bigint): number => Number(ns) / 1e6;

/** The env was lost before an invocation handed to it could start: the pool retries it elsewhere. */
export class EnvLost extends Error {
  constructor(envId: string) {
    super(`env ${envId} was lost before the invocation started`);
  }
}

function platformError(errorType: string, errorMessage: string): Buffer {
  return Buffer.from(JSON.stringify({ errorType, errorMessage }));
}

export class ExecutionEnvironment {
  readonly id = randomBytes(8).toString('hex');
  readonly log: LogStream;
  /** START/END/REPORT and the other platform lines, in the function's log format. */
  private readonly lines: PlatformLines;
  state: EnvState = 'starting';
  /** Set once the first invocation has reported (Init Duration appears only then). */
  private initReported = false;
  private runtimeAlive = false;
  private runtimeStarts = 0;
  private maxMemoryKb = 0;
  private run: Run | null = null;
  /** A run whose response went out and whose REPORT waits for the MEMORY frame. */
  private reporting: Run | null = null;
  private idleSince = 0;
  private idleTimer: NodeJS.Timeout | null = null;
  private freezing: Promise<void> | null = null;
  private pendingCause: EnvCause;
  private readonly memoryMb: number;

  constructor(
    readonly sandbox: DockerSandbox,
    readonly fv: FunctionVersion,
    private readonly events: EventLog,
    private readonly opts: EnvironmentOptions,
    cause: EnvCause,
    /** Called whenever the env can take another invocation, or is gone. */
    private readonly onAvailable: (env: ExecutionEnvironment) => void,
    readonly initializationType: 'on-demand' | 'provisioned-concurrency' = 'on-demand',
  ) {
    this.memoryMb = fv.memorySize;
    this.pendingCause = cause;
    this.log = new LogStream(fv.logGroup, fv.version);
    this.lines = new PlatformLines(fv.logFormat, fv.systemLogLevel);
    opts.logs?.add(fv.functionName, this.log);
    this.events.record({ kind: 'env.state', at: Date.now(), envId: this.id, functionName: fv.functionName, version: fv.version, from: null, to: 'starting', cause });
    sandbox.channel.on('message', (m: InitMessage) => this.onMessage(m));
    sandbox.channel.on('close', () => this.onChannelClosed());
    sandbox.channel.on('protocolError', (err: Error) => this.onProtocolError(err));
  }

  get busy(): boolean {
    return this.run !== null;
  }

  private setState(to: EnvState, cause: EnvCause): void {
    const from = this.state;
    if (from === to) return;
    if (!TRANSITIONS[from].includes(to)) throw new Error(`env ${this.id}: illegal transition ${from} → ${to} (${cause})`);
    this.state = to;
    if (to === 'gone') this.opts.logs?.ended(this.fv.functionName, this.log);
    this.events.record({ kind: 'env.state', at: Date.now(), envId: this.id, functionName: this.fv.functionName, version: this.fv.version, from, to, cause });
  }

  private prefaceLines: string[] = [];

  /** A platform line that opens the next invocation's log (e.g. what was built while it waited). */
  preface(line: string): void {
    this.prefaceLines.push(line);
  }

  /** Runs one invocation; the caller must have taken this env from the pool (it is not busy). */
  async invoke(inv: Invocation): Promise<InvokeOutcome> {
    if (this.run) throw new Error(`env ${this.id} is busy`);
    if (this.state === 'gone' || this.state === 'shuttingDown') throw new Error(`env ${this.id} is ${this.state}`);
    let resolve!: (o: InvokeOutcome) => void;
    const done = new Promise<InvokeOutcome>((r) => (resolve = r));
    const run: Run = { inv, phase: 'init', coldStart: false, resolve, log: new RunLog(), initStartNs: 0n, reportInit: false, durationMs: 0, resolved: false };
    for (const line of this.prefaceLines.splice(0)) run.log.platform(line);
    this.run = run;
    if (this.state === 'frozen') {
      if (this.freezing) await this.freezing;
      await this.sandbox.thaw();
    }
    // A reset in progress (runtime being killed after a failure) finishes first: milliseconds.
    if (this.killing) await this.killing.promise;
    const state = this.state as EnvState; // the awaits above may have seen it shut down
    if (state === 'gone' || state === 'shuttingDown') {
      // The env went away while this invocation waited for it (a reset that never finished, e.g.
      // after a fork bomb): the invocation never ran here, and the pool gives it another env.
      if (this.run === run) this.run = null;
      throw new EnvLost(this.id);
    }
    run.coldStart = !this.runtimeAlive;
    if (this.runtimeAlive) this.dispatch(run, 'invoke');
    else this.startRuntime(run, this.pendingCause);
    return done;
  }

  /**
   * Starts the runtime for an invocation (cold start or re-init after a reset). `retry`: the
   * suppressed init's second attempt, whose timeout fails the invocation (it never retries again).
   */
  private startRuntime(run: Run, cause: EnvCause, retry = false): void {
    this.setState('initializing', cause);
    run.phase = retry ? 'restart' : 'init';
    run.reportInit = !this.initReported;
    if (this.runtimeStarts === 0) run.log.platform(this.initStartLine());
    run.initStartNs = this.sendStart();
    const limit = run.deadlineNs !== undefined ? Math.max(1, nsToMs(run.deadlineNs - now())) : INIT_LIMIT_MS;
    run.timer = setTimeout(() => this.onInitTimeout(run), limit);
  }

  /** Starts the runtime process; returns when (monotonic ns) the INIT phase began. */
  private sendStart(): bigint {
    this.runtimeStarts++;
    // Lambda gives the INIT phase more CPU than small functions get while invoking.
    this.sandbox.setCpus(Math.max(1, cpusForMemory(this.memoryMb)));
    this.processAlive = true;
    const id = { logGroup: this.log.group, logStream: this.log.name, initializationType: this.initializationType };
    const startedNs = now();
    // A custom runtime's bootstrap may come from a layer (/opt) instead of the function's code.
    const bootstrapInOpt = this.fv.runtime.family === 'provided' && !existsSync(join(this.sandbox.taskDir, 'bootstrap'));
    const argv = bootstrapArgv(this.fv.runtime, bootstrapInOpt);
    this.sandbox.channel.send(encodeStart({ cwd: '/var/task', argv, env: runtimeEnvironment(this.fv, id, this.opts.platformEnv) }));
    return startedNs;
  }

  /**
   * Provisioned concurrency: runs INIT now, without an invocation, so the env's
   * first invoke is warm (no Init Duration in its REPORT).
   */
  provision(): Promise<void> {
    if (this.state !== 'starting') return Promise.reject(new Error(`env ${this.id} is ${this.state}, not new`));
    this.setState('initializing', 'provisioned');
    this.log.append(this.initStartLine());
    return new Promise((resolve, reject) => {
      const startedNs = this.sendStart();
      const timer = setTimeout(() => finish(new Error('provisioned init took more than 10 s')), INIT_LIMIT_MS);
      const finish = (err?: Error, ts?: bigint) => {
        clearTimeout(timer);
        this.provisioning = null;
        if (err) {
          this.recordInit(nsToMs(now() - startedNs), 'error');
          void this.shutdown('init-error');
          return reject(err);
        }
        this.runtimeAlive = true;
        this.initReported = true;
        this.sandbox.setCpus(cpusForMemory(this.memoryMb));
        const initMs = nsToMs(ts! - startedNs);
        this.recordInit(initMs, 'success');
        this.log.append(this.lines.initDone(this.initializationType, initMs));
        this.becomeAvailable();
        resolve();
      };
      this.provisioning = finish;
    });
  }

  private provisioning: ((err?: Error, ts?: bigint) => void) | null = null;

  private dispatch(run: Run, cause: EnvCause): void {
    const inv = run.inv;
    this.setState('invoking', cause);
    run.phase = 'invoke';
    const remainingMs = run.deadlineNs !== undefined ? Math.max(1, nsToMs(run.deadlineNs - now())) : this.fv.timeout * 1000;
    if (run.deadlineNs === undefined) run.deadlineNs = now() + BigInt(Math.round(remainingMs * 1e6));
    let headers =
      `Lambda-Runtime-Aws-Request-Id: ${inv.requestId}\r\n` +
      `Lambda-Runtime-Deadline-Ms: ${Date.now() + Math.round(remainingMs)}\r\n` +
      `Lambda-Runtime-Invoked-Function-Arn: ${inv.invokedArn}\r\n` +
      `Lambda-Runtime-Trace-Id: ${inv.traceId}\r\n` +
      'Content-Type: application/json\r\n';
    if (inv.clientContext) headers += `Lambda-Runtime-Client-Context: ${inv.clientContext}\r\n`;
    if (inv.cognitoIdentity) headers += `Lambda-Runtime-Cognito-Identity: ${inv.cognitoIdentity}\r\n`;
    this.logStart(run);
    run.timer = setTimeout(() => this.onInvokeTimeout(run), remainingMs);
    this.sandbox.channel.send(encodeInvoke(inv.requestId, headers, inv.payload));
  }

  private onMessage(m: InitMessage): void {
    const run = this.run;
    switch (m.type) {
      case 'log': {
        const text = m.data.toString('utf8');
        const target = run ?? this.reporting;
        if (target) target.log.output(text);
        else this.log.append(text);
        return;
      }
      case 'initDone': {
        if (this.provisioning) return this.provisioning(undefined, m.ts);
        if (!run || (run.phase !== 'init' && run.phase !== 'restart')) return;
        clearTimeout(run.timer);
        this.runtimeAlive = true;
        this.sandbox.setCpus(cpusForMemory(this.memoryMb));
        const initMs = nsToMs(m.ts - run.initStartNs);
        if (run.phase === 'init') run.initDurationMs = initMs;
        this.recordInit(initMs, 'success');
        run.log.platform(this.lines.initDone(this.initializationType, initMs));
        this.dispatch(run, 'invoke');
        return;
      }
      case 'initError':
        if (this.provisioning) return this.provisioning(new Error(`provisioned init failed: ${m.errorType} ${m.body.toString('utf8').slice(0, 500)}`));
        if (!run || (run.phase !== 'init' && run.phase !== 'restart')) return;
        return this.onInitError(run, m.ts, m.errorType, m.body);
      case 'response':
      case 'error':
      case 'tooLarge':
        if (!run || run.phase !== 'invoke' || m.requestId !== run.inv.requestId) return;
        return this.onResult(run, m);
      case 'memory':
        this.maxMemoryKb = Math.max(this.maxMemoryKb, m.maxKb);
        if (this.reporting && this.reporting.inv.requestId === m.requestId) this.finishReport(this.reporting);
        return;
      case 'exit':
        return this.onRuntimeExit(m.code, m.signal, m.oomKilled, m.killed, m.inflight);
      case 'fatal':
        this.log.append(`[workbench] the init failed: ${m.message}\n`);
        return;
      case 'hello':
        return;
    }
  }

  private onResult(run: Run, m: Extract<InitMessage, { type: 'response' | 'error' | 'tooLarge' }>): void {
    clearTimeout(run.timer);
    run.durationMs = durationOf(m.times);
    if (m.type === 'response') this.settle(run, m.body);
    else if (m.type === 'error') this.settle(run, m.body, m.errorType || 'Unhandled');
    else {
      const type = 'Function.ResponseSizeTooLarge';
      this.settle(run, platformError(type, `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`), type);
    }
    // The response goes out now; END and REPORT follow when the MEMORY frame arrives.
    run.phase = 'report';
    this.reporting = run;
    this.run = null;
    if (!run.inv.tail) this.resolveRun(run);
    this.becomeAvailable();
  }

  /** Fixes what the caller gets back; an error type marks a function error (`Unhandled`). */
  private settle(run: Run, payload: Buffer, errorType?: string, status: 'error' | 'timeout' = 'error'): void {
    run.outcome = { requestId: run.inv.requestId, payload, executedVersion: this.fv.version, coldStart: run.coldStart, envId: this.id };
    if (errorType !== undefined) {
      run.status = status;
      run.errorType = errorType;
      run.outcome.functionError = 'Unhandled';
      run.outcome.errorType = errorType;
    }
  }

  private logStart(run: Run): void {
    run.startLine = this.lines.start(run.inv.requestId, this.fv.version);
    run.log.platform(run.startLine);
  }

  private initStartLine(): string {
    const fv = this.fv;
    return this.lines.initStart({
      initializationType: this.initializationType,
      runtimeId: fv.runtime.id,
      runtimeVersionArn: `arn:aws:lambda:${fv.region}::runtime:workbench-${fv.runtime.id}`,
      functionName: fv.functionName,
      version: fv.version,
    });
  }

  private finishReport(run: Run): void {
    this.reporting = null;
    this.onReported?.();
    this.writeEndAndReport(run);
    this.resolveRun(run);
  }

  private writeEndAndReport(run: Run): void {
    const id = run.inv.requestId;
    run.log.platform(this.lines.end(id, run.status ?? 'success', run.durationMs));
    const reportInit = run.reportInit && run.initDurationMs !== undefined;
    run.log.platform(
      this.lines.report({
        requestId: id,
        durationMs: run.durationMs,
        billedMs: Math.max(1, Math.ceil(run.durationMs)),
        memorySizeMb: this.memoryMb,
        maxMemoryUsedMb: Math.min(this.memoryMb, Math.ceil(this.maxMemoryKb / 1024)),
        initDurationMs: reportInit ? run.initDurationMs : undefined,
        status: run.status,
        errorType: run.status === 'error' ? run.errorType : undefined,
      }),
    );
    if (run.reportInit) this.initReported = true;
    this.events.record({
      kind: 'phase',
      at: Date.now(),
      envId: this.id,
      functionName: this.fv.functionName,
      phase: 'invoke',
      requestId: id,
      durationMs: run.durationMs,
      status: run.status === 'timeout' ? 'timeout' : run.status === 'error' ? 'error' : 'success',
      errorType: run.errorType,
    });
    run.phase = 'done';
    this.log.append(run.log.text());
  }

  private resolveRun(run: Run): void {
    if (run.resolved || !run.outcome) return;
    run.resolved = true;
    if (run.inv.tail) run.outcome.logResult = tailBase64(run.log.text());
    run.resolve(run.outcome);
  }

  /** Ends a run that failed without a normal response: the platform answers for the function. */
  private failRun(run: Run, errorType: string, errorMessage: string, status: 'timeout' | 'error', logLines: string): void {
    clearTimeout(run.timer);
    if (run.phase === 'init' || run.phase === 'restart') this.logStart(run);
    run.log.platform(logLines);
    this.settle(run, platformError(errorType, errorMessage), errorType, status);
    this.run = null;
    this.writeEndAndReport(run);
    this.resolveRun(run);
  }

  private onInitError(run: Run, ts: bigint, errorType: string, body: Buffer): void {
    clearTimeout(run.timer);
    const type = errorType || 'Runtime.Unknown';
    const initMs = nsToMs(ts - run.initStartNs);
    this.recordInit(initMs, 'error', type);
    run.log.platform(this.lines.initFailed(this.initializationType, initMs, 'error', type));
    this.logStart(run);
    run.durationMs = initMs;
    this.settle(run, body.length ? body : platformError(type, 'The runtime failed to initialize.'), type);
    this.run = null;
    this.writeEndAndReport(run);
    this.resolveRun(run);
    // The runtime normally exits after reporting; make sure it does. The env is free again at once.
    this.pendingCause = 'init-error';
    this.killRuntime();
    this.becomeAvailable();
  }

  /** The runtime process exists: started and its EXIT not yet seen. */
  private processAlive = false;
  /** A KILL is on its way; invocations wait for its EXIT before starting a runtime. */
  private killing: { promise: Promise<void>; resolve: () => void; timer: NodeJS.Timeout } | null = null;

  /** Resets the runtime (Lambda's reset after a failure); /tmp and the env stay. */
  private killRuntime(): void {
    if (!this.processAlive || this.killing) return;
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    // An init that never confirms the kill leaves the env unusable: give it up.
    const timer = setTimeout(() => void this.shutdown('sandbox-lost'), 5000);
    this.killing = { promise, resolve, timer };
    this.sandbox.channel.send(encodeKill());
  }

  private recordInit(durationMs: number, status: 'success' | 'error' | 'timeout', errorType?: string): void {
    this.events.record({ kind: 'phase', at: Date.now(), envId: this.id, functionName: this.fv.functionName, phase: 'init', durationMs, status, errorType });
  }

  private onInitTimeout(run: Run): void {
    if (this.run !== run) return;
    // Only a first INIT that ran into the 10 s limit is retried; the retry's timeout (the
    // function's own) fails the invocation like any other timeout.
    if (run.phase === 'init' && run.deadlineNs === undefined) {
      // Lambda's suppressed init: the 10 s INIT phase failed, so init is retried
      // inside the invoke, counted against the function timeout.
      run.log.platform(this.lines.initFailed(this.initializationType, INIT_LIMIT_MS, 'timeout'));
      this.recordInit(INIT_LIMIT_MS, 'timeout');
      run.phase = 'restart';
      run.deadlineNs = now() + BigInt(this.fv.timeout * 1e9);
      this.killRuntime();
      return;
    }
    if (run.phase === 'restart') {
      const initMs = nsToMs(now() - run.initStartNs);
      run.log.platform(this.lines.initFailed(this.initializationType, initMs, 'timeout', undefined, 'invoke'));
      this.recordInit(initMs, 'timeout');
    }
    this.onInvokeTimeout(run);
  }

  private onInvokeTimeout(run: Run): void {
    if (this.run !== run) return;
    const secs = this.fv.timeout.toFixed(2);
    run.durationMs = this.fv.timeout * 1000;
    this.failRun(
      run,
      'Sandbox.Timedout',
      `RequestId: ${run.inv.requestId} Error: Task timed out after ${secs} seconds`,
      'timeout',
      this.lines.timedOut(run.inv.requestId, secs),
    );
    this.pendingCause = 'after-timeout';
    this.killRuntime();
    this.becomeAvailable();
  }

  private onRuntimeExit(code: number, signal: number, oomKilled: boolean, killed: boolean, inflight?: string): void {
    this.runtimeAlive = false;
    this.processAlive = false;
    if (this.provisioning) return this.provisioning(new Error(`the runtime exited during provisioned init (code ${code}, signal ${signal})`));
    const run = this.run;
    if (this.killing) {
      const k = this.killing;
      this.killing = null;
      clearTimeout(k.timer);
      k.resolve();
      if (run && run.phase === 'restart') {
        run.initStartNs = now();
        this.startRuntime(run, 'reset', true);
      }
      return;
    }
    if (killed) return;
    if (run && run.phase === 'invoke' && inflight !== undefined && inflight !== run.inv.requestId) {
      // The runtime died after its last response and before taking this event:
      // the env resets and initialises again for this invocation.
      clearTimeout(run.timer);
      run.log.remove(run.startLine);
      run.deadlineNs = undefined;
      run.coldStart = true;
      this.pendingCause = 'after-crash';
      this.startRuntime(run, 'after-crash');
      return;
    }
    const oom = oomKilled || this.sandbox.oomKills() > 0 && signal === 9;
    const errorType = oom ? 'Runtime.OutOfMemory' : 'Runtime.ExitError';
    const how = signal > 0 ? `signal: ${signalName(signal)}` : `exit status ${code}`;
    this.pendingCause = oom ? 'after-out-of-memory' : 'after-crash';
    if (oom) this.maxMemoryKb = this.memoryMb * 1024;
    if (run) {
      const msg = `RequestId: ${run.inv.requestId} Error: Runtime exited with error: ${how}`;
      run.durationMs = run.phase === 'invoke' && run.deadlineNs !== undefined
        ? Math.max(0, this.fv.timeout * 1000 - nsToMs(run.deadlineNs - now()))
        : nsToMs(now() - run.initStartNs);
      this.failRun(run, errorType, msg, 'error', `${msg}\n${errorType}\n`);
    }
    this.becomeAvailable();
  }

  /**
   * A frame the host cannot decode: whatever the init meant is lost, so the invocation fails now
   * (not at its timeout) and the env, whose channel can no longer be trusted, goes.
   */
  private onProtocolError(err: Error): void {
    const message = `the execution environment sent a frame the workbench could not decode (${err.message})`;
    this.log.append(`[workbench] ${message}\n`);
    const run = this.run;
    if (run) this.failRun(run, 'Sandbox.Failure', `RequestId: ${run.inv.requestId} Error: ${message}`, 'error', '');
    void this.shutdown('sandbox-lost');
  }

  private onChannelClosed(): void {
    const run = this.run;
    if (run) {
      this.runtimeAlive = false;
      this.failRun(run, 'Runtime.ExitError', `RequestId: ${run.inv.requestId} Error: the execution environment was lost`, 'error', '');
    }
    if (this.reporting) this.finishReport(this.reporting);
    if (this.state !== 'gone') {
      this.setState('gone', this.state === 'shuttingDown' ? 'shutdown' : 'sandbox-lost');
      void this.sandbox.destroy();
      this.onAvailable(this);
    }
  }

  /** After a run: idle (or back to init if the runtime was reset), and tell the pool. */
  private becomeAvailable(): void {
    if (this.run || this.state === 'gone' || this.state === 'shuttingDown') return;
    this.setState('idle', this.runtimeAlive ? 'response' : 'reset');
    this.idleSince = Date.now();
    this.armIdleTimer(this.opts.freezeAfterMs);
    this.onAvailable(this);
  }

  /**
   * One timer per env, armed lazily: when it fires it checks how long the env
   * has really been idle, so a hot env costs no timer churn per invocation.
   */
  private armIdleTimer(ms: number): void {
    const at = Date.now() + ms;
    if (this.idleTimer) {
      // An armed timer that fires in time is kept (no churn while the env is hot); one armed for
      // the keepalive while a freeze is now due sooner is replaced, or the env would stay thawed
      // after its first thaw until the keepalive ended.
      if (this.idleTimerAt <= at) return;
      clearTimeout(this.idleTimer);
    }
    this.idleTimerAt = at;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      this.onIdleTimer();
    }, ms);
    this.idleTimer.unref();
  }

  private idleTimerAt = 0;
  private onReported: (() => void) | null = null;

  private onIdleTimer(): void {
    if (this.state !== 'idle' && this.state !== 'frozen' && this.state !== 'starting') return;
    const idleFor = Date.now() - this.idleSince;
    // Provisioned envs stay until their configuration goes; on-demand ones are reclaimed.
    if (idleFor >= this.opts.keepAliveMs && this.initializationType === 'on-demand') {
      void this.shutdown('keepalive-expired');
      return;
    }
    if (this.state === 'idle' && !this.reporting) {
      if (idleFor < this.opts.freezeAfterMs) return this.armIdleTimer(this.opts.freezeAfterMs - idleFor);
      // A frozen init cannot finish a reset (kill and reap every process): freeze once it is done.
      if (this.killing) return this.armIdleTimer(this.opts.freezeAfterMs);
      this.setState('frozen', 'idle');
      this.freezing = this.sandbox
        .freeze()
        .catch((err: Error) => {
          this.log.append(`[workbench] could not freeze this environment: ${err.message}\n`);
          if (this.state === 'frozen') this.setState('idle', 'freeze-failed');
        })
        .finally(() => (this.freezing = null));
    }
    this.armIdleTimer(Math.max(1, this.opts.keepAliveMs - idleFor));
  }

  /** A new env nobody needed after all (a freed one served its invocation): kept until its keepalive, like an idle one. */
  park(): void {
    this.idleSince = Date.now();
    this.armIdleTimer(this.opts.keepAliveMs);
  }

  /** Marks the env taken for an invocation (the pool calls this synchronously when choosing it). */
  claim(): void {
    this.idleSince = Date.now();
  }

  async shutdown(cause: EnvCause): Promise<void> {
    if (this.state === 'gone' || this.state === 'shuttingDown') return;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.setState('shuttingDown', cause);
    if (this.killing) {
      // Whoever waits for a reset that will not finish now learns the env is going.
      clearTimeout(this.killing.timer);
      this.killing.resolve();
      this.killing = null;
    }
    this.onAvailable(this);
    const started = now();
    try {
      // A response already sent still gets its END and REPORT (the MEMORY frame is on its way).
      if (this.reporting) await new Promise<void>((r) => ((this.onReported = r), setTimeout(r, 1000).unref()));
      if (this.freezing) await this.freezing;
      await this.sandbox.thaw();
      if (this.runtimeAlive) {
        // SIGTERM, then SIGKILL at once: a function without extensions gets 0 ms on Lambda.
        const exited = new Promise<void>((r) => {
          const onMsg = (m: InitMessage) => m.type === 'exit' && r();
          this.sandbox.channel.on('message', onMsg);
          setTimeout(r, 300).unref();
        });
        this.sandbox.channel.send(encodeShutdown(0));
        await exited;
      }
    } catch {
      /* the sandbox is removed below whatever happened */
    }
    await this.sandbox.destroy();
    this.events.record({ kind: 'phase', at: Date.now(), envId: this.id, functionName: this.fv.functionName, phase: 'shutdown', durationMs: nsToMs(now() - started), status: 'success' });
    if ((this.state as EnvState) !== 'gone') this.setState('gone', cause);
  }
}

function durationOf(t: CallTimes): number {
  return Math.max(0, nsToMs(t.done - t.delivered));
}

function signalName(sig: number): string {
  const names: Record<number, string> = { 9: 'killed', 15: 'terminated', 11: 'segmentation fault', 6: 'aborted', 2: 'interrupt', 1: 'hangup' };
  return names[sig] ?? `signal ${sig}`;
}
