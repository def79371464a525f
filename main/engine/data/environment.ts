// One execution environment: a sandbox hosting one function version, one
// invocation at a time. Where it is in its life is a PhaseMachine (env-phases.ts):
// the init's frames, the host's decisions and the timers are its events, and
// nothing moves the env but a move that table allows. Failures follow Lambda: a
// timeout, crash or OOM resets the runtime (re-init on the next invoke) and keeps /tmp.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { encodeInvoke, encodeKill, encodeShutdown, encodeStart, type CallTimes, type InitMessage } from '../sandbox/channel.js';
import { cpusForMemory, type DockerSandbox } from '../sandbox/docker-sandbox.js';
import { bootstrapArgv } from '../runtimes.js';
import type { EnvCause, EnvState, EventLog } from '../telemetry/events.js';
import { LogStream, PlatformLines, tailBase64, type LogArchive } from '../telemetry/logs.js';
import { RunLog } from '../telemetry/run-log.js';
import type { EnvTelemetry, TelemetryRecorder } from '../telemetry/recorder.js';
import type { TmpFile, TmpView } from '../../contract/telemetry.js';
import { TmpTracker } from '../telemetry/tmp-tracker.js';
import { readTmpFile } from '../sandbox/tmp-reader.js';
import { PHASES, PhaseMachine, debugHook, type EnvEvent, type EnvPhase } from './env-phases.js';
import type { FunctionVersion, Invocation, InvokeOutcome } from './model.js';
import { runtimeEnvironment } from './runtime-env.js';

/** Lambda's INIT phase limit before it retries init inside the invoke. */
const INIT_LIMIT_MS = 10_000;
/** A KILL the init does not confirm within this leaves the env unusable: it is given up. */
const KILL_LIMIT_MS = 5_000;
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
  /** Telemetry (log lines, platform events, invocation and env records); absent in some unit tests. */
  telemetry?: TelemetryRecorder;
}

/** One invocation's progress through this env (which phase it is in is the env's phase). */
interface Run {
  inv: Invocation;
  coldStart: boolean;
  /** Why the runtime was started for this invocation (the cause the result card shows). */
  coldCause?: EnvCause;
  resolve: (o: InvokeOutcome) => void;
  /** The env went before the invocation started in it (EnvLost): the pool runs it elsewhere. */
  reject: (err: Error) => void;
  /** This invocation's log block (written to the stream when complete), bounded in memory. */
  log: RunLog;
  /** Its START line (or platform.start record), so a restart can take it back. */
  startLine?: string;
  initStartNs: bigint;
  initDurationMs?: number;
  /** Report Init Duration (first init of this env only). */
  reportInit: boolean;
  /** INIT was started again because the runtime died before taking this event (done at most once). */
  restarted?: boolean;
  /** Monotonic deadline of the invoke phase, once it started. */
  deadlineNs?: bigint;
  outcome?: InvokeOutcome;
  durationMs: number;
  status?: 'timeout' | 'error';
  errorType?: string;
  resolved: boolean;
  /** Span timestamps (monotonic ns) for the invocation's telemetry record. */
  claimedNs: bigint;
  thaw?: { startNs: bigint; endNs: bigint };
  initEndNs?: bigint;
  times?: CallTimes;
  /** The env's creation, when this run is the first of a new env (the acquire span). */
  creation?: { startNs: bigint; readyNs: bigint };
}

const now = (): bigint => process.hrtime.bigint();
const nsToMs = (ns: bigint): number => Number(ns) / 1e6;

/** Phases whose invocation has not started in the env yet: losing the env there loses nothing of it. */
const notStarted = (p: EnvPhase): boolean => p === 'thawing' || p === 'awaitingReset';

