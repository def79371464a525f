// invoke.run: the window's Invoke, through the same engine calls as the REST
// API's (a synchronous invoke, the durable queue for Event, the resolve-only
// check for DryRun), answered with everything the result card shows: REPORT's
// figures, the error's type/message/stack, the env and why it was cold, and the
// invocation's own log lines.
import { randomUUID } from 'node:crypto';
import type { CheckedParamsOf } from '../../contract/methods.js';
import type { InvocationResult } from '../../contract/results.js';
import type { Engine } from '../engine.js';
import { LambdaError } from '../errors.js';
import type { FunctionVersion, InvokeOutcome, InvokeReport } from '../data/model.js';
import { isolationHint } from '../control/network-hint.js';

/** The log lines a result carries at most (the newest kept; platform lines always). */
export const MAX_LOG_LINES = 1000;
export const MAX_LOG_BYTES = 256 * 1024;
/** REPORT's figures from the invocation's log block: Lambda's text line or the JSON platform.report record. */
export function parseReport(log: string, requestId: string): InvokeReport | undefined {
  for (const line of log.split('\n')) {
    if (line.startsWith(`REPORT RequestId: ${requestId}`)) {
      const field = (name: string) => {
        const m = line.match(new RegExp(`${name}: ([0-9.]+)`));
        return m ? Number(m[1]) : undefined;
      };
      const durationMs = field('\tDuration');
      if (durationMs === undefined) return undefined;
      const init = field('Init Duration');
      return {
        durationMs,
        billedMs: field('Billed Duration') ?? Math.ceil(durationMs),
        memorySizeMb: field('Memory Size') ?? 0,
        maxMemoryUsedMb: field('Max Memory Used') ?? 0,
        ...(init !== undefined ? { initDurationMs: init } : {}),
      };
    }
    if (line.startsWith('{') && line.includes('"platform.report"')) {
      try {
        const rec = JSON.parse(line) as { type?: string; record?: { requestId?: string; metrics?: Record<string, number> } };
        const m = rec.record?.metrics;
        if (rec.type !== 'platform.report' || rec.record?.requestId !== requestId || !m) continue;
        return {
          durationMs: m.durationMs ?? 0,
          billedMs: m.billedDurationMs ?? 0,
          memorySizeMb: m.memorySizeMB ?? 0,
          maxMemoryUsedMb: m.maxMemoryUsedMB ?? 0,
          ...(m.initDurationMs !== undefined ? { initDurationMs: m.initDurationMs } : {}),
        };
      } catch {
        /* a function's own line that looks like one */
      }
    }
  }
  return undefined;
}

/**
 * The invocation's log block from its env's stream (the env appends the whole block, START to
 * REPORT, once REPORT is written, which a tail invocation waits for).
 */
function logBlockFromStreams(engine: Engine, functionName: string, envId: string, requestId: string): string | undefined {
  const env = engine.environments(functionName).find((e) => e.id === envId);
  const streams = [...engine.logs.list(functionName)].reverse();
  const ordered = env ? [...streams.filter((s) => s.name === env.logStream), ...streams.filter((s) => s.name !== env.logStream)] : streams;
  for (const stream of ordered) {
    const events = stream.all();
    for (let i = events.length - 1; i >= 0; i--) {
      const text = events[i]!.text;
      if (text.includes(requestId) && (text.includes(`REPORT RequestId: ${requestId}`) || text.includes('"platform.report"'))) return text;
    }
  }
  return undefined;
}

const PLATFORM_LINE = /^(INIT_START|START|END|REPORT|INIT_REPORT|\{"time":"[^"]*","type":"platform\.)/;

/** The block as lines, bounded: platform lines always kept, the function's own output newest first. */
export function boundedLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let bytes = 0;
  for (const l of lines) bytes += Buffer.byteLength(l) + 1;
  if (lines.length <= MAX_LOG_LINES && bytes <= MAX_LOG_BYTES) return lines;
  const keep = new Array<boolean>(lines.length).fill(false);
  let count = 0;
  bytes = 0;
  lines.forEach((l, i) => {
    if (PLATFORM_LINE.test(l)) {
      keep[i] = true;
      count++;
      bytes += Buffer.byteLength(l) + 1;
    }
  });
  for (let i = lines.length - 1; i >= 0; i--) {
    if (keep[i]) continue;
    const size = Buffer.byteLength(lines[i]!) + 1;
    if (count + 1 > MAX_LOG_LINES || bytes + size > MAX_LOG_BYTES) break;
    keep[i] = true;
    count++;
    bytes += size;
  }
  const dropped = lines.length - count;
  const out: string[] = [];
  let marked = false;
  lines.forEach((l, i) => {
    if (keep[i]) out.push(l);
    else if (!marked) {
      out.push(`[workbench] ${dropped} lines of this invocation's output are not shown here (the card keeps ${MAX_LOG_LINES} lines or ${MAX_LOG_BYTES / 1024} KB); the full log is in the env's log stream`);
      marked = true;
    }
  });
  return out;
}

