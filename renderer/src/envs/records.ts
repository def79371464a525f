// Invocations this window did not make (the AWS CLI's, or from before a
// restart) looked up by request id in the engine's history: the inspector's
// card for them and the metrics' mark of the focused invocation's time.
// A small cache: the same id is asked once.
import type { ContractError, InvocationResult } from '../../../main/contract/index.js';
import type { InvocationDetail, LogLine } from '../../../main/contract/telemetry.js';
import { api } from '../client.js';

export interface LookedUp {
  detail: InvocationDetail;
  /** As the result card shows invocations (its log lines read from the engine's logs). */
  result: InvocationResult;
}

const CACHE = 50;
const cache = new Map<string, Promise<{ ok: true; value: LookedUp } | { ok: false; error: ContractError }>>();

/** The invocation's record and log lines from the engine; cached (the last 50). */
export function lookUpInvocation(requestId: string) {
  let p = cache.get(requestId);
  if (!p) {
    p = (async () => {
      const r = await api.request('telemetry.invocation', { requestId });
      if (!r.ok) {
        cache.delete(requestId); // a later look may find it (the record may not be written yet)
        return { ok: false as const, error: r.error };
      }
      const logs = await api.request('telemetry.logs', { name: r.value.functionName, requestId, limit: 1000 });
      return { ok: true as const, value: { detail: r.value, result: toResult(r.value, logs.ok ? logs.value.items : []) } };
    })();
    cache.set(requestId, p);
    if (cache.size > CACHE) cache.delete(cache.keys().next().value!);
  }
  return p;
}

/** An engine record as the result card's shape (the card is the one way the window shows an invocation). */
export function toResult(d: InvocationDetail, lines: readonly LogLine[]): InvocationResult {
  const failed = d.status === 'error' || d.status === 'timeout';
  let errorMessage: string | undefined;
  let stackTrace: string[] | undefined;
  if (failed) {
    try {
      const body = JSON.parse(d.responseHead) as { errorMessage?: unknown; stackTrace?: unknown };
      if (typeof body.errorMessage === 'string') errorMessage = body.errorMessage;
      if (Array.isArray(body.stackTrace)) stackTrace = body.stackTrace.map(String);
    } catch {
      // a head cut at 4 KB, or not JSON: the response view shows it as it is
    }
  }
  const event = d.source === 'event';
  return {
    requestId: d.requestId,
    functionName: d.functionName,
    qualifier: d.version,
    executedVersion: d.version,
    type: event ? 'Event' : 'RequestResponse',
    source: d.source === 'batch' ? 'batch' : 'ui',
    statusCode: d.status === 'throttled' ? 429 : event ? 202 : 200,
    startedAt: new Date(d.startedAt).toISOString(),
    roundTripMs: d.endedAt - d.startedAt,
    functionError: failed ? 'Unhandled' : undefined,
    errorType: d.errorType ?? (d.status === 'throttled' ? 'TooManyRequestsException' : undefined),
    errorMessage,
    stackTrace,
    response: event || d.status === 'throttled' ? undefined : d.responseHead,
    responseBytes: d.responseBytes,
    durationMs: d.durationMs,
    billedDurationMs: d.billedMs,
    initDurationMs: d.initMs,
    maxMemoryUsedMb: d.maxMemoryUsedMb,
    memorySizeMb: d.memorySizeMb,
    cold: d.envId ? d.cold : undefined,
    coldCause: d.coldCause,
    envId: d.envId,
    logLines: lines.map((l) => l.text),
  };
}

const SOURCES: Record<string, string> = { sync: 'a synchronous Invoke (the AWS CLI or an SDK)', event: 'an Event invoke', url: 'its function URL', ui: 'a window', batch: 'a batch run' };
export const sourceLabel = (s: string): string => SOURCES[s] ?? s;
