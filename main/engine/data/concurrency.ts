// Concurrency as Lambda counts it: in-flight invocations per function and for
// the account. A function with reserved concurrency may use exactly that many;
// the others share what the reservations leave of the account limit.
import { LambdaError } from '../errors.js';

export interface ConcurrencyLimits {
  /** The account's concurrency limit (1,000 on a new AWS account). */
  account: number;
}

const throttle = (reason: string) =>
  new LambdaError('TooManyRequestsException', 'Rate Exceeded.', { Reason: reason });

export class ConcurrencyGate {
  private readonly inflight = new Map<string, number>();
  private unreservedInflight = 0;

  constructor(
    private readonly limits: ConcurrencyLimits,
    /** Sum of all reservations, read when needed (reservations change rarely). */
    private readonly totalReserved: () => number,
  ) {}

  get accountLimit(): number {
    return this.limits.account;
  }

  /** What the reservations leave for everyone else. */
  unreserved(): number {
    return Math.max(0, this.limits.account - this.totalReserved());
  }

  /**
   * AWS keeps a minimum of unreserved concurrency (100 of 1,000); we keep the
   * same tenth for a smaller local limit.
   */
  minimumUnreserved(): number {
    return Math.min(100, Math.floor(this.limits.account / 10));
  }

  /** Counts an invocation in, or throws 429 with Lambda's Reason. Returns the release function. */
  enter(functionName: string, reserved: number | undefined): () => void {
    const current = this.inflight.get(functionName) ?? 0;
    if (reserved !== undefined) {
      if (current >= reserved) throw throttle('ReservedFunctionConcurrentInvocationLimitExceeded');
    } else if (this.unreservedInflight >= this.unreserved()) {
      throw throttle('ConcurrentInvocationLimitExceeded');
    }
    this.inflight.set(functionName, current + 1);
    if (reserved === undefined) this.unreservedInflight++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = (this.inflight.get(functionName) ?? 1) - 1;
      if (n <= 0) this.inflight.delete(functionName);
      else this.inflight.set(functionName, n);
      if (reserved === undefined) this.unreservedInflight--;
    };
  }

  inflightOf(functionName: string): number {
    return this.inflight.get(functionName) ?? 0;
  }
}
