// Turns what the envs do into telemetry: log lines as they happen (split,
// attributed to their invocation, levelled, capped), Telemetry-API-shaped
// platform events, invocation records with their spans, env records and state
// changes. Everything goes onto the bus (live subscribers) and into the store
// (history that survives a restart). On the invoke path this only builds small
// objects and pushes them onto one queue, in order; a flush (at most every
// FLUSH_MS) numbers them on the bus and hands them to the store, so nothing of
// it runs between an invocation's result and its caller's answer.
//
// What a warm invoke costs is kept small on purpose: an env moving between idle
// and invoking is not an event of its own (its invocation record says when it
// ran), and an env's record is published once per flush however often it
// changed.
import type {
  EnvLifeState,
  EnvRecord,
  InvocationDetail,
  InvocationSource,
  LogLine,
  LogStreamKind,
  PlatformEventType,
  SpanView,
  TmpChange,
} from '../../contract/telemetry.js';
import type { TelemetryBus } from './bus.js';

/** Where telemetry is persisted (the TelemetryStore; absent in unit tests of the engine). */
export interface TelemetryPersistence {
  addInvocation(rec: InvocationDetail): void;
  upsertEnv(rec: EnvRecord): void;
  addEnvState(c: { seq: number; at: number; envId: string; functionName: string; version: string; from: EnvLifeState | null; to: EnvLifeState; cause: string }): void;
  addLines(lines: LogLine[]): void;
  addTmpChange(envId: string, functionName: string, change: TmpChange): void;
}

/** One line is cut past this many characters (and says so). */
export const LINE_MAX_CHARS = 16 * 1024;
/** Output kept per invocation; past it lines are counted, not kept, and one marker line says how many. */
export const INVOCATION_LOG_CAP_BYTES = 8 * 1024 * 1024;
/** Output kept per env (its log stream) over its life. */
export const STREAM_LOG_CAP_BYTES = 64 * 1024 * 1024;
/** Heads of payloads and responses kept with an invocation record. */
export const HEAD_BYTES = 4096;
/** Lines per `logs` event. */
const LINES_PER_EVENT = 2000;
/** Telemetry is published and persisted at most this often. */
const FLUSH_MS = 20;

// The init's timestamps are CLOCK_MONOTONIC nanoseconds, like process.hrtime; one anchor maps them to the wall clock.
const WALL0 = Date.now();
const HR0 = process.hrtime.bigint();
/** Epoch ms (fractional) of a monotonic nanosecond timestamp. */
export const wallOf = (ns: bigint): number => WALL0 + Number(ns - HR0) / 1e6;
const msBetween = (a: bigint, b: bigint): number => Math.max(0, Number(b - a) / 1e6);

/** Lambda's text log format: `<time>\t<request id>\t<LEVEL>\t…` (Node.js) or `[LEVEL]\t<time>\t…` (Python). */
const NODE_LEVEL = /^\S+\t\S+\t(TRACE|DEBUG|INFO|WARN|ERROR|FATAL)\t/;
const PY_LEVEL = /^\[(DEBUG|INFO|WARNING|ERROR|CRITICAL)\]\t/;

/** The level of a line: JSON logs' `level`/`levelname`, or the runtime's text prefix. */
export function levelOf(text: string): string | undefined {
  if (text.charCodeAt(0) === 123 /* { */ && text.length < 65536) {
    try {
      const v = JSON.parse(text) as { level?: unknown; levelname?: unknown; type?: unknown };
      const level = typeof v.level === 'string' ? v.level : typeof v.levelname === 'string' ? v.levelname : undefined;
      if (level) return level.toUpperCase().slice(0, 16);
      if (typeof v.type === 'string' && v.type.startsWith('platform.')) return 'INFO';
    } catch {
      /* not JSON after all */
    }
    return undefined;
  }
  const m = NODE_LEVEL.exec(text) ?? PY_LEVEL.exec(text);
  if (!m) return undefined;
  return m[1] === 'WARNING' ? 'WARN' : m[1] === 'CRITICAL' ? 'FATAL' : m[1];
}

export interface EnvInfo {
  envId: string;
  functionName: string;
  version: string;
  cause: string;
  initializationType: 'on-demand' | 'provisioned-concurrency';
  memorySizeMb: number;
  tmpSizeBytes: number;
  network: 'none' | 'internet' | 'host-ports';
}

