// What the engine's telemetry looks like to the window (issue 11): invocation
// records with their spans, log lines, env records, env state changes, /tmp
// views and metrics. Plain data only (IPC's structured clone and the
// WebSocket's JSON carry it unchanged). Times are epoch milliseconds (floats
// where sub-millisecond matters: spans come from the init's monotonic clock,
// anchored to the wall clock once per engine start).

/** Where an invocation came from. */
export type InvocationSource = 'sync' | 'event' | 'url' | 'ui' | 'batch';

export type InvocationStatus = 'success' | 'error' | 'timeout' | 'throttled';

/** A named span of an invocation, in wall-clock time. */
export interface SpanView {
  /**
   * queued: from the request's arrival until an env was chosen (waiting for a free env or a creation);
   * acquire: creating the env's sandbox for a cold start (code mounted, network attached);
   * thaw: unfreezing the env; init: the runtime's INIT (on a cold start); invoke: from the event's
   * delivery to the runtime until its response; postResponse: from the response until the init
   * reported the invocation done (its MEMORY frame).
   */
  name: 'queued' | 'acquire' | 'thaw' | 'init' | 'invoke' | 'postResponse';
  /** Epoch ms (fractional). */
  start: number;
  durationMs: number;
}

export interface InvocationRecord {
  /** The telemetry bus's sequence number of the record (0 for records read back from before a restart's seq). */
  seq: number;
  requestId: string;
  functionName: string;
  /** The version that ran ($LATEST or a number). */
  version: string;
  source: InvocationSource;
  /** Absent for throttled invocations (no env ran them). */
  envId?: string;
  cold: boolean;
  coldCause?: string;
  /** When the request reached the data plane (epoch ms). */
  startedAt: number;
  /** When its REPORT was written (epoch ms). */
  endedAt: number;
  queuedMs: number;
  initMs?: number;
  durationMs: number;
  billedMs: number;
  memorySizeMb: number;
  maxMemoryUsedMb: number;
  architecture: 'x86_64' | 'arm64';
  status: InvocationStatus;
  errorType?: string;
  payloadBytes: number;
  responseBytes: number;
  /** Ids (LogLine.id) of the invocation's first and last log lines, when it has any. */
  logFrom?: number;
  logTo?: number;
  spans: SpanView[];
}

/** An invocation with the bounded heads of its payload and response (4 KB each). */
export interface InvocationDetail extends InvocationRecord {
  payloadHead: string;
  responseHead: string;
}

export type LogStreamKind = 'stdout' | 'stderr' | 'platform';

export interface LogLine {
  /** Increasing per workbench (survives restarts): the order lines happened in. */
  id: number;
  /** Epoch ms. */
  at: number;
  functionName: string;
  envId: string;
  /** The invocation it belongs to (absent for lines printed between invocations or during a provisioned INIT). */
  requestId?: string;
  stream: LogStreamKind;
  /** JSON log lines' level (`level` or `levelname`), upper case; platform lines: INFO or WARN. */
  level?: string;
  /** The line without its newline. A line longer than 16 KB is cut there, and says so. */
  text: string;
}

export type EnvLifeState = 'starting' | 'initializing' | 'idle' | 'invoking' | 'frozen' | 'shuttingDown' | 'gone';

export interface EnvRecord {
  envId: string;
  functionName: string;
  version: string;
  /** Why it was created: first-invoke, scale-out, after-code-change, forced, prewarm, provisioned, ... */
  cause: string;
  initializationType: 'on-demand' | 'provisioned-concurrency';
  createdAt: number;
  state: EnvLifeState;
  /** When it entered its state. */
  stateSince: number;
  invocations: number;
  lastUsedAt?: number;
  memoryPeakMb: number;
  memorySizeMb: number;
  /** /tmp used and its size in bytes (used: as of the last invocation's end). */
  tmpUsedBytes?: number;
  tmpSizeBytes: number;
  network: 'none' | 'internet' | 'host-ports';
  /** Why it went (keepalive-expired, forced, after-code-change, shutdown, sandbox-lost, ...). */
  endReason?: string;
  endedAt?: number;
}