/** The env was lost before an invocation handed to it could start: the pool retries it elsewhere. */
export class EnvLost extends Error {
  readonly code = 'EnvLost';
  constructor(envId: string) {
    super(`env ${envId} was lost before the invocation started; it is run in another env`);
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
  /** Where the env is in its life, and its timers. */
  readonly phases: PhaseMachine;
  /** Set once the first invocation has reported (Init Duration appears only then). */
  private initReported = false;
  /** The runtime finished INIT and has not exited: invocations go to it without a new INIT. */
  private runtimeAlive = false;
  /** The runtime process exists (started, its EXIT not yet seen): a KILL has something to reset. */
  private processAlive = false;
  private runtimeStarts = 0;
  private maxMemoryKb = 0;
  /** The invocation the env holds: set in the busy phases. */
  private run: Run | null = null;
  /** A run whose response went out and whose REPORT waits for the MEMORY frame. */
  private reporting: Run | null = null;
  /** The freeze call in flight (a thaw or a shutdown waits for it first). */
  private freezing: Promise<void> | null = null;
  /** Who waits for a provisioned INIT. */
  private provisionWaiter: { resolve: () => void; reject: (err: Error) => void; startedNs: bigint } | null = null;
  private onReported: (() => void) | null = null;
  private pendingCause: EnvCause;
  private readonly memoryMb: number;
  private prefaceLines: string[] = [];
  /** This env's telemetry (lines, platform events, records). */
  private readonly tel: EnvTelemetry | undefined;
  /** Its /tmp as the init lists it after each invocation: the browser's view and per-invocation changes. */
  private readonly tmp: TmpTracker;
  /** When the factory started creating this env and when it was ready: the first run's acquire span. */
  creation?: { startNs: bigint; readyNs: bigint };

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
    this.tmp = new TmpTracker(this.id, fv.ephemeralStorage * 1024 * 1024);
    this.log = new LogStream(fv.logGroup, fv.version);
    this.lines = new PlatformLines(fv.logFormat, fv.systemLogLevel);
    this.phases = new PhaseMachine(this.id, 'new', debugHook);
    this.phases.onMove((m) => this.recordState(m.from, m.to!, m.cause ?? 'invoke'));
    opts.logs?.add(fv.functionName, this.log);
    this.tel = opts.telemetry?.forEnv({
      envId: this.id,
      functionName: fv.functionName,
      version: fv.version,
      cause,
      initializationType,
      memorySizeMb: fv.memorySize,
      tmpSizeBytes: fv.ephemeralStorage * 1024 * 1024,
      network: fv.network?.mode ?? 'none',
    });
    this.events.record({ kind: 'env.state', at: Date.now(), envId: this.id, functionName: fv.functionName, version: fv.version, from: null, to: 'starting', cause });
    this.tel?.state(null, 'starting', cause);
    sandbox.channel.on('message', (m: InitMessage) => this.onMessage(m));
    sandbox.channel.on('close', () => this.onChannelClosed());
    sandbox.channel.on('protocolError', (err: Error) => this.onProtocolError(err));
  }

  /** What the env shows (a phase's public face; see PHASES). */
  get state(): EnvState {
    return this.phases.state;
  }

  /** An invocation holds the env. */
  get busy(): boolean {
    return this.phases.busy;
  }

  private go(event: EnvEvent, cause: EnvCause): EnvPhase {
    return this.phases.move(event, cause);
  }

  /** The env.state event of a move that changes what the env shows. */
  private recordState(fromPhase: EnvPhase, toPhase: EnvPhase, cause: EnvCause): void {
    const from = PHASES[fromPhase].state;
    const to = PHASES[toPhase].state;
    if (from === to) return;
    if (to === 'gone') this.opts.logs?.ended(this.fv.functionName, this.log);
    this.events.record({ kind: 'env.state', at: Date.now(), envId: this.id, functionName: this.fv.functionName, version: this.fv.version, from, to, cause });
    this.tel?.state(from, to, cause);
  }

  /** A platform line of a run: into its log block (the caller's tail) and, line by line, into telemetry. */
  private plat(run: Run, text: string): void {
    run.log.platform(text);
    this.tel?.platform(text, run.inv.requestId);
  }

  /** A platform or workbench line outside any run: into the env's stream and telemetry. */
  private envLine(text: string): void {
    this.log.append(text);
    this.tel?.platform(text, undefined);
  }

  /** Its /tmp as of the end of its last invocation (the init's listing): shown without thawing the env. */
  tmpView(): TmpView {
    return this.tmp.view();
  }

  /** One file of its /tmp, read from the env's own disk image (sandbox/tmp-reader.ts): never through a host path. */
  async readTmp(path: string, offset: number, maxBytes: number): Promise<TmpFile> {
    const r = await readTmpFile(this.sandbox.tmpDisk, path, { offset, maxBytes });
    return { envId: this.id, path, size: r.size, base64: r.bytes.toString('base64'), truncated: r.truncated };
  }