/** What an env knows of one finished invocation, in its own clock. */
export interface RunFacts {
  requestId: string;
  source: InvocationSource;
  cold: boolean;
  coldCause?: string;
  receivedNs: bigint;
  claimedNs: bigint;
  /** The env's creation, when this invocation waited for it (a cold start in a new env). */
  creation?: { startNs: bigint; readyNs: bigint };
  thaw?: { startNs: bigint; endNs: bigint };
  init?: { startNs: bigint; endNs: bigint };
  /** The init's timestamps: delivered to the runtime, response read. */
  invoke?: { startNs: bigint; endNs: bigint };
  reportedNs: bigint;
  initMs?: number;
  durationMs: number;
  billedMs: number;
  maxMemoryUsedMb: number;
  status: 'success' | 'error' | 'timeout';
  errorType?: string;
  payload: Buffer;
  response?: Buffer;
}

const head = (b: Buffer | undefined): string => (b ? b.subarray(0, HEAD_BYTES).toString('utf8') : '');

/** What waits for the next flush, in the order it happened. */
type Pending =
  | { k: 'line'; line: LogLine }
  | { k: 'state'; info: EnvInfo; from: EnvLifeState | null; to: EnvLifeState; cause: string; at: number }
  | { k: 'platform'; type: PlatformEventType; info: EnvInfo; record: Record<string, unknown>; at: number }
  | { k: 'invocation'; rec: InvocationDetail; payload?: Buffer; response?: Buffer }
  | { k: 'tmp'; info: EnvInfo; change: TmpChange };

/** Platform lines are INFO, a failed INIT's JSON record WARN (as Lambda logs them). */
const platformLevel = (line: string): string => (line.includes('"platform.initReport"') && line.includes('"error"') ? 'WARN' : 'INFO');

/** A span in wall-clock time, when it has a length. */
function pushSpan(spans: SpanView[], name: SpanView['name'], a: bigint, b: bigint): void {
  if (b > a) spans.push({ name, start: wallOf(a), durationMs: msBetween(a, b) });
}

export class TelemetryRecorder {
  private nextLineId: number;
  private pending: Pending[] = [];
  /** Env records changed since the last flush (published once each, after the events of the flush). */
  private dirty = new Set<EnvRecord>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly bus: TelemetryBus,
    private readonly store: TelemetryPersistence | undefined,
    private readonly opts: { firstLineId: number; architectureOf: (functionName: string) => 'x86_64' | 'arm64' },
  ) {
    this.nextLineId = opts.firstLineId;
  }

  forEnv(info: EnvInfo): EnvTelemetry {
    return new EnvTelemetry(this, info);
  }

  private push(p: Pending): void {
    this.pending.push(p);
    this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  /** A line as it happened; ids increase in the order lines are recorded. */
  line(l: Omit<LogLine, 'id'>): number {
    const id = this.nextLineId++;
    (l as LogLine).id = id;
    this.push({ k: 'line', line: l as LogLine });
    return id;
  }

  /** Publishes and persists everything recorded since the last flush, in order. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0 && this.dirty.size === 0) return;
    const pending = this.pending;
    this.pending = [];
    // The flush's lines first, in one event (or a few): a subscriber that gets a record has the lines it names.
    const lines: LogLine[] = [];
    for (const p of pending) if (p.k === 'line') lines.push(p.line);
    if (lines.length > 0) {
      this.store?.addLines(lines);
      for (let i = 0; i < lines.length; i += LINES_PER_EVENT) this.bus.publish({ type: 'logs', lines: lines.length <= LINES_PER_EVENT ? lines : lines.slice(i, i + LINES_PER_EVENT) });
    }
    for (const p of pending) {
      switch (p.k) {
        case 'state': {
          const change = { seq: 0, at: p.at, envId: p.info.envId, functionName: p.info.functionName, version: p.info.version, from: p.from, to: p.to, cause: p.cause };
          change.seq = this.bus.publish({ type: 'envState', change }, p.at);
          this.store?.addEnvState(change);
          break;
        }
        case 'platform':
          this.bus.publish({ type: 'platform', event: { type: p.type, time: new Date(p.at).toISOString(), functionName: p.info.functionName, envId: p.info.envId, record: p.record } }, p.at);
          break;
        case 'invocation': {
          const rec = p.rec;
          rec.payloadHead = head(p.payload);
          rec.responseHead = head(p.response);
          const { payloadHead: _p, responseHead: _r, ...record } = rec;
          rec.seq = record.seq = this.bus.publish({ type: 'invocation', record }, rec.endedAt);
          this.store?.addInvocation(rec);
          break;
        }
        case 'tmp':
          this.store?.addTmpChange(p.info.envId, p.info.functionName, p.change);
          this.bus.publish({ type: 'tmp', envId: p.info.envId, functionName: p.info.functionName, change: p.change });
          break;
      }
    }
    for (const rec of this.dirty) {
      this.store?.upsertEnv({ ...rec });
      this.bus.publish({ type: 'env', record: { ...rec } });
    }
    this.dirty.clear();
  }

  envChanged(rec: EnvRecord): void {
    this.dirty.add(rec);
    this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  envState(info: EnvInfo, from: EnvLifeState | null, to: EnvLifeState, cause: string, at: number): void {
    this.push({ k: 'state', info, from, to, cause, at });
  }

  /**
   * A Telemetry-API platform event: live only (what it says is in the invocation record and the
   * log lines, which are kept), so it is built only while someone follows the bus.
   */
  platform(type: PlatformEventType, info: EnvInfo, record: () => Record<string, unknown>, at = Date.now()): void {
    if (!this.bus.followed) return;
    this.push({ k: 'platform', type, info, record: record(), at });
  }

  invocation(rec: InvocationDetail, payload?: Buffer, response?: Buffer): void {
    this.push({ k: 'invocation', rec, ...(payload ? { payload } : {}), ...(response ? { response } : {}) });
  }

  /** An invocation refused before any env ran it (TooManyRequestsException). */
  throttled(f: { requestId: string; functionName: string; version: string; source: InvocationSource; memorySizeMb: number; payloadBytes: number }): void {
    const at = Date.now();
    this.invocation({
      seq: 0,
      requestId: f.requestId,
      functionName: f.functionName,
      version: f.version,
      source: f.source,
      cold: false,
      startedAt: at,
      endedAt: at,
      queuedMs: 0,
      durationMs: 0,
      billedMs: 0,
      memorySizeMb: f.memorySizeMb,
      maxMemoryUsedMb: 0,
      architecture: this.opts.architectureOf(f.functionName),
      status: 'throttled',
      errorType: 'TooManyRequestsException',
      payloadBytes: f.payloadBytes,
      responseBytes: 0,
      spans: [],
      payloadHead: '',
      responseHead: '',
    });
  }

  tmpChange(info: EnvInfo, change: TmpChange): void {
    this.push({ k: 'tmp', info, change });
  }

  architectureOf(functionName: string): 'x86_64' | 'arm64' {
    return this.opts.architectureOf(functionName);
  }

  close(): void {
    this.flush();
  }
}

