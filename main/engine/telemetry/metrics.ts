// A function's metrics per time bucket, derived from its invocation records and
// its envs' lifetimes, as CloudWatch's Lambda metrics would show them. Pure
// functions: the store reads the rows, this file does the arithmetic (and can be
// tested without SQLite).
//
// Conventions (CloudWatch's, where it has one):
// - an invocation belongs to the bucket its request arrived in (startedAt);
// - `invocations` counts runs of the function, not throttled requests (those are `throttles`);
//   `errors` counts runs ending in error or timeout;
// - duration percentiles are nearest-rank over runs (throttled requests have no duration);
//   warm percentiles over runs that were not cold starts;
// - buckets are aligned to multiples of bucketMs (epoch), the first one starts at or before
//   `from` and is whole, the last one ends at or after `to`; empty buckets are present;
// - cost: requests and GB-seconds at LAMBDA_PRICES (throttled requests are not billed).
import type { InvocationStatus, MetricsBucket, MetricsView, PriceTable } from '../../contract/telemetry.js';
import { WorkbenchError } from '../workbench/errors.js';
import { LAMBDA_PRICES, costUsd, gbSeconds, type Architecture } from './pricing.js';

export const MAX_BUCKETS = 2000;

/** What the metrics need of an invocation record. */
export interface MetricsInvocation {
  startedAt: number;
  durationMs: number;
  billedMs: number;
  memorySizeMb: number;
  maxMemoryUsedMb: number;
  architecture: Architecture;
  status: InvocationStatus;
  cold: boolean;
  coldCause?: string;
}

/** An env's life: alive from createdAt until endedAt (absent: still alive). */
export interface EnvInterval {
  createdAt: number;
  endedAt?: number;
}

export interface BucketPlan {
  /** Start of the first bucket (aligned). */
  start: number;
  /** The range's end (exclusive). */
  end: number;
  bucketMs: number;
  count: number;
}

/** Checks a metrics query and lays out its buckets; throws InvalidParameters saying what to change. */
export function planBuckets(from: number, to: number, bucketMs: number): BucketPlan {
  if (!Number.isFinite(from) || !Number.isFinite(to) || !Number.isFinite(bucketMs)) {
    throw new WorkbenchError('InvalidParameters', 'Metrics: from, to and bucketMs must be finite numbers (epoch ms, ms).', 'Pass a time range and a bucket size.');
  }
  if (bucketMs < 1) throw new WorkbenchError('InvalidParameters', `Metrics: bucketMs must be at least 1 ms, not ${bucketMs}.`, 'Choose a larger bucket.');
  if (to <= from) throw new WorkbenchError('InvalidParameters', `Metrics: the range's end (${to}) must be after its start (${from}).`, 'Choose a range that ends after it starts.');
  const start = Math.floor(from / bucketMs) * bucketMs;
  const count = Math.ceil((to - start) / bucketMs);
  if (count > MAX_BUCKETS) {
    throw new WorkbenchError(
      'InvalidParameters',
      `Metrics: ${count} buckets of ${bucketMs} ms over that range; at most ${MAX_BUCKETS} are drawn.`,
      `Choose a bucket of at least ${Math.ceil((to - start) / MAX_BUCKETS)} ms, or a shorter range.`,
    );
  }
  return { start, end: to, bucketMs, count };
}

/** Nearest-rank percentile of ascending-sorted values (p in 0..100); undefined for none. */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

/**
 * Most envs alive at once in each bucket. An env counts in [createdAt, endedAt);
 * one still alive counts until the range's end. At one instant an end is applied
 * before a start, so an env replacing another is not counted as two.
 */
export function concurrentEnvsPerBucket(plan: BucketPlan, envs: readonly EnvInterval[]): number[] {
  const events: Array<[number, number]> = [];
  for (const e of envs) {
    const end = e.endedAt ?? Number.POSITIVE_INFINITY;
    if (end <= e.createdAt) continue;
    events.push([e.createdAt, 1], [end, -1]);
  }
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out = new Array<number>(plan.count).fill(0);
  let alive = 0;
  let i = 0;
  for (let b = 0; b < plan.count; b++) {
    const s = plan.start + b * plan.bucketMs;
    const e = s + plan.bucketMs;
    // Everything up to and at the bucket's start gives who is alive as it opens.
    while (i < events.length && events[i]![0] <= s) alive += events[i++]![1];
    let most = alive;
    while (i < events.length && events[i]![0] < e) {
      alive += events[i++]![1];
      if (alive > most) most = alive;
    }
    out[b] = most;
  }
  return out;
}