  /** A platform line that opens the next invocation's log (e.g. what was built while it waited). */
  preface(line: string): void {
    this.prefaceLines.push(line);
  }

  /** Runs one invocation; the caller must have taken this env from the pool (it is not busy). */
  async invoke(inv: Invocation): Promise<InvokeOutcome> {
    const phase = this.phases.phase;
    // Chosen, then shut down before this call (a pool retiring in between): it runs elsewhere.
    if (this.state === 'shuttingDown' || this.state === 'gone') throw new EnvLost(this.id);
    // Busy: an invocation holds it (thawing and awaitingReset allow moves for that one only).
    if (this.busy) throw this.phases.illegal('claim');
    // A frozen env is thawed first and a resetting one finishes its reset (milliseconds): both are
    // claimed now so nobody else takes them meanwhile.
    const event: EnvEvent = phase === 'frozen' || phase === 'resetting' ? 'claim' : this.runtimeAlive ? 'dispatch' : 'coldStart';
    if (!this.phases.can(event)) throw this.phases.illegal(event);
    let resolve!: (o: InvokeOutcome) => void;
    let reject!: (err: Error) => void;
    const done = new Promise<InvokeOutcome>((res, rej) => ((resolve = res), (reject = rej)));
    // Handed back (EnvLost) while the thaw is awaited below: not an unhandled rejection meanwhile.
    done.catch(() => {});
    const run: Run = { inv, coldStart: false, resolve, reject, log: new RunLog(), initStartNs: 0n, reportInit: false, durationMs: 0, resolved: false, claimedNs: now() };
    // The first run of a new env waited for its creation (the acquire span); later runs did not.
    if (this.creation) {
      run.creation = this.creation;
      this.creation = undefined;
    }
    this.tel?.beginRun(inv.requestId);
    for (const line of this.prefaceLines.splice(0)) this.plat(run, line);
    this.run = run;
    if (event === 'dispatch') this.dispatch(run, 'dispatch');
    else if (event === 'coldStart') this.startRuntime(run, this.pendingCause, 'coldStart');
    else {
      this.go('claim', 'invoke');
      // awaitingReset: the reset's EXIT starts the runtime for this run (onRuntimeExit).
      if (phase === 'frozen') await this.thawFor(run);
    }
    return done;
  }

  /** Thaws a claimed frozen env, then runs the invocation, unless the env went meanwhile. */
  private async thawFor(run: Run): Promise<void> {
    const thawStart = now();
    try {
      if (this.freezing) await this.freezing;
      await this.sandbox.thaw();
      run.thaw = { startNs: thawStart, endNs: now() };
    } catch (err) {
      this.envLine(`[workbench] could not thaw this environment: ${(err as Error).message}\n`);
      void this.shutdown('sandbox-lost');
      return;
    }
    // Shut down or lost while it waited: the run was already handed back (EnvLost).
    if (this.run !== run || this.phases.phase !== 'thawing') return;
    if (this.runtimeAlive) this.dispatch(run, 'dispatch');
    else this.startRuntime(run, this.pendingCause, 'coldStart');
  }

  /**
   * Starts the runtime for an invocation: a cold start or a re-init after a reset (init), or the
   * suppressed init's second attempt (initRetry, within the function's timeout).
   */
  private startRuntime(run: Run, cause: EnvCause, event: 'coldStart' | 'exited' | 'restart'): void {
    const to = this.go(event, cause);
    run.coldStart = true;
    // The first start's cause is the one the caller sees (a re-init after a crash keeps it).
    run.coldCause ??= cause;
    run.reportInit = !this.initReported;
    if (this.runtimeStarts === 0) this.plat(run, this.initStartLine());
    run.initStartNs = this.sendStart();
    const limit = to === 'initRetry' ? nsToMs(run.deadlineNs! - now()) : INIT_LIMIT_MS;
    this.phases.arm('initDeadline', limit, () => this.onInitTimeout(run));
  }

