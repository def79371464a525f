// The Metrics panel's arithmetic, pure (tested without a DOM): which range and
// bucket to ask for, and a MetricsView as the columns each chart draws.
import type { MetricsBucket, MetricsView } from '../../../main/contract/telemetry.js';

export type RangeId = '5m' | '15m' | '1h' | '24h' | 'all';

export const RANGES: { id: RangeId; label: string; ms?: number }[] = [
  { id: '5m', label: '5 min', ms: 5 * 60_000 },
  { id: '15m', label: '15 min', ms: 15 * 60_000 },
  { id: '1h', label: '1 h', ms: 3_600_000 },
  { id: '24h', label: '24 h', ms: 86_400_000 },
  { id: 'all', label: 'All' },
];

/** Bucket sizes a person reads on an axis (the engine takes any from 1 s to 1 day). */
const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400].map((s) => s * 1000);
export const MAX_POINTS = 200;

/** The smallest readable bucket that keeps the range at or under 200 points (≥ 60 where the range allows it: 1 s is the least). */
export function chooseBucket(rangeMs: number): number {
  for (const step of STEPS) if (rangeMs / step <= MAX_POINTS) return step;
  return STEPS[STEPS.length - 1]!;
}

/** The time range a choice means now; "all" starts at the function's first env (or 5 min ago when none is known). */
export function rangeFor(id: RangeId, now: number, firstSeen?: number): { from: number; to: number; bucketMs: number } {
  const r = RANGES.find((x) => x.id === id)!;
  const span = r.ms ?? Math.max(60_000, now - (firstSeen ?? now - 5 * 60_000));
  const from = now - span;
  return { from, to: now, bucketMs: chooseBucket(span) };
}

/** Percent with one decimal where it matters: 50, 33.3, 0. */
export function percent(part: number, whole: number): number {
  if (!whole) return 0;
  return Math.round((part / whole) * 1000) / 10;
}

/** The cold-start causes in the view, most frequent first (the stack's order, bottom up). */
export function causesOf(view: MetricsView): string[] {
  const totals = new Map<string, number>();
  for (const b of view.buckets) for (const [c, n] of Object.entries(b.coldByCause)) totals.set(c, (totals.get(c) ?? 0) + n);
  return [...totals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([c]) => c);
}

type Col = (number | null)[];

export interface ChartColumns {
  /** Bucket starts in seconds (uPlot's time scale). */
  x: number[];
  invocations: Col;
  errors: Col;
  throttles: Col;
  p50: Col;
  p90: Col;
  p99: Col;
  warmP50: Col;
  /** Per cause, the rate stacked: each cause's top edge (its rate plus the causes below it), %. */
  coldStacked: Col[];
  /** Per cause, its own rate, % (the legend's value). */
  coldRate: Col[];
  causes: string[];
  concurrentEnvs: Col;
  maxMemory: Col;
  billedMs: Col;
  /** Running total over the range, USD. */
  costCumulative: Col;
}

const orNull = (v: number | undefined): number | null => (v === undefined || !Number.isFinite(v) ? null : v);

export function toColumns(view: MetricsView): ChartColumns {
  const causes = causesOf(view);
  const bs = view.buckets;
  const col = (f: (b: MetricsBucket) => number | null): Col => bs.map(f);
  let cost = 0;
  const coldRate = causes.map((c) => col((b) => (b.invocations ? percent(b.coldByCause[c] ?? 0, b.invocations) : null)));
  const coldStacked = causes.map((_, i) =>
    bs.map((b, j) => {
      if (!b.invocations) return null;
      let sum = 0;
      for (let k = 0; k <= i; k++) sum += coldRate[k]![j] ?? 0;
      return Math.round(sum * 10) / 10;
    }),
  );
  return {
    x: bs.map((b) => b.start / 1000),
    invocations: col((b) => b.invocations),
    errors: col((b) => b.errors),
    throttles: col((b) => b.throttles),
    p50: col((b) => orNull(b.p50)),
    p90: col((b) => orNull(b.p90)),
    p99: col((b) => orNull(b.p99)),
    warmP50: col((b) => orNull(b.warmP50)),
    coldStacked,
    coldRate,
    causes,
    concurrentEnvs: col((b) => b.concurrentEnvs),
    maxMemory: col((b) => (b.invocations ? b.maxMemoryMb : null)),
    billedMs: col((b) => b.billedMs),
    costCumulative: col((b) => (cost += b.costUsd)),
  };
}

export interface Totals {
  invocations: number;
  errors: number;
  throttles: number;
  errorRate: number;
  coldStarts: number;
  coldRate: number;
  p50?: number;
  p99?: number;
  costUsd: number;
}

export function totalsOf(view: MetricsView): Totals {
  const t = view.totals;
  return {
    invocations: t.invocations,
    errors: t.errors,
    throttles: t.throttles,
    errorRate: percent(t.errors, t.invocations),
    coldStarts: t.coldStarts,
    coldRate: percent(t.coldStarts, t.invocations),
    p50: t.p50,
    p99: t.p99,
    costUsd: t.costUsd,
  };
}

/** Dollars as a person reads a tiny estimate: $0, $0.0000034, $0.0123, $1.23. */
export function usd(v: number): string {
  if (!v) return '$0';
  if (v >= 1) return `$${v.toFixed(2)}`;
  if (v >= 0.01) return `$${v.toFixed(4)}`;
  // Two significant digits without an exponent ($3.4e-7 reads as a bug).
  return `$${v.toFixed(Math.min(12, Math.ceil(-Math.log10(v)) + 1))}`;
}

/** "12.3 ms", "1.24 s". */
export function duration(ms: number | undefined | null): string {
  if (ms === undefined || ms === null || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** A round top for the y scale (1, 2 or 5 × 10^k), so the axis always has a labelled tick above 0. */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}
