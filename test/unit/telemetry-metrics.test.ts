// Metrics arithmetic without SQLite: nearest-rank percentiles, cold starts and
// their causes, throttles and errors as CloudWatch counts them, concurrent envs
// from env lifetimes, cost at AWS's public prices; all against values worked
// out by hand.
import { describe, expect, it } from 'vitest';
import { MAX_BUCKETS, buildMetrics, concurrentEnvsPerBucket, percentile, planBuckets, type MetricsInvocation } from '../../main/engine/telemetry/metrics.js';
import { LAMBDA_PRICES, costUsd, gbSeconds, invocationCostUsd } from '../../main/engine/telemetry/pricing.js';
import { WorkbenchError } from '../../main/engine/workbench/errors.js';

function inv(startedAt: number, durationMs: number, extra: Partial<MetricsInvocation> = {}): MetricsInvocation {
  return { startedAt, durationMs, billedMs: Math.ceil(durationMs), memorySizeMb: 128, maxMemoryUsedMb: 50, architecture: 'x86_64', status: 'success', cold: false, ...extra };
}

describe('percentile (nearest rank)', () => {
  it('matches the textbook values', () => {
    const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(ten, 50)).toBe(5); // ceil(0.5*10) = 5th
    expect(percentile(ten, 90)).toBe(9); // ceil(0.9*10) = 9th
    expect(percentile(ten, 99)).toBe(10); // ceil(9.9) = 10th
    expect(percentile([15, 20, 35, 40, 50], 30)).toBe(20); // Wikipedia's example: ceil(1.5) = 2nd
    expect(percentile([15, 20, 35, 40, 50], 40)).toBe(20);
    expect(percentile([15, 20, 35, 40, 50], 50)).toBe(35);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeUndefined();
  });
});