/** One env's telemetry: its record, its line splitter and caps, its invocations' records. */
export class EnvTelemetry {
  readonly record: EnvRecord;
  /** A line not yet ended by a newline, per stream (stdout, stderr). */
  private readonly partial: [string, string] = ['', ''];
  private partialRequest: [string | undefined, string | undefined] = [undefined, undefined];
  private streamBytes = 0;
  private streamDropped = 0;
  /** The current invocation's line accounting. */
  private run: { requestId: string; bytes: number; droppedLines: number; droppedBytes: number; first?: number; last?: number } | undefined;
  /** Why the env is shutting down: its end reason (the final move's own cause is only how it ended). */
  private shutdownCause: string | undefined;

  constructor(private readonly rec: TelemetryRecorder, readonly info: EnvInfo) {
    const at = Date.now();
    this.record = {
      envId: info.envId,
      functionName: info.functionName,
      version: info.version,
      cause: info.cause,
      initializationType: info.initializationType,
      createdAt: at,
      state: 'starting',
      stateSince: at,
      invocations: 0,
      memoryPeakMb: 0,
      memorySizeMb: info.memorySizeMb,
      tmpSizeBytes: info.tmpSizeBytes,
      network: info.network,
    };
  }

  state(from: EnvLifeState | null, to: EnvLifeState, cause: string): void {
    const at = Date.now();
    if (to === 'gone') this.flushPartials();
    this.record.state = to;
    this.record.stateSince = at;
    // A warm env going from idle to invoking and back is what every warm invoke does: its invocation
    // record says when it ran, so these two moves are not events (nor rows) of their own.
    if ((from === 'idle' && to === 'invoking') || (from === 'invoking' && to === 'idle')) {
      this.rec.envChanged(this.record);
      return;
    }
    if (to === 'shuttingDown') this.shutdownCause = cause;
    if (to === 'gone') {
      this.record.endReason = this.shutdownCause ?? cause;
      this.record.endedAt = at;
      if (this.streamDropped > 0) this.marker(undefined, `[workbench] ${this.streamDropped} bytes of this environment's output were not kept: the workbench keeps ${STREAM_LOG_CAP_BYTES / 1048576} MB per environment`);
    }
    this.rec.envState(this.info, from, to, cause, at);
    this.rec.envChanged(this.record);
  }

