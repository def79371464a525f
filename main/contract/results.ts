// What travels back over the contract: plain data, no classes, no Buffers, so
// IPC's structured clone and the WebSocket's JSON carry it unchanged.

/** Every request answers one of these; a transport never throws at its caller. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ContractError };

export interface ContractError {
  /** A code a user can search for: Lambda's own (ResourceNotFoundException, ...) or the workbench's (InvalidParameters, TransportClosed, ...). */
  code: string;
  message: string;
  /** What to do about it, when the engine knows. */
  hint?: string;
}

export type RuntimeTemplateId = 'nodejs-esm' | 'nodejs-cjs' | 'typescript' | 'python' | 'provided-bash';

/** A starting point for a new function: the files it gets and how it runs. */
export interface RuntimeTemplate {
  id: RuntimeTemplateId;
  label: string;
  runtime: string;
  handler: string;
  /** Runtimes this template can be created with (the default first). */
  runtimes: string[];
  description: string;
}

export interface EnvCounts {
  /** Idle and ready (not frozen). */
  warm: number;
  frozen: number;
  /** Being created or running INIT. */
  starting: number;
  busy: number;
}

export interface FunctionSummary {
  name: string;
  runtime: string;
  handler: string;
  memorySize: number;
  timeout: number;
  ephemeralStorage: number;
  /** Lambda's State (Active, Pending, Failed, Inactive). */
  state: string;
  lastModified: string;
  codeSize: number;
  revisionId: string;
  /** Set when `$LATEST` is a folder on disk (read-only in the window). */
  linkedFolder?: string;
  /** Which template made it (TypeScript functions are built on save). */
  template?: RuntimeTemplateId;
  envs: EnvCounts;
}

/** How a function reaches the world (issue 12): its own settings, and what applies and why. */
export interface OutboundView {
  network: {
    /** The function's own setting; 'default' = the workbench's (serve --network). */
    mode: 'none' | 'internet' | 'default';
    hostPorts: number[];
    effective: { mode: 'none' | 'internet' | 'host-ports'; internet: boolean; hostPorts: number[]; reason: string };
  };
  credentials: { source: string; effective: { source: string; reason: string } };
  endpoints: { url?: string; services: Record<string, string>; effective: Record<string, string> };
  vpc?: { subnetIds: string[]; securityGroupIds: string[] };
}

export interface FunctionDetail extends FunctionSummary {
  description: string;
  environment: Record<string, string>;
  architectures: string[];
  layers: string[];
  /** Published versions, oldest first (`$LATEST` is not listed). */
  versions: { version: string; description: string; lastModified: string; codeSha256: string }[];
  aliases: { name: string; functionVersion: string; description: string }[];
  outbound: OutboundView;
}

export interface CodeEntry {
  /** Forward-slash path inside the function's code, no leading slash. */
  path: string;
  kind: 'file' | 'dir';
  size: number;
  /** Not valid UTF-8 text: shown as binary, never opened in the editor. */
  binary: boolean;
  /** Made by the build (e.g. esbuild's output for a TypeScript function), not by the user. */
  generated?: boolean;
  /** Unix mode bits (0o755 for a bootstrap). */
  mode: number;
  /** A symbolic link, to this target (listed, never followed or opened; `kind` is 'file'). */
  link?: string;
}

export interface CodeTree {
  functionName: string;
  entries: CodeEntry[];
  /** Linked folders are edited in the user's own editor: the window shows them read-only. */
  readOnly: boolean;
  linkedFolder?: string;
  codeSha256: string;
  revisionId: string;
}

export interface CodeFile {
  path: string;
  size: number;
  binary: boolean;
  /** The text, when not binary (and not too large). */
  content?: string;
  /** Text larger than the editor takes (10 MB): content not sent. */
  tooLarge?: boolean;
}

/** Where a build problem is: `file` relative to the code root; `line` and `column` 1-based, as Monaco counts (0 when the problem has no place). */
export interface BuildDiagnostic {
  file: string;
  line: number;
  column: number;
  text: string;
}