describe('pricing', () => {
  it('keeps the prices with their date and source', () => {
    expect(LAMBDA_PRICES).toMatchObject({ region: 'us-east-1', perRequestUsd: 0.0000002, perGbSecondUsd: { x86_64: 0.0000166667, arm64: 0.0000133334 } });
    expect(LAMBDA_PRICES.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(LAMBDA_PRICES.source).toBe('https://aws.amazon.com/lambda/pricing/');
  });

  it('prices requests and GB-seconds by architecture', () => {
    // 512 MB for 1 s = 0.5 GB-s.
    expect(gbSeconds(1000, 512)).toBe(0.5);
    // AWS's page, example 1 (before the free tier): 3M requests of 1 s at 512 MB = 1.5M GB-s.
    expect(costUsd(3_000_000, 1_500_000, 'x86_64')).toBeCloseTo(0.6 + 1_500_000 * 0.0000166667, 9);
    expect(invocationCostUsd(1000, 1024, 'arm64')).toBeCloseTo(0.0000002 + 0.0000133334, 15);
    expect(invocationCostUsd(100, 128, 'x86_64')).toBeCloseTo(0.0000002 + 0.0125 * 0.0000166667, 15);
  });
});

describe('planBuckets', () => {
  it('aligns buckets to multiples of the bucket size', () => {
    expect(planBuckets(1_500, 4_200, 1_000)).toEqual({ start: 1_000, end: 4_200, bucketMs: 1_000, count: 4 });
    expect(planBuckets(0, 1, 1)).toMatchObject({ count: 1 });
  });

  it('refuses more than 2,000 buckets and nonsense ranges with InvalidParameters', () => {
    expect(planBuckets(0, MAX_BUCKETS * 1000, 1000).count).toBe(MAX_BUCKETS);
    const tooMany = (() => {
      try {
        planBuckets(0, MAX_BUCKETS * 1000 + 1, 1000);
      } catch (err) {
        return err;
      }
    })() as WorkbenchError;
    expect(tooMany).toBeInstanceOf(WorkbenchError);
    expect(tooMany.code).toBe('InvalidParameters');
    expect(tooMany.message).toMatch(/2001 buckets/);
    expect(tooMany.hint).toMatch(/at least 1001 ms/);
    for (const [from, to, bucket] of [[10, 10, 1], [10, 5, 1], [0, 10, 0], [0, Number.NaN, 10], [0, 10, -5]] as const) {
      expect(() => planBuckets(from, to, bucket)).toThrow(expect.objectContaining({ code: 'InvalidParameters' }));
    }
  });
});

describe('concurrentEnvsPerBucket', () => {
  it('counts the most envs alive at once, live ones until the end, a hand-over not as two', () => {
    const plan = planBuckets(0, 4_000, 1_000);
    const envs = [
      { createdAt: 100, endedAt: 1_500 }, // A
      { createdAt: 1_000 }, // B: still alive
      { createdAt: 1_200, endedAt: 1_300 }, // C: inside bucket 1, with A and B: 3
      { createdAt: 2_500, endedAt: 3_000 }, // D ends at 3000 exactly ...
      { createdAt: 3_000, endedAt: 3_500 }, // ... E starts then: with B, 2 (not 3)
    ];
    expect(concurrentEnvsPerBucket(plan, envs)).toEqual([1, 3, 2, 2]);
    expect(concurrentEnvsPerBucket(plan, [])).toEqual([0, 0, 0, 0]);
    // An env that ended before the range does not count; one created after it does not either.
    expect(concurrentEnvsPerBucket(plan, [{ createdAt: -5_000, endedAt: -1 }, { createdAt: 9_000 }])).toEqual([0, 0, 0, 0]);
  });
});

describe('buildMetrics', () => {
  it('computes every series against hand-worked values', () => {
    const invocations: MetricsInvocation[] = [
      // bucket 0 [0, 1000): one cold (first-invoke), then warm 10..40; one error
      inv(10, 200, { cold: true, coldCause: 'first-invoke', maxMemoryUsedMb: 80 }),
      inv(300, 10),
      inv(400, 20, { status: 'error' }),
      inv(500, 30),
      inv(600, 40),
      // bucket 1 [1000, 2000): empty
      // bucket 2 [2000, 3000): a cold scale-out on arm64 at 1024 MB, a timeout, a throttle
      inv(2_100, 999.5, { cold: true, coldCause: 'scale-out', architecture: 'arm64', memorySizeMb: 1024, billedMs: 1000, maxMemoryUsedMb: 300 }),
      inv(2_200, 3000, { status: 'timeout', billedMs: 3000 }),
      inv(2_300, 0, { status: 'throttled', billedMs: 0, maxMemoryUsedMb: 0 }),
      // outside the range: ignored
      inv(3_000, 5),
      inv(-1, 5),
    ];
    const envs = [{ createdAt: 0, endedAt: 2_050 }, { createdAt: 2_090 }];
    const view = buildMetrics({ functionName: 'fn', from: 0, to: 3_000, bucketMs: 1_000, invocations, envs });

    expect(view).toMatchObject({ functionName: 'fn', from: 0, to: 3_000, bucketMs: 1_000, pricing: LAMBDA_PRICES });
    expect(view.buckets.map((b) => b.start)).toEqual([0, 1_000, 2_000]);
    const [b0, b1, b2] = view.buckets;

    // durations sorted: 10 20 30 40 200 → p50 = 3rd = 30, p90 = ceil(4.5) = 5th = 200, p99 = 200; warm 10 20 30 40 → p50 = 2nd = 20, p99 = 40
    expect(b0).toEqual({
      start: 0, invocations: 5, errors: 1, throttles: 0, p50: 30, p90: 200, p99: 200, warmP50: 20, warmP99: 40,
      coldStarts: 1, coldByCause: { 'first-invoke': 1 }, concurrentEnvs: 1, maxMemoryMb: 80, billedMs: 300,
      costUsd: expect.closeTo(5 * 0.0000002 + (0.3 * 0.125) * 0.0000166667, 15),
    });
    expect(b1).toEqual({ start: 1_000, invocations: 0, errors: 0, throttles: 0, coldStarts: 0, coldByCause: {}, concurrentEnvs: 1, maxMemoryMb: 0, billedMs: 0, costUsd: 0 });
    // The throttle is counted as such, not as an invocation, and is not billed; the timeout is an error.
    // concurrent: the first env lives until 2050, the second from 2090: never 2 at once.
    expect(b2).toEqual({
      start: 2_000, invocations: 2, errors: 1, throttles: 1, p50: 999.5, p90: 3000, p99: 3000, warmP50: 3000, warmP99: 3000,
      coldStarts: 1, coldByCause: { 'scale-out': 1 }, concurrentEnvs: 1, maxMemoryMb: 300, billedMs: 4000,
      costUsd: expect.closeTo(2 * 0.0000002 + 1 * 0.0000133334 + 3 * 0.125 * 0.0000166667, 15),
    });

    // Totals over the range: 7 runs (cold rate 2/7), 2 errors, 1 throttle.
    // durations 10 20 30 40 200 999.5 3000 → p50 = 4th = 40, p90 = ceil(6.3) = 7th = 3000; warm 10 20 30 40 3000 → p50 = 3rd = 30
    expect(view.totals).toEqual({
      invocations: 7, errors: 2, throttles: 1, p50: 40, p90: 3000, p99: 3000, warmP50: 30, warmP99: 3000,
      coldStarts: 2, coldByCause: { 'first-invoke': 1, 'scale-out': 1 }, concurrentEnvs: 1, maxMemoryMb: 300, billedMs: 4300,
      costUsd: expect.closeTo(b0!.costUsd + b2!.costUsd, 15),
    });
  });

  it('an unaligned range starts at its whole first bucket and keeps empty buckets for a continuous axis', () => {
    const view = buildMetrics({ functionName: 'f', from: 60_500, to: 180_000, bucketMs: 60_000, invocations: [inv(60_100, 5), inv(179_999, 7)], envs: [] });
    expect(view.from).toBe(60_000);
    expect(view.buckets.map((b) => [b.start, b.invocations])).toEqual([[60_000, 1], [120_000, 1]]);
  });

  it('a cold start without a recorded cause is counted under "unknown"', () => {
    const view = buildMetrics({ functionName: 'f', from: 0, to: 10, bucketMs: 10, invocations: [inv(1, 1, { cold: true })], envs: [] });
    expect(view.totals.coldByCause).toEqual({ unknown: 1 });
    expect(view.totals.warmP50).toBeUndefined();
  });
});
