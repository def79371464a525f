// How the result card and the history say things: cold-start causes in words,
// milliseconds and megabytes with fixed precision, ids in a short form.
import type { InvocationResult } from '../../../main/contract/index.js';

export const NONE = '—';

/** Cold-start causes and env end reasons in words: one table for the card, the history and the Environments panel. */
export const CAUSES: Record<string, string> = {
  'first-invoke': 'first invoke',
  'after-code-change': 'code changed',
  'scale-out': 'scale-out',
  'after-timeout': 'after timeout',
  'after-crash': 'after crash',
  'after-out-of-memory': 'after OOM',
  'after-reclaim': 'after reclaim',
  'forced-cold': 'forced cold',
  forced: 'forced',
  prewarm: 'pre-warm',
  provisioned: 'provisioned',
  'keepalive-expired': 'kept-alive time over',
  shutdown: 'workbench stopped',
  'sandbox-lost': 'sandbox lost',
};

/** A cold-start cause as a person says it ("first invoke", "code changed"); unknown causes pass through readable. */
export function coldCauseLabel(cause: string | undefined): string {
  if (!cause) return 'cause unknown';
  return CAUSES[cause] ?? cause.replace(/-/g, ' ');
}

/** The badge's text: "Cold · first invoke", "Warm", or "—" when no env served it (Event, DryRun). */
export function badgeText(r: Pick<InvocationResult, 'cold' | 'coldCause'>): string {
  if (r.cold === true) return `Cold · ${coldCauseLabel(r.coldCause)}`;
  if (r.cold === false) return 'Warm';
  return NONE;
}

export function ms(v: number | undefined, digits = 2): string {
  if (v === undefined || !Number.isFinite(v)) return NONE;
  return `${v.toFixed(digits)} ms`;
}

/** A duration for compact rows: one decimal under 100 ms, whole milliseconds above, seconds past 10 s. */
export function msShort(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return NONE;
  if (v < 100) return `${v.toFixed(1)} ms`;
  if (v < 10_000) return `${Math.round(v)} ms`;
  return `${(v / 1000).toFixed(1)} s`;
}

export function mb(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? NONE : `${Math.round(v)} MB`;
}

/** Env ids are 16 hex digits; 8 tell them apart in a session. */
export const shortId = (id: string | undefined, n = 8): string => (id ? (id.length > n ? id.slice(0, n) : id) : NONE);

export function clock(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return NONE;
  const p = (x: number, w = 2) => String(x).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(2)} MB`;
}

/** The status line: "200 OK", "200 · Function error", "202 Accepted", "204 DryRun". */
export function statusText(r: Pick<InvocationResult, 'statusCode' | 'functionError'>): string {
  if (r.functionError) return `${r.statusCode} · Function error`;
  if (r.statusCode === 202) return '202 Accepted';
  if (r.statusCode === 204) return '204 Dry run OK';
  if (r.statusCode >= 200 && r.statusCode < 300) return `${r.statusCode} OK`;
  return String(r.statusCode);
}

/** Median and max of the durations that are known. */
export function durationStats(values: (number | undefined)[]): { p50?: number; max?: number } {
  const xs = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return {};
  const mid = xs.length >> 1;
  const p50 = xs.length % 2 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
  return { p50, max: xs[xs.length - 1] };
}


/**
 * The env's network as a calm label: "no network", "internet", "internet + host :5432",
 * "host ports :5432 only" (host ports are reached at host.lambda.internal).
 */
export function networkLabel(n: { mode: string; hostPorts: number[] }): string {
  const ports = n.hostPorts.map((p) => `:${p}`).join(' ');
  if (n.mode === 'none') return 'no network';
  if (n.mode === 'internet') return ports ? `internet + host ${ports}` : 'internet';
  if (n.mode === 'host-ports') return `host ports ${ports} only`;
  return n.mode;
}