export interface BuildReport {
  tool: 'esbuild';
  ok: boolean;
  durationMs: number;
  errors: BuildDiagnostic[];
  warnings: BuildDiagnostic[];
  /** Files the build wrote into the code. */
  outputs: string[];
}

export interface SaveResult {
  revisionId: string;
  codeSha256: string;
  codeSize: number;
  /**
   * Present for functions built on save (TypeScript). A failed build saves nothing: the call
   * still answers ok, with `build.ok === false` and the revision, digest and size unchanged.
   */
  build?: BuildReport;
}

export type InvocationType = 'RequestResponse' | 'Event' | 'DryRun';
/** Where the window's own invocations come from (telemetry's InvocationSource adds sync, event and url). */
export type WindowInvocationSource = 'ui' | 'batch';

/** Everything the result card shows about one invocation. */
export interface InvocationResult {
  requestId: string;
  functionName: string;
  qualifier: string;
  executedVersion: string;
  type: InvocationType;
  source: WindowInvocationSource;
  /** HTTP status the Invoke API would answer: 200, 202 (Event), 204 (DryRun). */
  statusCode: number;
  startedAt: string;
  /** Wall time from the request to the answer, as the caller saw it. */
  roundTripMs: number;
  /** 'Unhandled' when the function (or the platform for it) failed. */
  functionError?: string;
  errorType?: string;
  errorMessage?: string;
  stackTrace?: string[];
  /** The response body as text (JSON usually); absent for Event and DryRun. */
  response?: string;
  responseBytes: number;
  durationMs?: number;
  billedDurationMs?: number;
  initDurationMs?: number;
  maxMemoryUsedMb?: number;
  memorySizeMb: number;
  cold?: boolean;
  /** Why the env was created (first-invoke, after-code-change, scale-out, ...), when cold. */
  coldCause?: string;
  envId?: string;
  /**
   * The invocation's own log lines (INIT_START on a cold start, START … END, REPORT), as
   * CloudWatch would show them, without newlines. At most 1,000 lines or 256 KB: past that the
   * platform lines and the newest output are kept and one `[workbench] … not shown` line marks the gap.
   * Empty for Event and DryRun.
   */
  logLines: string[];
  /** The network the env had (none, internet, host-ports) and its allowed host ports. */
  network?: { mode: string; hostPorts: number[] };
  /** When the error looks like the env's isolation refused a connection: what the isolation does and what to change. */
  isolationHint?: string;
}

export type EnvState = 'starting' | 'initializing' | 'idle' | 'invoking' | 'frozen' | 'shuttingDown' | 'gone';

export interface EnvSummary {
  id: string;
  functionName: string;
  version: string;
  state: EnvState | string;
  logStream: string;
  network?: { mode: string; hostPorts: number[] };
}

export interface ImageStatus {
  runtime: string;
  state: 'ready' | 'building' | 'missing' | 'failed';
  /** The last thing the build said (e.g. "[image] nodejs20.x: copying node"). */
  progress?: string;
  error?: string;
}

export interface EngineStatus {
  docker: { ok: boolean; version?: string; error?: string };
  images: ImageStatus[];
  /** The Lambda API's endpoint (what --endpoint-url takes). */
  apiEndpoint: string;
  functionUrlEndpoint: string;
  authMode: 'default' | 'strict' | 'off';
  region: string;
  dataDir: string;
  envs: EnvCounts;
  version: string;
  /** Every invoke starts a new env (serve --force-cold, or the Environments panel's switch). */
  forceCold: boolean;
}

export interface EventTemplateView {
  source: string;
  type: string;
  description: string;
  batch: boolean;
  params: {
    name: string;
    type: 'string' | 'number' | 'boolean' | 'json';
    default: unknown;
    description: string;
    choices?: readonly string[];
  }[];
}

export interface SavedEventView {
  functionName: string;
  name: string;
  event: unknown;
  createdAt: string;
  updatedAt: string;
}

/** The console's export format for saved test events. */
export interface SavedEventsDocument {
  format: 'lambda-workbench/saved-events';
  version: 1;
  events: { functionName: string; name: string; event: unknown }[];
}