  /** Starts the runtime process; returns when (monotonic ns) the INIT phase began. */
  private sendStart(): bigint {
    this.runtimeStarts++;
    // Lambda gives the INIT phase more CPU than small functions get while invoking.
    this.sandbox.setCpus(Math.max(1, cpusForMemory(this.memoryMb)));
    this.processAlive = true;
    const id = { logGroup: this.log.group, logStream: this.log.name, initializationType: this.initializationType };
    const startedNs = now();
    this.tel?.platformEvent('platform.initStart', () => ({
      initializationType: this.initializationType,
      phase: 'init',
      runtimeVersion: `${this.fv.runtime.id}.workbench`,
      functionName: this.fv.functionName,
      functionVersion: this.fv.version,
    }));
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
  provision(cause: EnvCause = 'provisioned'): Promise<void> {
    if (!this.phases.can('provision')) return Promise.reject(this.phases.illegal('provision'));
    this.go('provision', cause);
    this.envLine(this.initStartLine());
    return new Promise((resolve, reject) => {
      this.provisionWaiter = { resolve, reject, startedNs: this.sendStart() };
      this.phases.arm('initDeadline', INIT_LIMIT_MS, () => this.provisionFailed(new Error('provisioned init took more than 10 s'), 'initTimeout'));
    });
  }

  private provisioned(ts: bigint): void {
    const waiter = this.provisionWaiter!;
    this.provisionWaiter = null;
    this.runtimeAlive = true;
    this.initReported = true;
    this.sandbox.setCpus(cpusForMemory(this.memoryMb));
    const initMs = nsToMs(ts - waiter.startedNs);
    this.recordInit(initMs, 'success');
    this.envLine(this.lines.initDone(this.initializationType, initMs));
    this.go('initDone', 'response');
    this.becomeAvailable();
    waiter.resolve();
  }

  /** A provisioned INIT failed: the env ends (it never takes invocations). */
  private provisionFailed(err: Error, event: EnvEvent): void {
    if (!this.dropProvisionWaiter(err)) return;
    void this.shutdown('init-error', event);
  }

  /** Fails whoever waits for a provisioned INIT; false when nobody does. */
  private dropProvisionWaiter(err: Error): boolean {
    const waiter = this.provisionWaiter;
    if (!waiter) return false;
    this.provisionWaiter = null;
    this.recordInit(nsToMs(now() - waiter.startedNs), 'error');
    waiter.reject(err);
    return true;
  }

  /** Sends the invocation to the warm runtime (`dispatch`) or to the one whose INIT just ended (`initDone`). */
  private dispatch(run: Run, event: 'dispatch' | 'initDone'): void {
    const inv = run.inv;
    this.go(event, 'invoke');
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
    this.phases.arm('invokeDeadline', remainingMs, () => this.timeOut(run, 'invokeTimeout'));
    this.sandbox.channel.send(encodeInvoke(inv.requestId, headers, inv.payload));
  }

  private onMessage(m: InitMessage): void {
    switch (m.type) {
      case 'log': {
        const text = m.data.toString('utf8');
        const target = this.run ?? this.reporting;
        if (target) target.log.output(text);
        else this.log.append(text);
        this.tel?.output(m.stream, text, target?.inv.requestId);
        return;
      }
      case 'initDone':
        if (!this.phases.offer('initDone', 'INIT_DONE frame')) return;
        if (this.phases.phase === 'provisioning') return this.provisioned(m.ts);
        return this.onInitDone(this.run!, m.ts);
      case 'initError':
        if (!this.phases.offer('initError', 'INIT_ERROR frame')) return;
        if (this.phases.phase === 'provisioning') {
          return this.provisionFailed(new Error(`provisioned init failed: ${m.errorType} ${m.body.toString('utf8').slice(0, 500)}`), 'initError');
        }
        return this.onInitError(this.run!, m.ts, m.errorType, m.body);
      case 'response':
      case 'error':
      case 'tooLarge': {
        const run = this.run;
        if (!this.phases.offer('response', `${m.type} frame`) || !run || m.requestId !== run.inv.requestId) return;
        return this.onResult(run, m);
      }
      case 'tmp': {
        // After an invocation, before its MEMORY: what it did to /tmp (sent only when something changed).
        const change = this.tmp.onListing(m, Date.now());
        this.tel?.tmp(m.usedBytes, change);
        return;
      }
      case 'memory':
        this.maxMemoryKb = Math.max(this.maxMemoryKb, m.maxKb);
        if (this.reporting && this.reporting.inv.requestId === m.requestId) this.finishReport(this.reporting);
        return;
      case 'exit':
        return this.onRuntimeExit(m.code, m.signal, m.oomKilled, m.killed, m.inflight);
      case 'fatal':
        this.envLine(`[workbench] the init failed: ${m.message}\n`);
        return;
      case 'hello':
        return;
    }
  }

  private onInitDone(run: Run, ts: bigint): void {
    this.runtimeAlive = true;
    this.sandbox.setCpus(cpusForMemory(this.memoryMb));
    const initMs = nsToMs(ts - run.initStartNs);
    if (this.phases.phase === 'init') run.initDurationMs = initMs;
    run.initEndNs = ts;
    this.recordInit(initMs, 'success');
    this.plat(run, this.lines.initDone(this.initializationType, initMs));
    this.dispatch(run, 'initDone');
  }

  private onResult(run: Run, m: Extract<InitMessage, { type: 'response' | 'error' | 'tooLarge' }>): void {
    run.durationMs = durationOf(m.times);
    run.times = m.times;
    if (m.type === 'response') this.settle(run, m.body);
    else if (m.type === 'error') this.settle(run, m.body, m.errorType || 'Unhandled');
    else {
      const type = 'Function.ResponseSizeTooLarge';
      this.settle(run, platformError(type, `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`), type);
    }
    // The response goes out now; END and REPORT follow when the MEMORY frame arrives.
    this.reporting = run;
    this.run = null;
    this.go('response', 'response');
    if (!run.inv.tail) this.resolveRun(run);
    this.becomeAvailable();
  }

  /** Fixes what the caller gets back; an error type marks a function error (`Unhandled`). */
  private settle(run: Run, payload: Buffer, errorType?: string, status: 'error' | 'timeout' = 'error'): void {
    run.outcome = { requestId: run.inv.requestId, payload, executedVersion: this.fv.version, coldStart: run.coldStart, envId: this.id };
    if (run.coldStart && run.coldCause) run.outcome.coldCause = run.coldCause;
    if (errorType !== undefined) {
      run.status = status;
      run.errorType = errorType;
      run.outcome.functionError = 'Unhandled';
      run.outcome.errorType = errorType;
    }
  }

  private logStart(run: Run): void {
    run.startLine = this.lines.start(run.inv.requestId, this.fv.version);
    this.plat(run, run.startLine);
    this.tel?.platformEvent('platform.start', () => ({ requestId: run.inv.requestId, version: this.fv.version }));
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
    if (!this.phases.offer('reported', 'MEMORY frame')) return;
    // Idle only now: the freeze is due from here, not from the response (the init had to run to send the frame).
    if (this.go('reported', 'response') === 'idle') this.armFreeze();
  }

  private writeEndAndReport(run: Run): void {
    const id = run.inv.requestId;
    this.tel?.closeRunOutput(id);
    const status = run.status ?? 'success';
    this.tel?.platformEvent('platform.runtimeDone', () => ({ requestId: id, status, ...(run.errorType ? { errorType: run.errorType } : {}), metrics: { durationMs: run.durationMs } }));
    this.plat(run, this.lines.end(id, status, run.durationMs));
    const reportInit = run.reportInit && run.initDurationMs !== undefined;
    const report = {
      durationMs: run.durationMs,
      billedMs: Math.max(1, Math.ceil(run.durationMs)),
      memorySizeMb: this.memoryMb,
      maxMemoryUsedMb: Math.min(this.memoryMb, Math.ceil(this.maxMemoryKb / 1024)),
      initDurationMs: reportInit ? run.initDurationMs : undefined,
    };
    this.plat(run, this.lines.report({ requestId: id, ...report, status: run.status, errorType: run.status === 'error' ? run.errorType : undefined }));
    // The figures themselves, for callers that show them (the window's result card), so nobody parses REPORT.
    if (run.outcome) run.outcome.report = report;
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
    this.log.append(run.log.text());
    this.recordRun(run, report);
  }

  /** The invocation's telemetry: platform.report and its record with spans. */
  private recordRun(run: Run, report: { durationMs: number; billedMs: number; memorySizeMb: number; maxMemoryUsedMb: number; initDurationMs?: number }): void {
    const tel = this.tel;
    if (!tel) return;
    const id = run.inv.requestId;
    const status = run.status ?? 'success';
    tel.platformEvent('platform.report', () => ({
      requestId: id,
      status,
      ...(run.errorType ? { errorType: run.errorType } : {}),
      metrics: { durationMs: report.durationMs, billedDurationMs: report.billedMs, memorySizeMB: report.memorySizeMb, maxMemoryUsedMB: report.maxMemoryUsedMb, ...(report.initDurationMs !== undefined ? { initDurationMs: report.initDurationMs } : {}) },
    }));
    const range = tel.finishRun(id);
    tel.invocation(
      {
        requestId: id,
        source: run.inv.source ?? 'sync',
        cold: run.coldStart,
        ...(run.coldCause ? { coldCause: run.coldCause } : {}),
        receivedNs: run.inv.receivedNs ?? run.claimedNs,
        claimedNs: run.claimedNs,
        ...(run.creation ? { creation: run.creation } : {}),
        ...(run.thaw ? { thaw: run.thaw } : {}),
        ...(run.coldStart && run.initStartNs > 0n && run.initEndNs !== undefined ? { init: { startNs: run.initStartNs, endNs: run.initEndNs } } : {}),
        ...(run.times ? { invoke: { startNs: run.times.delivered, endNs: run.times.done } } : {}),
        reportedNs: now(),
        ...(run.initDurationMs !== undefined ? { initMs: run.initDurationMs } : {}),
        durationMs: report.durationMs,
        billedMs: report.billedMs,
        maxMemoryUsedMb: report.maxMemoryUsedMb,
        status,
        ...(run.errorType ? { errorType: run.errorType } : {}),
        payload: run.inv.payload,
        ...(run.outcome ? { response: run.outcome.payload } : {}),
      },
      range,
    );
  }

  private resolveRun(run: Run): void {
    if (run.resolved || !run.outcome) return;
    run.resolved = true;
    if (run.inv.tail) {
      const text = run.log.text();
      run.outcome.logResult = tailBase64(text);
      run.outcome.log = text;
    }
    run.resolve(run.outcome);
  }

  /** Hands back an invocation that never started here: the pool runs it in another env. */
  private loseRun(run: Run): void {
    if (this.run === run) this.run = null;
    run.reject(new EnvLost(this.id));
  }

  /** Ends a run that failed without a normal response: the platform answers for the function. Call before the move. */
  private failRun(run: Run, errorType: string, errorMessage: string, status: 'timeout' | 'error', logLines: string): void {
    if (this.phases.phase !== 'invoking') this.logStart(run);
    this.plat(run, logLines);
    this.settle(run, platformError(errorType, errorMessage), errorType, status);
    this.run = null;
    this.writeEndAndReport(run);
    this.resolveRun(run);
  }

  private onInitError(run: Run, ts: bigint, errorType: string, body: Buffer): void {
    const type = errorType || 'Runtime.Unknown';
    const initMs = nsToMs(ts - run.initStartNs);
    this.recordInit(initMs, 'error', type);
    this.plat(run, this.lines.initFailed(this.initializationType, initMs, 'error', type));
    this.logStart(run);
    run.durationMs = initMs;
    this.settle(run, body.length ? body : platformError(type, 'The runtime failed to initialize.'), type);
    this.run = null;
    this.writeEndAndReport(run);
    this.resolveRun(run);
    // The runtime normally exits after reporting; make sure it does. The env is free again at once.
    this.pendingCause = 'init-error';
    this.reset('initError');
  }

  /**
   * After a failed run: into `resetting` and the runtime is killed (Lambda's reset; /tmp and the
   * env stay); the next invocation waits for the EXIT. Nothing to kill: idle at once.
   */
  private reset(event: 'initError' | 'initTimeout' | 'invokeTimeout'): void {
    this.go(event, this.runtimeAlive ? 'response' : 'reset');
    if (!this.sendKill()) this.go('exited', 'reset');
    this.becomeAvailable();
  }

  /** Sends KILL and arms its deadline; false when no runtime process is there to kill. */
  private sendKill(): boolean {
    if (!this.processAlive) return false;
    this.phases.arm('killDeadline', KILL_LIMIT_MS, () => void this.shutdown('sandbox-lost', 'killTimeout'));
    this.sandbox.channel.send(encodeKill());
    return true;
  }

  private recordInit(durationMs: number, status: 'success' | 'error' | 'timeout', errorType?: string): void {
    this.events.record({ kind: 'phase', at: Date.now(), envId: this.id, functionName: this.fv.functionName, phase: 'init', durationMs, status, errorType });
    const phase = { initializationType: this.initializationType, phase: 'init', status, ...(errorType ? { errorType } : {}) };
    this.tel?.platformEvent('platform.initRuntimeDone', () => phase);
    this.tel?.platformEvent('platform.initReport', () => ({ ...phase, metrics: { durationMs } }));
  }

  private onInitTimeout(run: Run): void {
    if (this.run !== run) return;
    if (this.phases.phase === 'init') {
      // Lambda's suppressed init: the 10 s INIT phase failed, so init is retried once inside the
      // invoke, counted against the function timeout (initKill, then initRetry on the EXIT).
      this.plat(run, this.lines.initFailed(this.initializationType, INIT_LIMIT_MS, 'timeout'));
      this.recordInit(INIT_LIMIT_MS, 'timeout');
      run.deadlineNs = now() + BigInt(this.fv.timeout * 1e9);
      this.go('initTimeout', 'reset');
      if (!this.sendKill()) this.startRuntime(run, 'reset', 'exited');
      return;
    }
    // initRetry: the retry's timeout is the function's own; it fails the invocation.
    const initMs = nsToMs(now() - run.initStartNs);
    this.plat(run, this.lines.initFailed(this.initializationType, initMs, 'timeout', undefined, 'invoke'));
    this.recordInit(initMs, 'timeout');
    this.timeOut(run, 'initTimeout');
  }

  /** The invocation ran out of time (invoking, or the suppressed init's retry). */
  private timeOut(run: Run, event: 'invokeTimeout' | 'initTimeout'): void {
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
    this.reset(event);
  }

  private onRuntimeExit(code: number, signal: number, oomKilled: boolean, killed: boolean, inflight?: string): void {
    this.runtimeAlive = false;
    this.processAlive = false;
    const phase = this.phases.phase;
    const run = this.run;
    switch (phase) {
      case 'provisioning':
        return this.provisionFailed(new Error(`the runtime exited during provisioned init (code ${code}, signal ${signal})`), 'exited');
      case 'initKill': // the suppressed init's kill is done: the retry starts
        return this.startRuntime(run!, 'reset', 'exited');
      case 'awaitingReset': // the reset is done: the waiting invocation starts the runtime
        return this.startRuntime(run!, this.pendingCause, 'exited');
      case 'resetting':
        this.go('exited', 'reset');
        return this.armFreeze();
      case 'shuttingDown':
      case 'gone':
        return;
    }
    if (!this.phases.offer('exited', 'EXIT frame')) return;
    if (killed) return; // a kill the host asked for outside a reset (nothing here waits for it)
    if (run && phase === 'invoking' && inflight !== undefined && inflight !== run.inv.requestId && !run.restarted) {
      // The runtime died after its last response and before taking this event: the env resets
      // and initialises again for this invocation. Once: a runtime that dies that way again
      // fails the invocation below (its deadline starts over here, so a loop would never end).
      run.restarted = true;
      run.log.remove(run.startLine);
      run.deadlineNs = undefined;
      this.pendingCause = 'after-crash';
      return this.startRuntime(run, 'after-crash', 'restart');
    }
    const oom = oomKilled || (this.sandbox.oomKills() > 0 && signal === 9);
    const errorType = oom ? 'Runtime.OutOfMemory' : 'Runtime.ExitError';
    const how = signal > 0 ? `signal: ${signalName(signal)}` : `exit status ${code}`;
    this.pendingCause = oom ? 'after-out-of-memory' : 'after-crash';
    if (oom) this.maxMemoryKb = this.memoryMb * 1024;
    if (run && (phase === 'init' || phase === 'initRetry' || phase === 'invoking')) {
      const msg = `RequestId: ${run.inv.requestId} Error: Runtime exited with error: ${how}`;
      run.durationMs = phase === 'invoking' && run.deadlineNs !== undefined
        ? Math.max(0, this.fv.timeout * 1000 - nsToMs(run.deadlineNs - now()))
        : nsToMs(now() - run.initStartNs);
      this.failRun(run, errorType, msg, 'error', `${msg}\n${errorType}\n`);
      this.go('exited', 'reset');
      return this.becomeAvailable();
    }
    // Between invocations (idle, reporting…): the next invocation starts a new runtime.
    this.go('exited', 'reset');
  }

  /**
   * A frame the host cannot decode: whatever the init meant is lost, so the invocation fails now
   * (not at its timeout) and the env, whose channel can no longer be trusted, goes.
   */
  private onProtocolError(err: Error): void {
    const message = `the execution environment sent a frame the workbench could not decode (${err.message})`;
    this.envLine(`[workbench] ${message}\n`);
    const run = this.run;
    if (run && !notStarted(this.phases.phase)) this.failRun(run, 'Sandbox.Failure', `RequestId: ${run.inv.requestId} Error: ${message}`, 'error', '');
    void this.shutdown('sandbox-lost');
  }

  private onChannelClosed(): void {
    const run = this.run;
    if (run) {
      this.runtimeAlive = false;
      if (notStarted(this.phases.phase)) this.loseRun(run);
      else this.failRun(run, 'Runtime.ExitError', `RequestId: ${run.inv.requestId} Error: the execution environment was lost`, 'error', '');
    }
    if (this.reporting) this.finishReport(this.reporting);
    if (!this.phases.can('lost')) return;
    this.dropProvisionWaiter(new Error('the execution environment was lost during its provisioned init'));
    this.go('lost', this.phases.phase === 'shuttingDown' ? 'shutdown' : 'sandbox-lost');
    void this.sandbox.destroy();
    this.onAvailable(this);
  }

  /** After a move into a phase that takes invocations: its idle timers, and tell the pool. */
  private becomeAvailable(): void {
    const state = this.phases.state;
    if (this.phases.busy || state === 'shuttingDown' || state === 'gone') return;
    // Provisioned envs stay until their configuration goes; on-demand ones are reclaimed.
    if (this.initializationType === 'on-demand') {
      this.phases.arm('keepalive', this.opts.keepAliveMs, () => void this.shutdown('keepalive-expired', 'keepaliveExpired'));
    }
    if (this.phases.phase === 'idle') this.armFreeze();
    this.onAvailable(this);
  }

  /** The freeze is due `freezeAfterMs` after the env became idle; armed only on entering idle. */
  private armFreeze(): void {
    this.phases.arm('freezeAfter', this.opts.freezeAfterMs, () => this.freeze());
  }

  private freeze(): void {
    this.go('freezeDue', 'idle');
    this.freezing = this.sandbox
      .freeze()
      .catch((err: Error) => {
        this.envLine(`[workbench] could not freeze this environment: ${err.message}\n`);
        if (this.phases.offer('freezeError', 'freeze failure')) this.go('freezeError', 'freeze-failed');
      })
      .finally(() => (this.freezing = null));
  }

  /** A new env nobody needed after all (a freed one served its invocation): kept until its keepalive, like an idle one. */
  park(): void {
    this.phases.arm('keepalive', this.opts.keepAliveMs, () => void this.shutdown('keepalive-expired', 'keepaliveExpired'));
  }

  /**
   * Shuts the env down. `event`: what decided it (a timer, a failed provisioned init), so the
   * move is the one the table allows for it; the host's own decision is 'shutdown'.
   */
  async shutdown(cause: EnvCause, event: EnvEvent = 'shutdown'): Promise<void> {
    if (this.phases.next(event) !== 'shuttingDown') return; // already going, or gone
    const run = this.run;
    // An invocation still waiting for a thaw or a reset never started here: it runs elsewhere.
    if (run && notStarted(this.phases.phase)) this.loseRun(run);
    this.go(event, cause);
    this.dropProvisionWaiter(new Error('the environment was shut down before its provisioned init finished'));
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
    if (this.phases.can('destroyed')) this.go('destroyed', cause);
  }
}

function durationOf(t: CallTimes): number {
  return Math.max(0, nsToMs(t.done - t.delivered));
}

function signalName(sig: number): string {
  const names: Record<number, string> = { 9: 'killed', 15: 'terminated', 11: 'segmentation fault', 6: 'aborted', 2: 'interrupt', 1: 'hangup' };
  return names[sig] ?? `signal ${sig}`;
}