interface Acc {
  invocations: number;
  errors: number;
  throttles: number;
  durations: number[];
  warm: number[];
  coldStarts: number;
  coldByCause: Record<string, number>;
  maxMemoryMb: number;
  billedMs: number;
  gbSeconds: Record<Architecture, number>;
}

function emptyAcc(): Acc {
  return { invocations: 0, errors: 0, throttles: 0, durations: [], warm: [], coldStarts: 0, coldByCause: {}, maxMemoryMb: 0, billedMs: 0, gbSeconds: { x86_64: 0, arm64: 0 } };
}

function add(acc: Acc, inv: MetricsInvocation): void {
  if (inv.status === 'throttled') {
    acc.throttles++;
    return;
  }
  acc.invocations++;
  if (inv.status === 'error' || inv.status === 'timeout') acc.errors++;
  acc.durations.push(inv.durationMs);
  if (inv.cold) {
    acc.coldStarts++;
    const cause = inv.coldCause || 'unknown';
    acc.coldByCause[cause] = (acc.coldByCause[cause] ?? 0) + 1;
  } else {
    acc.warm.push(inv.durationMs);
  }
  if (inv.maxMemoryUsedMb > acc.maxMemoryMb) acc.maxMemoryMb = inv.maxMemoryUsedMb;
  acc.billedMs += inv.billedMs;
  const arch: Architecture = inv.architecture === 'arm64' ? 'arm64' : 'x86_64';
  acc.gbSeconds[arch] += gbSeconds(inv.billedMs, inv.memorySizeMb);
}

function finish(acc: Acc, concurrentEnvs: number, prices: PriceTable): Omit<MetricsBucket, 'start'> {
  const byNumber = (a: number, b: number) => a - b;
  acc.durations.sort(byNumber);
  acc.warm.sort(byNumber);
  const out: Omit<MetricsBucket, 'start'> = {
    invocations: acc.invocations,
    errors: acc.errors,
    throttles: acc.throttles,
    coldStarts: acc.coldStarts,
    coldByCause: acc.coldByCause,
    concurrentEnvs,
    maxMemoryMb: acc.maxMemoryMb,
    billedMs: acc.billedMs,
    // Requests are priced once (same price on both architectures); duration per architecture.
    costUsd: costUsd(acc.invocations, acc.gbSeconds.x86_64, 'x86_64', prices) + costUsd(0, acc.gbSeconds.arm64, 'arm64', prices),
  };
  const p50 = percentile(acc.durations, 50);
  if (p50 !== undefined) {
    out.p50 = p50;
    out.p90 = percentile(acc.durations, 90);
    out.p99 = percentile(acc.durations, 99);
  }
  const w50 = percentile(acc.warm, 50);
  if (w50 !== undefined) {
    out.warmP50 = w50;
    out.warmP99 = percentile(acc.warm, 99);
  }
  return out;
}

export interface MetricsInput {
  functionName: string;
  from: number;
  to: number;
  bucketMs: number;
  /** Invocations of the function; those outside the buckets are ignored. */
  invocations: Iterable<MetricsInvocation>;
  /** The function's envs that lived during the range (others are harmless). */
  envs: readonly EnvInterval[];
  prices?: PriceTable;
}

/** The MetricsView of a function over a range. `from` in the answer is the first bucket's (aligned) start. */
export function buildMetrics(input: MetricsInput): MetricsView {
  const prices = input.prices ?? LAMBDA_PRICES;
  const plan = planBuckets(input.from, input.to, input.bucketMs);
  const accs = Array.from({ length: plan.count }, emptyAcc);
  const total = emptyAcc();
  for (const inv of input.invocations) {
    if (!(inv.startedAt >= plan.start && inv.startedAt < plan.end)) continue;
    const b = Math.floor((inv.startedAt - plan.start) / plan.bucketMs);
    add(accs[b]!, inv);
    add(total, inv);
  }
  const concurrent = concurrentEnvsPerBucket(plan, input.envs);
  const buckets: MetricsBucket[] = accs.map((acc, b) => ({ start: plan.start + b * plan.bucketMs, ...finish(acc, concurrent[b]!, prices) }));
  const totals = finish(total, concurrent.reduce((m, c) => Math.max(m, c), 0), prices);
  return { functionName: input.functionName, from: plan.start, to: plan.end, bucketMs: plan.bucketMs, buckets, totals, pricing: prices };
}
