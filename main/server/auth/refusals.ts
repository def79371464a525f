// Refused writes go into the audit trail so a user sees that something tried;
// a hostile page can send thousands a second, so they are rate-limited (a
// token bucket) and the next recorded refusal says how many were left out.
import type { AuditCaller, AuditInput } from '../../engine/telemetry/audit.js';

/** At most this many refusals in a burst… */
export const REFUSAL_BURST = 20;
/** …then one every this many ms. */
export const REFUSAL_REFILL_MS = 3_000;

export class RefusalLog {
  private tokens = REFUSAL_BURST;
  private last: number;
  private suppressed = 0;

  constructor(
    private readonly append: (entry: AuditInput) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.last = now();
  }

  record(operation: string, parameters: Record<string, unknown>, caller: AuditCaller, errorCode: string): void {
    const t = this.now();
    this.tokens = Math.min(REFUSAL_BURST, this.tokens + (t - this.last) / REFUSAL_REFILL_MS);
    this.last = t;
    if (this.tokens < 1) {
      this.suppressed++;
      return;
    }
    this.tokens--;
    const withCount = this.suppressed > 0 ? { ...parameters, RefusalsNotRecorded: this.suppressed } : parameters;
    this.suppressed = 0;
    this.append({ operation, parameters: withCount, caller, result: 'error', errorCode });
  }
}