/** errorType, errorMessage and the stack from an error payload (Node's `trace`, Python's `stackTrace`). */
export function parseErrorPayload(text: string): Pick<InvocationResult, 'errorType' | 'errorMessage' | 'stackTrace'> {
  try {
    const body = JSON.parse(text) as { errorType?: unknown; errorMessage?: unknown; trace?: unknown; stackTrace?: unknown };
    if (typeof body !== 'object' || body === null) return {};
    const stack = Array.isArray(body.stackTrace) ? body.stackTrace : Array.isArray(body.trace) ? body.trace : undefined;
    return {
      ...(typeof body.errorType === 'string' ? { errorType: body.errorType } : {}),
      ...(typeof body.errorMessage === 'string' ? { errorMessage: body.errorMessage } : {}),
      ...(stack ? { stackTrace: stack.map((l) => String(l).replace(/\n$/, '')) } : {}),
    };
  } catch {
    return {};
  }
}

/** The payload as the REST API takes it: JSON, or nothing (then `{}`). */
function payloadOf(text: string): Buffer {
  if (text.trim() === '') return Buffer.from('{}');
  try {
    JSON.parse(text);
  } catch (err) {
    throw new LambdaError('InvalidRequestContentException', `Could not parse request body into json: Could not parse payload into json: ${(err as Error).message}`);
  }
  return Buffer.from(text, 'utf8');
}

/** The env's network, and a hint when the error reads like the isolation refused a connection. */
function networkOf(net: FunctionVersion['network'], error: Partial<InvocationResult>, log: string): Pick<InvocationResult, 'network' | 'isolationHint'> {
  const network = { mode: net?.mode ?? 'none', hostPorts: [...(net?.hostPorts ?? [])] };
  if (!error.functionError) return { network };
  // The error and the end of the log: a function may catch the refusal and log it before failing.
  const text = [error.errorType, error.errorMessage, ...(error.stackTrace ?? []), log.slice(-16_384)].filter(Boolean).join('\n');
  const hint = isolationHint(text, network);
  return hint ? { network, isolationHint: hint } : { network };
}

export class Invocations {
  constructor(private readonly engine: Engine) {}

  private memoryOf(functionName: string, executedVersion: string): number {
    const { record } = this.engine.functions.resolve(functionName);
    const target = executedVersion === '$LATEST' ? record : this.engine.functions.getVersion(record.config.FunctionName, executedVersion) ?? record;
    return target.config.MemorySize;
  }

  async run(p: CheckedParamsOf<'invoke.run'>): Promise<InvocationResult> {
    const started = Date.now();
    const t0 = performance.now();
    const qualifier = p.qualifier ?? '$LATEST';
    const base = { functionName: p.name, qualifier, type: p.type, source: p.source, startedAt: new Date(started).toISOString() } as const;
    if (p.type === 'DryRun') {
      this.engine.checkInvoke(p.name, p.qualifier);
      const { version } = this.engine.functions.resolve(p.name, p.qualifier);
      return { ...base, requestId: randomUUID(), executedVersion: version.version, statusCode: 204, roundTripMs: performance.now() - t0, responseBytes: 0, memorySizeMb: version.memorySize, logLines: [] };
    }
    const payload = payloadOf(p.payload);
    if (p.type === 'Event') {
      const requestId = await this.engine.invokeAsync(p.name, p.qualifier, payload);
      const { version } = this.engine.functions.resolve(p.name, p.qualifier);
      return { ...base, requestId, executedVersion: version.version, statusCode: 202, roundTripMs: performance.now() - t0, responseBytes: 0, memorySizeMb: version.memorySize, logLines: [] };
    }
    // tail: the outcome resolves once REPORT is written, so the card gets the whole block.
    const { version } = this.engine.functions.resolve(p.name, p.qualifier);
    const out: InvokeOutcome = await this.engine.invoke({ functionName: p.name, qualifier: p.qualifier, payload, tail: true, source: p.source });
    const roundTripMs = performance.now() - t0;
    const log = out.log ?? logBlockFromStreams(this.engine, p.name, out.envId, out.requestId) ?? '';
    const report = out.report ?? parseReport(log, out.requestId);
    const response = out.payload.toString('utf8');
    // The env says why it started the runtime for this invocation (environment.ts startRuntime).
    const coldCause = out.coldStart ? out.coldCause : undefined;
    const error: Partial<InvocationResult> = {};
    if (out.functionError) {
      Object.assign(error, { functionError: out.functionError }, parseErrorPayload(response));
      // The payload names the error; the runtime's error-type header stands in when it does not.
      if (!error.errorType && out.errorType) error.errorType = out.errorType;
    }
    return {
      ...base,
      requestId: out.requestId,
      executedVersion: out.executedVersion,
      statusCode: 200,
      roundTripMs,
      ...error,
      response,
      responseBytes: out.payload.length,
      ...(report
        ? {
            durationMs: report.durationMs,
            billedDurationMs: report.billedMs,
            maxMemoryUsedMb: report.maxMemoryUsedMb,
            ...(report.initDurationMs !== undefined ? { initDurationMs: report.initDurationMs } : {}),
          }
        : {}),
      memorySizeMb: report?.memorySizeMb || this.memoryOf(p.name, out.executedVersion),
      cold: out.coldStart,
      ...(coldCause ? { coldCause } : {}),
      envId: out.envId,
      logLines: boundedLines(log),
      ...networkOf(version.network, error, log),
    };
  }
}
