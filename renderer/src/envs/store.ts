// Every env the window knows of, live: history from `telemetry.envs` merged with
// the `env` events of the telemetry feed (each carries the whole record), and
// the /tmp changes the `tmp` events report per invocation. Kept outside React
// (a burst of 50 envs changes state hundreds of times a second); views re-read
// on the frame version, bumped at most once per animation frame.
import type { ContractError } from '../../../main/contract/index.js';
import type { EnvRecord, TelemetryEvent, TmpChange } from '../../../main/contract/telemetry.js';
import { api } from '../client.js';
import { addTelemetrySink } from '../telemetry/feed.js';
import { FrameVersion } from '../telemetry/frame-version.js';

/** Live changes kept per env (the inspector reads older ones from envs.tmpChanges). */
const CHANGES_PER_ENV = 200;
/** Envs whose live changes are kept (oldest-touched dropped first). */
const CHANGE_ENVS = 500;

const records = new Map<string, EnvRecord>();
/** The bus sequence each record is current to: a history answer older than a live event loses. */
const recordSeq = new Map<string, number>();
const changes = new Map<string, TmpChange[]>();

export const envsVersion = new FrameVersion();
export const tmpVersion = new FrameVersion();

interface LoadState {
  loading: boolean;
  error?: ContractError;
}
let loadState: LoadState = { loading: false };
const loadListeners = new Set<() => void>();
function setLoad(s: LoadState): void {
  loadState = s;
  for (const l of loadListeners) l();
  envsVersion.bump();
}

export function envLoadState(): LoadState {
  return loadState;
}

function put(r: EnvRecord, seq: number): void {
  const known = recordSeq.get(r.envId) ?? -1;
  if (seq < known) return;
  records.set(r.envId, r);
  recordSeq.set(r.envId, seq);
}

function addChange(envId: string, c: TmpChange): void {
  let list = changes.get(envId);
  if (!list) {
    if (changes.size >= CHANGE_ENVS) changes.delete(changes.keys().next().value!);
    list = [];
    changes.set(envId, list);
  }
  const i = list.findIndex((x) => x.requestId === c.requestId);
  if (i >= 0) list[i] = c;
  else list.push(c);
  if (list.length > CHANGES_PER_ENV) list.splice(0, list.length - CHANGES_PER_ENV);
}

let loadTimer: ReturnType<typeof setTimeout> | undefined;
async function loadHistory(): Promise<void> {
  setLoad({ loading: true, error: loadState.error });
  const r = await api.request('telemetry.envs', { includeGone: true, limit: 5000 });
  if (!r.ok) {
    setLoad({ loading: false, error: r.error });
    // The engine may still be starting (or an older one without telemetry): try again, calmly.
    clearTimeout(loadTimer);
    loadTimer = setTimeout(() => void loadHistory(), 5000);
    return;
  }
  for (const e of r.value.items) put(e, r.value.seq);
  setLoad({ loading: false });
}

function onEvent(e: TelemetryEvent, seq: number): void {
  if (e.type === 'env') {
    put(e.record, seq);
    envsVersion.bump();
  } else if (e.type === 'tmp') {
    addChange(e.envId, e.change);
    tmpVersion.bump();
  }
}

let started = false;
/** Starts following envs (idempotent): the panel, the inspector and the metrics all call it. */
export function startEnvs(): void {
  if (started) return;
  started = true;
  addTelemetrySink({ event: onEvent, reset: () => void loadHistory() });
  void loadHistory();
}

/** Re-reads history now (the panel's retry after an error). */
export function reloadEnvs(): void {
  void loadHistory();
}

export function allEnvs(): IterableIterator<EnvRecord> {
  return records.values();
}

export function envRecord(envId: string | undefined): EnvRecord | undefined {
  return envId ? records.get(envId) : undefined;
}

/** When the function's first env was created (what "all since the first invocation" starts from). */
export function firstEnvCreated(functionName: string): number | undefined {
  let first: number | undefined;
  for (const e of records.values()) if (e.functionName === functionName && (first === undefined || e.createdAt < first)) first = e.createdAt;
  return first;
}

/** The live /tmp changes of an env (the `tmp` events since the window started), oldest first. */
export function liveTmpChanges(envId: string): readonly TmpChange[] {
  return changes.get(envId) ?? [];
}

/** For tests: forget everything. */
export function resetEnvStoreForTests(): void {
  records.clear();
  recordSeq.clear();
  changes.clear();
}

/** For tests: feed an event as the sink would get it. */
export const envSinkForTests = onEvent;
