// The Metrics panel's arithmetic: the bucket for each range (60–200 points), a
// MetricsView as chart columns (cold-start rates stacked by cause, cost
// cumulative), the totals strip, and how small dollar amounts read.
import { describe, expect, it } from 'vitest';
import type { MetricsBucket, MetricsView } from '../../../main/contract/telemetry.js';
import { chartModels } from './charts.js';
import { chooseBucket, duration, niceMax, RANGES, rangeFor, toColumns, totalsOf, usd } from './data.js';

const bucket = (start: number, over: Partial<MetricsBucket> = {}): MetricsBucket => ({
  start,
  invocations: 0,
  errors: 0,
  throttles: 0,
  coldStarts: 0,
  coldByCause: {},
  concurrentEnvs: 0,
  maxMemoryMb: 0,
  billedMs: 0,
  costUsd: 0,
  ...over,
});

const view = (buckets: MetricsBucket[]): MetricsView => {
  const totals = buckets.reduce(
    (t, b) => ({ ...t, invocations: t.invocations + b.invocations, errors: t.errors + b.errors, coldStarts: t.coldStarts + b.coldStarts, costUsd: t.costUsd + b.costUsd }),
    { ...bucket(0) } as Omit<MetricsBucket, 'start'> & { start?: number },
  );
  delete totals.start;
  return {
    functionName: 'orders',
    from: buckets[0]!.start,
    to: buckets[buckets.length - 1]!.start + 1000,
    bucketMs: 1000,
    buckets,
    totals: { ...totals, p50: 12, p99: 80 },
    pricing: { asOf: '2026-12-05', region: 'us-east-1', perRequestUsd: 2e-7, perGbSecondUsd: { x86_64: 0.0000166667, arm64: 0.0000133334 }, source: 'https://aws.amazon.com/lambda/pricing/' },
  };
};

describe('ranges and buckets', () => {
  it('gives every fixed range 60 to 200 points in a readable bucket', () => {
    for (const r of RANGES.filter((x) => x.ms)) {
      const b = chooseBucket(r.ms!);
      const points = r.ms! / b;
      expect(points, r.id).toBeGreaterThanOrEqual(60);
      expect(points, r.id).toBeLessThanOrEqual(200);
    }
    expect(chooseBucket(5 * 60_000)).toBe(2000);
    expect(chooseBucket(86_400_000)).toBe(600_000);
  });

  it('starts "all" at the first env (at least a minute), or 5 minutes back when none is known', () => {
    const now = 10_000_000;
    expect(rangeFor('all', now, now - 3_600_000)).toEqual({ from: now - 3_600_000, to: now, bucketMs: 30_000 });
    expect(rangeFor('all', now, now - 5000).from).toBe(now - 60_000);
    expect(rangeFor('all', now).from).toBe(now - 300_000);
    expect(rangeFor('1h', now)).toEqual({ from: now - 3_600_000, to: now, bucketMs: 30_000 });
  });
});

describe('columns', () => {
  const v = view([
    bucket(1000, { invocations: 2, coldStarts: 1, coldByCause: { 'first-invoke': 1 }, p50: 10, costUsd: 0.001, concurrentEnvs: 1, maxMemoryMb: 60 }),
    bucket(2000),
    bucket(3000, { invocations: 4, coldStarts: 2, coldByCause: { 'scale-out': 1, forced: 1 }, p50: 20, costUsd: 0.002, concurrentEnvs: 3, maxMemoryMb: 70, errors: 1 }),
  ]);

  it('puts buckets on a seconds axis, empty buckets as gaps where a value has no meaning', () => {
    const c = toColumns(v);
    expect(c.x).toEqual([1, 2, 3]);
    expect(c.invocations).toEqual([2, 0, 4]);
    expect(c.p50).toEqual([10, null, 20]);
    expect(c.maxMemory).toEqual([60, null, 70]);
  });

  it('stacks cold-start rates by cause (each top edge includes the causes below) and sums cost', () => {
    const c = toColumns(v);
    expect(c.causes).toEqual(['first-invoke', 'forced', 'scale-out']);
    expect(c.coldRate[0]).toEqual([50, null, 0]);
    expect(c.coldStacked[0]).toEqual([50, null, 0]);
    expect(c.coldStacked[1]).toEqual([50, null, 25]);
    expect(c.coldStacked[2]).toEqual([50, null, 50]);
    expect(c.costCumulative.map((x) => Number(x!.toFixed(6)))).toEqual([0.001, 0.001, 0.003]);
  });

  it('makes seven charts, the memory one with the function\'s memory size as its limit line', () => {
    const models = chartModels(toColumns(v), 256);
    expect(models.map((m) => m.spec.id)).toEqual(['invocations', 'duration', 'cold', 'concurrency', 'memory', 'billed', 'cost']);
    const mem = models.find((m) => m.spec.id === 'memory')!;
    expect(mem.data[2]).toEqual([256, 256, 256]);
    const cold = models.find((m) => m.spec.id === 'cold')!;
    // drawn top edge first: the last cause's stack (the tallest) is the first series
    expect(cold.data[1]).toEqual([50, null, 50]);
    expect(cold.spec.series[0]!.value!(50, 2)).toBe('25%'); // scale-out's own rate, not the stack's
    expect(models[0]!.attrs).toMatchObject({ total: 6, errors: 1 });
  });

  it('totals: counts and rates for the strip on top', () => {
    const t = totalsOf(v);
    expect(t).toMatchObject({ invocations: 6, errors: 1, coldStarts: 3, coldRate: 50, errorRate: 16.7 });
  });
});

describe('numbers', () => {
  it('reads tiny dollar amounts without exponents', () => {
    expect(usd(0)).toBe('$0');
    expect(usd(0.00000034)).toBe('$0.00000034');
    expect(usd(0.0123)).toBe('$0.0123');
    expect(usd(12.345)).toBe('$12.35');
    expect(duration(1.234)).toBe('1.23 ms');
    expect(duration(2500)).toBe('2.50 s');
    expect(duration(undefined)).toBe('—');
  });

  it('tops the y scale at a round number above the data (a tick is always labelled above 0)', () => {
    expect(niceMax(8.4)).toBe(10);
    expect(niceMax(68.3)).toBe(100);
    expect(niceMax(1.05)).toBe(2);
    expect(niceMax(0.0000057)).toBeCloseTo(0.00001);
    expect(niceMax(0)).toBe(1);
  });
});
