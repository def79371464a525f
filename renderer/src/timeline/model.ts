// The timeline's data, kept outside React: one lane per env (its life, its
// state changes, its invocations sorted by start), grouped by function and
// version. Everything the canvas culls and hit-tests by is here: per lane
// arrays sorted by start with a running maximum of ends, so "what touches
// [t0, t1]" is one binary search and a short scan, whatever the lane's length.
//
// Fed by the telemetry sink (invocations, env records, state changes, the
// Telemetry API's platform.start for invocations still running) and by history
// on open and after a gap; every merge is by id, so replays are harmless.
import type { EnvLifeState, EnvRecord, EnvStateChange, InvocationRecord, SpanView } from '../../../main/contract/telemetry.js';

/** Enough for a long session; the oldest go first (history reloads them if scrolled back to after a reset). */
export const MAX_INVOCATIONS = 50_000;
/** Evict in batches: one sort per this many inserts past the cap, not one per insert. */
const EVICT_SLACK = 5_000;

export interface TimelineInvocation {
  requestId: string;
  laneId: string;
  /** Earliest drawn time (its queued span's start when it has one), epoch ms. */
  start: number;
  /** Latest drawn time; Infinity while in progress (drawn to "now"). */
  end: number;
  /** Absent while in progress (a platform.start without its record yet). */
  record?: InvocationRecord;
  /** Sorted by start. In progress: empty. */
  spans: SpanView[];
}

export interface StatePoint {
  at: number;
  state: EnvLifeState;
  /** Bus sequence (0 for history from before a restart): the merge key with `at` and `state`. */
  seq: number;
}

export interface TimelineLane {
  /** The env id; throttled invocations (no env ran them) share a pseudo lane per version. */
  id: string;
  kind: 'env' | 'throttled';
  functionName: string;
  version: string;
  env?: EnvRecord;
  createdAt: number;
  endedAt?: number;
  state: EnvLifeState;
  cause: string;
  states: StatePoint[];
  items: TimelineInvocation[];
  /** endMax[i] = max(items[0..i].end): monotone, so the first item reaching t0 is a binary search. */
  endMax: number[];
}

export interface LaneRow { kind: 'lane'; y: number; h: number; lane: TimelineLane }
export interface GroupRow { kind: 'group'; y: number; h: number; key: string; functionName: string; version: string; lanes: number }
export type Row = LaneRow | GroupRow;

export const LANE_H = 22;
export const GROUP_H = 18;