/** One state change of an env (the timeline draws idle and frozen spans from these). */
export interface EnvStateChange {
  seq: number;
  at: number;
  envId: string;
  functionName: string;
  version: string;
  from: EnvLifeState | null;
  to: EnvLifeState;
  cause: string;
}

/**
 * Lambda's Telemetry API event types the workbench emits, with their records as AWS shapes them
 * (https://docs.aws.amazon.com/lambda/latest/dg/telemetry-schema-reference.html), plus the env id.
 */
export type PlatformEventType =
  | 'platform.initStart'
  | 'platform.initRuntimeDone'
  | 'platform.initReport'
  | 'platform.start'
  | 'platform.runtimeDone'
  | 'platform.report';

export interface PlatformEvent {
  type: PlatformEventType;
  /** ISO time, as the Telemetry API's `time`. */
  time: string;
  functionName: string;
  envId: string;
  record: Record<string, unknown>;
}

/** What travels on the `telemetry` stream. */
export type TelemetryEvent =
  | { type: 'invocation'; record: InvocationRecord }
  | { type: 'env'; record: EnvRecord }
  | { type: 'envState'; change: EnvStateChange }
  | { type: 'logs'; lines: LogLine[] }
  | { type: 'platform'; event: PlatformEvent }
  | { type: 'tmp'; envId: string; functionName: string; change: TmpChange }
  | { type: 'control'; change: 'created' | 'updated' | 'deleted' | 'code'; name: string }
  | { type: 'image'; runtime: string; state: string; progress?: string }
  /**
   * Frames between `fromSeq` and `toSeq` (inclusive) were not delivered: the subscriber was too
   * slow, or resumed from a sequence the engine no longer holds in memory. Re-read history.
   */
  | { type: 'gap'; fromSeq: number; toSeq: number; reason: 'slow-subscriber' | 'resume-too-old' };

export interface TmpEntry {
  /** Relative to /tmp, '/'-separated, never starting with '/'. */
  path: string;
  type: 'file' | 'dir' | 'link' | 'other';
  size: number;
  /** Epoch ms. */
  mtimeMs: number;
  /** A link's target, as text: never followed. */
  target?: string;
}

/** What one invocation did to /tmp. */
export interface TmpChange {
  requestId: string;
  at: number;
  added: TmpEntry[];
  modified: TmpEntry[];
  removed: string[];
}

export interface TmpView {
  envId: string;
  /** False when the env's /tmp cannot be shown (the reason says why). */
  available: boolean;
  reason?: string;
  usedBytes: number;
  sizeBytes: number;
  /** As of the end of the env's last invocation (epoch ms), and which one. */
  asOf?: number;
  requestId?: string;
  entries: TmpEntry[];
  /** More entries than the init lists (it lists 2,000). */
  truncated: boolean;
}

export interface TmpFile {
  envId: string;
  path: string;
  size: number;
  /** base64 of the bytes read (at most maxBytes from offset). */
  base64: string;
  truncated: boolean;
}

export interface MetricsBucket {
  /** Epoch ms of the bucket's start. */
  start: number;
  invocations: number;
  errors: number;
  throttles: number;
  p50?: number;
  p90?: number;
  p99?: number;
  /** Duration percentiles of warm invocations only. */
  warmP50?: number;
  warmP99?: number;
  coldStarts: number;
  coldByCause: Record<string, number>;
  /** Most envs alive at once in the bucket. */
  concurrentEnvs: number;
  maxMemoryMb: number;
  billedMs: number;
  costUsd: number;
}

export interface PriceTable {
  /** When the prices were read off AWS's page, and which region's they are. */
  asOf: string;
  region: string;
  perRequestUsd: number;
  perGbSecondUsd: { x86_64: number; arm64: number };
  source: string;
}

export interface MetricsView {
  functionName: string;
  from: number;
  to: number;
  bucketMs: number;
  buckets: MetricsBucket[];
  totals: Omit<MetricsBucket, 'start'>;
  pricing: PriceTable;
}

/** History answers carry the bus sequence they are current to: live frames after it follow on. */
export interface Page<T> {
  seq: number;
  items: T[];
  /** More matched than were returned (older ones, for lists read newest first). */
  more: boolean;
}