  /** Output of the runtime's processes (stream 1 stdout, 2 stderr), as it arrives. */
  output(stream: 1 | 2, text: string, requestId: string | undefined): void {
    const i = stream - 1;
    const run = this.run;
    if (run && run.droppedLines > 0 && requestId === run.requestId && (!this.partial[i] || this.partialRequest[i] === requestId)) return this.countDropped(i, text, run);
    let buf = this.partial[i] + text;
    // A partial line belongs to the invocation that was running when it began.
    const owner = this.partial[i] ? this.partialRequest[i] : requestId;
    let start = 0;
    let nl = buf.indexOf('\n', start);
    let first = true;
    while (nl >= 0) {
      this.emit(stream === 1 ? 'stdout' : 'stderr', buf.slice(start, nl), first ? owner : requestId);
      first = false;
      start = nl + 1;
      nl = buf.indexOf('\n', start);
    }
    buf = buf.slice(start);
    if (buf.length > LINE_MAX_CHARS) {
      this.emit(stream === 1 ? 'stdout' : 'stderr', buf, first ? owner : requestId);
      buf = '';
    }
    this.partial[i] = buf;
    this.partialRequest[i] = buf ? (first ? owner : requestId) : undefined;
  }

  /**
   * Output of a run already past its cap: its lines are counted, never cut into strings (a function
   * printing 1 GB prints a million lines, and a string for each only fed the garbage collector).
   */
  private countDropped(i: number, text: string, run: { requestId: string; droppedLines: number; droppedBytes: number }): void {
    let nl = text.indexOf('\n');
    if (nl < 0) {
      const partial = this.partial[i] + text;
      if (partial.length <= LINE_MAX_CHARS) {
        this.partial[i] = partial;
        this.partialRequest[i] = run.requestId;
        return;
      }
      // A line longer than a line may be is one line (cut) where it is kept: here one line dropped.
      run.droppedLines++;
      run.droppedBytes += partial.length + 1;
      this.partial[i] = '';
      this.partialRequest[i] = undefined;
      return;
    }
    run.droppedLines++;
    run.droppedBytes += this.partial[i]!.length + nl + 1;
    let start = nl + 1;
    while ((nl = text.indexOf('\n', start)) >= 0) {
      run.droppedLines++;
      run.droppedBytes += nl - start + 1;
      start = nl + 1;
    }
    this.partial[i] = start < text.length ? text.slice(start) : '';
    this.partialRequest[i] = this.partial[i] ? run.requestId : undefined;
  }

  /** The platform's own lines (START, END, REPORT, INIT_*; or their JSON records). */
  platform(text: string, requestId: string | undefined): void {
    if (!text) return;
    const nl = text.indexOf('\n');
    // One line (START, END, REPORT): no array for it.
    if (nl < 0 || nl === text.length - 1) return this.emitLine('platform', nl < 0 ? text : text.slice(0, nl), requestId, platformLevel(text));
    for (const line of text.split('\n')) if (line) this.emitLine('platform', line, requestId, platformLevel(line));
  }

  beginRun(requestId: string): void {
    this.run = { requestId, bytes: 0, droppedLines: 0, droppedBytes: 0 };
  }

  /** Before the run's END and REPORT: its partial lines, and what its cap dropped. */
  closeRunOutput(requestId: string): void {
    this.flushPartials();
    const run = this.run?.requestId === requestId ? this.run : undefined;
    if (run && run.droppedLines > 0) {
      this.marker(requestId, `[workbench] ${run.droppedLines} lines (${run.droppedBytes} bytes) of this invocation's output were not kept: the workbench keeps ${INVOCATION_LOG_CAP_BYTES / 1048576} MB of each invocation's output`);
      run.droppedLines = 0;
    }
  }

  /** After its REPORT: the ids of the run's first and last lines. */
  finishRun(requestId: string): { first?: number; last?: number } {
    const run = this.run?.requestId === requestId ? this.run : undefined;
    if (run) this.run = undefined;
    return { first: run?.first, last: run?.last };
  }