/** Index of the first element whose key is > v (upper bound) in an ascending array. */
export function upperBound<T>(a: readonly T[], v: number, key: (x: T) => number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(a[mid]!) <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first element >= v in an ascending number array. */
export function lowerBoundNum(a: readonly number[], v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first item of a lane whose end reaches `t` (items before it end before t). */
export function firstReaching(lane: TimelineLane, t: number): number {
  return lowerBoundNum(lane.endMax, t);
}

const startOf = (i: TimelineInvocation) => i.start;
const atOf = (p: StatePoint) => p.at;

function throttledLaneId(fn: string, version: string): string {
  return `throttled:${fn}:${version}`;
}

export class TimelineModel {
  private readonly lanes = new Map<string, TimelineLane>();
  private readonly byId = new Map<string, TimelineInvocation>();
  private readonly stateSeqs = new Set<number>();
  private running = 0;
  private readonly stateKeys = new Set<string>();
  private rowsCache: Row[] | undefined;
  private rowsHeight = 0;
  /** Bumped on every change: the renderer redraws and the table re-lists when it moves. */
  version = 0;
  /** Only this function's data is kept (undefined: every function's). */
  scope: string | undefined;
  private readonly listeners = new Set<() => void>();

  private readonly slack: number;

  constructor(private readonly cap = MAX_INVOCATIONS) {
    this.slack = Math.max(1, Math.min(EVICT_SLACK, Math.floor(cap / 10)));
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(layout = false): void {
    this.version++;
    if (layout) this.rowsCache = undefined;
    for (const l of this.listeners) l();
  }

  accepts(functionName: string): boolean {
    return this.scope === undefined || this.scope === functionName;
  }

  get invocationCount(): number {
    return this.byId.size;
  }

  get laneCount(): number {
    return this.lanes.size;
  }

  /** Invocations still running (drawn to "now": the canvas keeps redrawing while there are any). */
  get inProgressCount(): number {
    return this.running;
  }

  invocation(requestId: string): TimelineInvocation | undefined {
    return this.byId.get(requestId);
  }

  lane(id: string): TimelineLane | undefined {
    return this.lanes.get(id);
  }

  allLanes(): IterableIterator<TimelineLane> {
    return this.lanes.values();
  }

  clear(scope?: string): void {
    this.lanes.clear();
    this.byId.clear();
    this.stateSeqs.clear();
    this.stateKeys.clear();
    this.running = 0;
    this.scope = scope;
    this.changed(true);
  }

  /** Oldest and newest times known (lanes' lives and invocations), or undefined when empty. */
  bounds(): { min: number; max: number } | undefined {
    let min = Infinity;
    let max = -Infinity;
    for (const l of this.lanes.values()) {
      min = Math.min(min, l.createdAt, l.items[0]?.start ?? Infinity);
      const lastEnd = l.endMax[l.endMax.length - 1];
      max = Math.max(max, l.endedAt ?? l.createdAt, lastEnd !== undefined && Number.isFinite(lastEnd) ? lastEnd : -Infinity, l.states[l.states.length - 1]?.at ?? -Infinity);
    }
    return Number.isFinite(min) ? { min, max: Math.max(min, max) } : undefined;
  }

  private ensureLane(id: string, fn: string, version: string, at: number, kind: TimelineLane['kind'] = 'env'): TimelineLane {
    let lane = this.lanes.get(id);
    if (!lane) {
      lane = { id, kind, functionName: fn, version, createdAt: at, state: kind === 'env' ? 'starting' : 'gone', cause: '', states: [], items: [], endMax: [] };
      this.lanes.set(id, lane);
      this.rowsCache = undefined;
    } else if (at < lane.createdAt && !lane.env) {
      lane.createdAt = at;
    }
    return lane;
  }

  // ---- invocations ------------------------------------------------------------------------------

  /** A finished invocation (replaces its in-progress placeholder, or an earlier copy). */
  addInvocation(rec: InvocationRecord): void {
    if (!this.accepts(rec.functionName)) return;
    const spans = isSorted(rec.spans) ? rec.spans : [...rec.spans].sort((a, b) => a.start - b.start);
    let start = rec.startedAt;
    let end = rec.endedAt;
    for (const s of spans) {
      start = Math.min(start, s.start);
      end = Math.max(end, s.start + s.durationMs);
    }
    const laneId = rec.envId ?? throttledLaneId(rec.functionName, rec.version);
    const lane = this.ensureLane(laneId, rec.functionName, rec.version, start, rec.envId ? 'env' : 'throttled');
    this.place(lane, { requestId: rec.requestId, laneId, start, end, record: rec, spans });
    this.changed();
  }

  /** platform.start: an invocation began on an env; drawn growing to "now" until its record comes. */
  startInvocation(requestId: string, envId: string, functionName: string, version: string, at: number): void {
    if (!this.accepts(functionName)) return;
    if (this.byId.get(requestId)?.record) return; // the record came first (a replay)
    const lane = this.ensureLane(envId, functionName, version, at);
    this.place(lane, { requestId, laneId: envId, start: at, end: Infinity, spans: [] });
    this.changed();
  }

  private place(lane: TimelineLane, inv: TimelineInvocation): void {
    const old = this.byId.get(inv.requestId);
    if (old) this.remove(old);
    const items = lane.items;
    // Live events come in start order: appending is the common case, no search for it.
    const lastStart = items[items.length - 1]?.start;
    const at = lastStart === undefined || lastStart <= inv.start ? items.length : upperBound(items, inv.start, startOf);
    if (at === items.length) {
      items.push(inv);
      lane.endMax.push(Math.max(lane.endMax[at - 1] ?? -Infinity, inv.end));
    } else {
      items.splice(at, 0, inv);
      lane.endMax.splice(at, 0, 0);
      recomputeEndMax(lane, at);
    }
    this.byId.set(inv.requestId, inv);
    if (!inv.record) this.running++;
    if (this.byId.size > this.cap + this.slack) this.evict();
  }

  private remove(inv: TimelineInvocation): void {
    const lane = this.lanes.get(inv.laneId);
    this.forget(inv);
    if (!lane) return;
    const i = lane.items.indexOf(inv);
    if (i < 0) return;
    lane.items.splice(i, 1);
    lane.endMax.splice(i, 1);
    recomputeEndMax(lane, i);
  }

  private forget(inv: TimelineInvocation): void {
    if (this.byId.get(inv.requestId) === inv) {
      this.byId.delete(inv.requestId);
      if (!inv.record) this.running--;
    }
  }

  /** Keeps the newest `cap` invocations (by start); lanes left empty and long gone go with them. */
  private evict(): void {
    const excess = this.byId.size - this.cap;
    if (excess <= 0) return;
    const starts = new Float64Array(this.byId.size);
    let k = 0;
    for (const i of this.byId.values()) starts[k++] = i.start;
    starts.sort();
    const cutoff = starts[excess]!; // items starting before it go
    for (const [id, lane] of this.lanes) {
      const n = lowerBoundNum(lane.items.map(startOf), cutoff);
      if (n > 0) {
        for (const inv of lane.items.slice(0, n)) this.forget(inv);
        lane.items.splice(0, n);
        lane.endMax.splice(0, n);
        recomputeEndMax(lane, 0);
      }
      // Keep the last state before the cutoff: it says what the lane was doing when the kept part starts.
      const s = upperBound(lane.states, cutoff, atOf) - 1;
      if (s > 0) lane.states.splice(0, s);
      if (lane.items.length === 0 && lane.endedAt !== undefined && lane.endedAt < cutoff) {
        this.lanes.delete(id);
        this.rowsCache = undefined;
      }
    }
    // The merge keys of states that went go with them (a replay that old would be re-added: harmless).
    this.stateSeqs.clear();
    this.stateKeys.clear();
    for (const lane of this.lanes.values()) {
      for (const p of lane.states) {
        if (p.seq > 0) this.stateSeqs.add(p.seq);
        else this.stateKeys.add(`${lane.id}|${p.at}|${p.state}`);
      }
    }
  }

  // ---- envs -------------------------------------------------------------------------------------

  upsertEnv(rec: EnvRecord): void {
    if (!this.accepts(rec.functionName)) return;
    const lane = this.ensureLane(rec.envId, rec.functionName, rec.version, rec.createdAt);
    // History may answer with an older copy than a live event already gave: keep the newer.
    if (lane.env && (lane.env.state === 'gone' || lane.env.stateSince > rec.stateSince)) return;
    // Rows are ordered by version and creation: only those re-sort them.
    const layout = !lane.env || lane.version !== rec.version || lane.createdAt !== rec.createdAt;
    lane.env = rec;
    lane.createdAt = rec.createdAt;
    lane.version = rec.version;
    lane.state = rec.state;
    lane.cause = rec.cause;
    lane.endedAt = rec.endedAt ?? (rec.state === 'gone' ? rec.stateSince : undefined);
    this.changed(layout);
  }

  addStateChange(c: EnvStateChange): void {
    if (!this.accepts(c.functionName)) return;
    // Merge key: the bus sequence; history from before a restart has none (0): env, time and state then.
    if (c.seq > 0) {
      if (this.stateSeqs.has(c.seq)) return;
      this.stateSeqs.add(c.seq);
    } else {
      const key = `${c.envId}|${c.at}|${c.to}`;
      if (this.stateKeys.has(key)) return;
      this.stateKeys.add(key);
    }
    const lane = this.ensureLane(c.envId, c.functionName, c.version, c.at);
    const p: StatePoint = { at: c.at, state: c.to, seq: c.seq };
    const states = lane.states;
    const lastAt = states[states.length - 1]?.at;
    const at = lastAt === undefined || lastAt <= c.at ? states.length : upperBound(states, c.at, atOf);
    if (at === states.length) states.push(p);
    else states.splice(at, 0, p);
    if (!lane.cause && c.from === null) lane.cause = c.cause;
    // The newest change says the lane's state when no env record is newer.
    const last = states[states.length - 1]!;
    // (Rows do not depend on states: no layout for this; the labels re-render with the version.)
    if (!lane.env || lane.env.stateSince <= last.at) {
      lane.state = last.state;
      if (last.state === 'gone') lane.endedAt = last.at;
    }
    this.changed();
  }

  /** When an env was frozen, [from, to] (to: when it thawed or went; undefined: still frozen). */
  frozenSpans(lane: TimelineLane): { from: number; to?: number }[] {
    const out: { from: number; to?: number }[] = [];
    lane.states.forEach((s, i) => {
      if (s.state === 'frozen') out.push({ from: s.at, to: lane.states[i + 1]?.at ?? lane.endedAt });
    });
    return out;
  }

  // ---- layout -----------------------------------------------------------------------------------

  /**
   * Rows top to bottom: a header per function version, then its lanes. Newest first everywhere (the
   * newest version's group on top, its newest env first), so a new env appears where the eye is.
   */
  rows(): Row[] {
    if (this.rowsCache) return this.rowsCache;
    const groups = new Map<string, { fn: string; version: string; lanes: TimelineLane[]; newest: number }>();
    for (const lane of this.lanes.values()) {
      const key = `${lane.functionName}\u0000${lane.version}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { fn: lane.functionName, version: lane.version, lanes: [], newest: -Infinity }));
      g.lanes.push(lane);
      if (lane.kind === 'env') g.newest = Math.max(g.newest, lane.createdAt);
    }
    const rows: Row[] = [];
    let y = 0;
    for (const [key, g] of [...groups].sort((a, b) => b[1].newest - a[1].newest || a[0].localeCompare(b[0]))) {
      rows.push({ kind: 'group', y, h: GROUP_H, key, functionName: g.fn, version: g.version, lanes: g.lanes.length });
      y += GROUP_H;
      // Throttled pseudo lanes last in their group; envs newest first, ties by id for a stable order.
      g.lanes.sort((a, b) => (a.kind === b.kind ? b.createdAt - a.createdAt || a.id.localeCompare(b.id) : a.kind === 'throttled' ? 1 : -1));
      for (const lane of g.lanes) {
        rows.push({ kind: 'lane', y, h: LANE_H, lane });
        y += LANE_H;
      }
    }
    this.rowsCache = rows;
    this.rowsHeight = y;
    return rows;
  }

  /** Height of all rows in px. */
  get height(): number {
    this.rows();
    return this.rowsHeight;
  }
}

function recomputeEndMax(lane: TimelineLane, from: number): void {
  let m = from > 0 ? lane.endMax[from - 1]! : -Infinity;
  for (let i = from; i < lane.items.length; i++) {
    m = Math.max(m, lane.items[i]!.end);
    lane.endMax[i] = m;
  }
  lane.endMax.length = lane.items.length;
}

function isSorted(spans: readonly SpanView[]): boolean {
  for (let i = 1; i < spans.length; i++) if (spans[i]!.start < spans[i - 1]!.start) return false;
  return true;
}
