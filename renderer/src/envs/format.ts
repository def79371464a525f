// How the Environments panel says things: states as words with their tone,
// times relative to now (absolute on hover), sizes, and the table's sort order.
// Pure: the panel and its tests share it.
import type { EnvLifeState, EnvRecord } from '../../../main/contract/telemetry.js';
import { CAUSES } from '../result/format.js';

export const NONE = '—';

/** Each state's word and the colour it is drawn in (the tokens' meaning: warm, frozen, cold for starting). */
export const STATES: Record<EnvLifeState, { word: string; tone: 'cold' | 'warm' | 'busy' | 'frozen' | 'stopping' | 'gone'; rank: number }> = {
  starting: { word: 'starting', tone: 'cold', rank: 0 },
  initializing: { word: 'initializing', tone: 'cold', rank: 1 },
  invoking: { word: 'invoking', tone: 'busy', rank: 2 },
  idle: { word: 'idle', tone: 'warm', rank: 3 },
  frozen: { word: 'frozen', tone: 'frozen', rank: 4 },
  shuttingDown: { word: 'shutting down', tone: 'stopping', rank: 5 },
  gone: { word: 'gone', tone: 'gone', rank: 6 },
};

export function stateInfo(s: string): { word: string; tone: string; rank: number } {
  return STATES[s as EnvLifeState] ?? { word: s, tone: 'gone', rank: 7 };
}


/** A cause or end reason as a person says it; unknown ones pass through readable. */
export function causeLabel(cause: string | undefined): string {
  if (!cause) return NONE;
  return CAUSES[cause] ?? cause.replace(/-/g, ' ');
}

/** "now", "12 s ago", "4 min ago", "3 h ago", "2 d ago". */
export function relative(at: number | undefined, now: number): string {
  if (at === undefined || !Number.isFinite(at)) return NONE;
  const s = Math.max(0, (now - at) / 1000);
  if (s < 2) return 'now';
  if (s < 60) return `${Math.floor(s)} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/** The full local time with milliseconds, for tooltips: "2026-12-05 14:03:07.412". */
export function absolute(at: number | undefined): string {
  if (at === undefined || !Number.isFinite(at)) return NONE;
  const d = new Date(at);
  const p = (x: number, w = 2) => String(x).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** "14:03:07". */
export function clockTime(at: number | undefined): string {
  return at === undefined ? NONE : absolute(at).slice(11, 19);
}

/** Bytes in the unit a person reads: 512 B, 1.5 KB, 12.0 MB, 2.00 GB. */
export function bytes(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return NONE;
  if (n < 1024) return `${n} B`;
  // Whole sizes (a /tmp of 512 MB) without a decimal; others with one.
  const unit = (v: number, u: string, digits: number) => `${Number.isInteger(v) ? v : v.toFixed(digits)} ${u}`;
  if (n < 1024 * 1024) return unit(n / 1024, 'KB', 1);
  if (n < 1024 ** 3) return unit(n / 1024 / 1024, 'MB', 1);
  return unit(n / 1024 ** 3, 'GB', 2);
}

/** Compact for a column: 0, 12K, 1.2M, 512M, 10G (binary units, no "B"). */
export function bytesShort(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return NONE;
  const units = ['', 'K', 'M', 'G'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 10 || i === 0 ? Math.round(v) : v.toFixed(1)}${units[i]}`;
}

export const shortId = (id: string | undefined, n = 8): string => (id ? id.slice(0, n) : NONE);

/** A fraction 0..1 for a bar; 0 when the size is unknown. */
export function fraction(used: number | undefined, size: number | undefined): number {
  if (!used || !size || !Number.isFinite(used) || !Number.isFinite(size) || size <= 0) return 0;
  return Math.min(1, Math.max(0, used / size));
}

export type NetworkMode = EnvRecord['network'];
export function networkWord(n: NetworkMode | string | undefined): string {
  if (n === 'none' || !n) return 'no net';
  if (n === 'internet') return 'internet';
  if (n === 'host-ports') return 'host ports';
  return n;
}

// ---- the table's sorting -------------------------------------------------------------------

export type SortKey = 'state' | 'env' | 'function' | 'cause' | 'created' | 'lastUsed' | 'invocations' | 'memory' | 'tmp' | 'network' | 'end';
export interface Sort {
  key: SortKey;
  desc: boolean;
}

const value = (e: EnvRecord, k: SortKey): number | string => {
  switch (k) {
    case 'state':
      return stateInfo(e.state).rank;
    case 'env':
      return e.envId;
    case 'function':
      return `${e.functionName}:${e.version}`;
    case 'cause':
      return e.cause;
    case 'created':
      return e.createdAt;
    case 'lastUsed':
      return e.lastUsedAt ?? 0;
    case 'invocations':
      return e.invocations;
    case 'memory':
      return e.memoryPeakMb;
    case 'tmp':
      return e.tmpUsedBytes ?? -1;
    case 'network':
      return e.network;
    case 'end':
      return e.endReason ?? '';
  }
};

/** Sorts by one column; ties fall back to newest created first, then the id (a stable order for a live list). */
export function sortEnvs(list: readonly EnvRecord[], sort: Sort): EnvRecord[] {
  const dir = sort.desc ? -1 : 1;
  return [...list].sort((a, b) => {
    const va = value(a, sort.key);
    const vb = value(b, sort.key);
    const c = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
    if (c !== 0) return c * dir;
    return b.createdAt - a.createdAt || a.envId.localeCompare(b.envId);
  });
}

/** What the table shows: one function's envs or all, with or without the gone ones. */
export function visibleEnvs(all: Iterable<EnvRecord>, opts: { functionName?: string; allFunctions: boolean; showGone: boolean }): EnvRecord[] {
  const out: EnvRecord[] = [];
  for (const e of all) {
    if (!opts.allFunctions && e.functionName !== opts.functionName) continue;
    if (!opts.showGone && e.state === 'gone') continue;
    out.push(e);
  }
  return out;
}