  /** Builds, publishes and persists the record of a finished invocation. */
  invocation(f: RunFacts, range: { first?: number; last?: number }): void {
    const spans: SpanView[] = [];
    // Queued: arrival until an env was chosen, less what creating that env took (the acquire span).
    const acquireStart = f.creation ? (f.creation.startNs > f.receivedNs ? f.creation.startNs : f.receivedNs) : f.claimedNs;
    pushSpan(spans, 'queued', f.receivedNs, acquireStart);
    if (f.creation) pushSpan(spans, 'acquire', acquireStart, f.creation.readyNs);
    if (f.thaw) pushSpan(spans, 'thaw', f.thaw.startNs, f.thaw.endNs);
    if (f.init) pushSpan(spans, 'init', f.init.startNs, f.init.endNs);
    if (f.invoke) {
      pushSpan(spans, 'invoke', f.invoke.startNs, f.invoke.endNs);
      pushSpan(spans, 'postResponse', f.invoke.endNs, f.reportedNs);
    }
    const queuedMs = msBetween(f.receivedNs, acquireStart);
    const endedAt = wallOf(f.reportedNs);
    this.rec.invocation({
      seq: 0,
      requestId: f.requestId,
      functionName: this.info.functionName,
      version: this.info.version,
      source: f.source,
      envId: this.info.envId,
      cold: f.cold,
      ...(f.cold && f.coldCause ? { coldCause: f.coldCause } : {}),
      startedAt: wallOf(f.receivedNs),
      endedAt,
      queuedMs,
      ...(f.initMs !== undefined ? { initMs: f.initMs } : {}),
      durationMs: f.durationMs,
      billedMs: f.billedMs,
      memorySizeMb: this.info.memorySizeMb,
      maxMemoryUsedMb: f.maxMemoryUsedMb,
      architecture: this.rec.architectureOf(this.info.functionName),
      status: f.status,
      ...(f.errorType ? { errorType: f.errorType } : {}),
      payloadBytes: f.payload.length,
      responseBytes: f.response?.length ?? 0,
      ...(range.first !== undefined ? { logFrom: range.first, logTo: range.last } : {}),
      spans,
      // Decoded at the flush, off the invoke path.
      payloadHead: '',
      responseHead: '',
    }, f.payload, f.response);
    this.record.invocations++;
    this.record.lastUsedAt = endedAt;
    this.record.memoryPeakMb = Math.max(this.record.memoryPeakMb, f.maxMemoryUsedMb);
    this.rec.envChanged(this.record);
  }

  /** The env's /tmp after an invocation: its use, and what the invocation changed. */
  tmp(usedBytes: number, change: TmpChange | undefined): void {
    const changedUse = this.record.tmpUsedBytes !== usedBytes;
    this.record.tmpUsedBytes = usedBytes;
    if (change) this.rec.tmpChange(this.info, change);
    if (changedUse || change) this.rec.envChanged(this.record);
  }

  platformEvent(type: PlatformEventType, record: () => Record<string, unknown>): void {
    this.rec.platform(type, this.info, record);
  }

  private flushPartials(): void {
    for (const i of [0, 1] as const) {
      if (!this.partial[i]) continue;
      this.emit(i === 0 ? 'stdout' : 'stderr', this.partial[i], this.partialRequest[i]);
      this.partial[i] = '';
      this.partialRequest[i] = undefined;
    }
  }

  private emit(stream: LogStreamKind, text: string, requestId: string | undefined): void {
    if (text.endsWith('\r')) text = text.slice(0, -1);
    const bytes = text.length + 1;
    const run = requestId !== undefined && this.run?.requestId === requestId ? this.run : undefined;
    // Once a line is dropped every later one is (the kept lines are the first ones, with no holes).
    if (run && (run.droppedLines > 0 || run.bytes + bytes > INVOCATION_LOG_CAP_BYTES)) {
      run.droppedLines++;
      run.droppedBytes += bytes;
      return;
    }
    if (this.streamBytes + bytes > STREAM_LOG_CAP_BYTES) {
      this.streamDropped += bytes;
      return;
    }
    if (run) run.bytes += bytes;
    this.streamBytes += bytes;
    if (text.length > LINE_MAX_CHARS) text = `${text.slice(0, LINE_MAX_CHARS)} … [workbench: line cut, ${text.length - LINE_MAX_CHARS} more characters]`;
    this.emitLine(stream, text, requestId, levelOf(text));
  }

  private emitLine(stream: LogStreamKind, text: string, requestId: string | undefined, level: string | undefined): void {
    const line: Omit<LogLine, 'id'> = { at: Date.now(), functionName: this.info.functionName, envId: this.info.envId, stream, text };
    if (requestId !== undefined) line.requestId = requestId;
    if (level !== undefined) line.level = level;
    const id = this.rec.line(line);
    const run = requestId !== undefined && this.run?.requestId === requestId ? this.run : undefined;
    if (run) {
      run.first ??= id;
      run.last = id;
    }
  }

  private marker(requestId: string | undefined, text: string): void {
    this.emitLine('platform', text, requestId, 'WARN');
  }
}
