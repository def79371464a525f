import { randomFillSync } from 'node:crypto';
// The shapes the data plane works with: an immutable function version to run,
// one invocation of it, and what came back.
import type { RuntimeSpec } from '../runtimes.js';
import type { InvocationSource } from '../../contract/telemetry.js';

/** Everything needed to run one function version; never changes once built. */
export interface FunctionVersion {
  functionName: string;
  functionArn: string;
  /** `$LATEST` or a published number. */
  version: string;
  runtime: RuntimeSpec;
  handler: string;
  memorySize: number;
  timeout: number;
  ephemeralStorage: number;
  environment: Record<string, string>;
  /** Content key of the code in the code store. */
  codeKey: string;
  /** Content keys of its layers, in the order they are extracted into /opt. */
  layerKeys: string[];
  /**
   * What runs, as a key: name, version and a hash of everything an env is built from (code,
   * runtime, handler, memory, timeout, /tmp size, environment, layers, logging, tracing). Envs
   * of another key are never reused; a RevisionId that changes with nothing else (PublishVersion
   * moves $LATEST's) keeps the key, and so keeps the warm envs.
   */
  runKey: string;
  region: string;
  /** LoggingConfig: the log group, and JSON format with the function's log level (runtimes read AWS_LAMBDA_LOG_*). */
  logGroup: string;
  logFormat: 'Text' | 'JSON';
  applicationLogLevel?: string;
  systemLogLevel?: string;
  /** TracingConfig Active: trace ids are sampled. */
  tracingActive: boolean;
  /**
   * What its envs may reach (WorkbenchNetwork, VpcConfig and the workbench's defaults; see
   * control/workbench-settings.ts). Absent: none, only lo.
   */
  network?: { mode: 'none' | 'internet' | 'host-ports'; internet: boolean; hostPorts: number[] };
  /** Where the execution role's credentials come from: dummy (when absent), none or profile:<name>. */
  credentials?: string;
  /** AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> for its envs (WorkbenchEndpoints or the workbench's). */
  endpoints?: Record<string, string>;
}

export interface Invocation {
  requestId: string;
  payload: Buffer;
  /** The ARN the caller used (with qualifier, if any). */
  invokedArn: string;
  traceId: string;
  /** Decoded X-Amz-Client-Context (JSON text). */
  clientContext?: string;
  cognitoIdentity?: string;
  /** The caller wants the log tail (X-Amz-Log-Type: Tail). */
  tail: boolean;
  /** Aborted when the caller has gone: an invocation still waiting for an env is dropped and creates none. */
  signal?: AbortSignal;
  /** Where it came from (telemetry's invocation records); sync when absent. */
  source?: InvocationSource;
  /** When the data plane received it (monotonic ns): the start of its queued span. */
  receivedNs?: bigint;
}

export interface InvokeOutcome {
  requestId: string;
  payload: Buffer;
  /** Set when the function (or the platform on its behalf) failed: `Unhandled`. */
  functionError?: 'Unhandled';
  /** The error type when functionError is set, for logs and metrics. */
  errorType?: string;
  executedVersion: string;
  /** base64 of the last 4 KB of the invocation's log, when asked for. */
  logResult?: string;
  /** Whether this invocation started a new environment. */
  coldStart: boolean;
  envId: string;
  /**
   * Why the runtime was started for this invocation (the env's creation cause, or after-crash and
   * the like for a re-init), when coldStart. Optional: filled where the env knows it.
   */
  coldCause?: string;
  /** The figures of the invocation's REPORT line, when it was written before the outcome resolved (tail). */
  report?: InvokeReport;
  /** The invocation's own log block (START … REPORT), when it was complete before the outcome resolved (tail). */
  log?: string;
}

/** What REPORT says of one invocation. */
export interface InvokeReport {
  durationMs: number;
  billedMs: number;
  memorySizeMb: number;
  maxMemoryUsedMb: number;
  initDurationMs?: number;
}

/**
 * Random hex from a pooled buffer: one getrandom() per 4 KB instead of one
 * per id, which matters on the invoke path (a syscall costs microseconds in a VM).
 */
const pool = Buffer.alloc(4096);
let poolPos = pool.length;

export function randomHex(bytes: number): string {
  if (poolPos + bytes > pool.length) {
    randomFillSync(pool);
    poolPos = 0;
  }
  const s = pool.toString('hex', poolPos, poolPos + bytes);
  poolPos += bytes;
  return s;
}

/** An X-Ray trace root, as front ends put in `X-Amzn-Trace-Id`: `Root=1-<8 hex epoch>-<24 hex>`. */
export function newTraceRoot(): string {
  const epoch = Math.floor(Date.now() / 1000).toString(16).padStart(8, '0');
  return `Root=1-${epoch}-${randomHex(12)}`;
}

/** Lambda's trace header value: `Root=1-<8 hex>-<24 hex>;Parent=<16 hex>;Sampled=0` (1 with Active tracing). */
export function newTraceId(sampled = false): string {
  return `${newTraceRoot()};Parent=${randomHex(8)};Sampled=${sampled ? 1 : 0}`;
}
