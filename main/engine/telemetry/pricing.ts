// AWS Lambda's public on-demand prices: the one place the workbench keeps them,
// with the date they were read and where. The metrics' cost is an estimate at
// these prices; nothing else in the workbench may hard-code a price.
//
// Read 2026-12-05 from https://aws.amazon.com/lambda/pricing/ (US East, N. Virginia,
// first duration tier: up to 6 billion GB-s a month on x86, 7.5 billion on Arm):
//   requests   $0.20 per 1M requests (both architectures)
//   duration   x86_64 $0.0000166667 per GB-second, arm64 $0.0000133334 per GB-second
// The page renders its rate table client-side; the same figures appear in its
// worked examples and in AWS's "How AWS Pricing Works" whitepaper ($0.00001667, rounded).
//
// Deliberately ignored: the free tier (1M requests and 400,000 GB-s a month are
// account-wide and monthly, which a local estimate of one function cannot
// apportion), the cheaper higher duration tiers, ephemeral storage above 512 MB,
// provisioned concurrency and data transfer.
import type { PriceTable } from '../../contract/telemetry.js';

export const LAMBDA_PRICES: Readonly<PriceTable> = Object.freeze({
  asOf: '2026-12-05',
  region: 'us-east-1',
  perRequestUsd: 0.0000002, // $0.20 per 1M requests
  perGbSecondUsd: Object.freeze({ x86_64: 0.0000166667, arm64: 0.0000133334 }),
  source: 'https://aws.amazon.com/lambda/pricing/',
});

export type Architecture = keyof PriceTable['perGbSecondUsd'];

/** GB-seconds Lambda bills for a run: billed duration in seconds times configured memory in GB (1 GB = 1024 MB). */
export function gbSeconds(billedMs: number, memorySizeMb: number): number {
  return (billedMs / 1000) * (memorySizeMb / 1024);
}

/** Estimated cost of `requests` requests that were billed `gbSecondsUsed` GB-s on one architecture. */
export function costUsd(requests: number, gbSecondsUsed: number, architecture: Architecture, prices: PriceTable = LAMBDA_PRICES): number {
  // An unknown architecture (a record from a future version) is priced as x86_64, the dearer one.
  const perGbSecond = prices.perGbSecondUsd[architecture] ?? prices.perGbSecondUsd.x86_64;
  return requests * prices.perRequestUsd + gbSecondsUsed * perGbSecond;
}

/** Estimated cost of one invocation. */
export function invocationCostUsd(billedMs: number, memorySizeMb: number, architecture: Architecture, prices: PriceTable = LAMBDA_PRICES): number {
  return costUsd(1, gbSeconds(billedMs, memorySizeMb), architecture, prices);
}
