// Records shaped as the engine sends them, for the timeline's unit tests (the
// e2e specs build theirs in the page). Story 1's shape: one env, a cold invoke
// (acquire, INIT, invoke, post-response), frozen, thawed for a warm invoke.
import type { EnvRecord, EnvStateChange, InvocationRecord, SpanView } from '../../../main/contract/telemetry.js';

export function invocation(p: Partial<InvocationRecord> & { requestId: string; spans: SpanView[] }): InvocationRecord {
  const start = Math.min(...p.spans.map((s) => s.start));
  const end = Math.max(...p.spans.map((s) => s.start + s.durationMs));
  const invoke = p.spans.find((s) => s.name === 'invoke');
  return {
    seq: 0,
    functionName: 'counter',
    version: '$LATEST',
    source: 'ui',
    envId: 'e1',
    cold: false,
    startedAt: start,
    endedAt: end,
    queuedMs: 0,
    durationMs: invoke?.durationMs ?? end - start,
    billedMs: Math.ceil(invoke?.durationMs ?? end - start),
    memorySizeMb: 128,
    maxMemoryUsedMb: 60,
    architecture: 'x86_64',
    status: 'success',
    payloadBytes: 2,
    responseBytes: 20,
    ...p,
  };
}

export function env(p: Partial<EnvRecord> & { envId: string }): EnvRecord {
  return {
    functionName: 'counter',
    version: '$LATEST',
    cause: 'first-invoke',
    initializationType: 'on-demand',
    createdAt: 1000,
    state: 'idle',
    stateSince: 1000,
    invocations: 0,
    memoryPeakMb: 60,
    memorySizeMb: 128,
    tmpSizeBytes: 512 * 1024 * 1024,
    network: 'none',
    ...p,
  };
}

let seq = 1;
export function stateChange(envId: string, at: number, from: EnvStateChange['from'], to: EnvStateChange['to'], cause = 'invoke'): EnvStateChange {
  return { seq: seq++, at, envId, functionName: 'counter', version: '$LATEST', from, to, cause };
}

/** Story 1: env e1 created at 1000 ms; cold invoke 1000–1400 (INIT 1050–1300); frozen 1500–5000; warm invoke 5000–5020. */
export function storyOne() {
  const cold = invocation({
    requestId: 'r1',
    cold: true,
    coldCause: 'first-invoke',
    initMs: 250,
    spans: [
      { name: 'acquire', start: 1000, durationMs: 50 },
      { name: 'init', start: 1050, durationMs: 250 },
      { name: 'invoke', start: 1300, durationMs: 90 },
      { name: 'postResponse', start: 1390, durationMs: 10 },
    ],
  });
  const warm = invocation({
    requestId: 'r2',
    spans: [
      { name: 'thaw', start: 5000, durationMs: 2 },
      { name: 'invoke', start: 5002, durationMs: 15 },
      { name: 'postResponse', start: 5017, durationMs: 3 },
    ],
  });
  const states = [
    stateChange('e1', 1000, null, 'starting', 'first-invoke'),
    stateChange('e1', 1050, 'starting', 'initializing'),
    stateChange('e1', 1300, 'initializing', 'invoking'),
    stateChange('e1', 1400, 'invoking', 'idle', 'response'),
    stateChange('e1', 1500, 'idle', 'frozen', 'idle'),
    stateChange('e1', 5000, 'frozen', 'invoking'),
    stateChange('e1', 5020, 'invoking', 'idle', 'response'),
  ];
  const record = env({ envId: 'e1', createdAt: 1000, state: 'idle', stateSince: 5020, invocations: 2, lastUsedAt: 5020 });
  return { cold, warm, states, env: record };
}
