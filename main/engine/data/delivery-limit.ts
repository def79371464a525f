// How many async deliveries run at once. On AWS an Event invoke is delivered
// by machines of its own; here deliveries share the developer's cores with the
// API that accepts events, and with everything else on the machine. Ten no-op
// deliveries in flight on two cores take CPU from the 202s without draining
// the queue any faster (measured: 2,000–2,900 accepts/s at ten, 3,800–6,600
// at two, same drain time).
//
// So the limit follows the machine's idle CPU, additive increase and
// multiplicative decrease: it grows by one per interval while every slot is
// busy and cores sit idle, and drops by 30% when the cores are saturated. A
// function that waits on I/O leaves the cores idle and gets the maximum; a
// CPU-bound one gets about as many deliveries as the cores can run; and a
// burst of Event invokes keeps priority for its 202s.
import { cpus } from 'node:os';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

export interface DeliveryLimit {
  /** Deliveries allowed in flight now. */
  current(): number;
  /** Called on every look at the queue: whether every delivery slot is in use (more work may be waiting). */
  observe(slotsFull: boolean): void;
}

export function fixedLimit(n: number): DeliveryLimit {
  return { current: () => n, observe: () => {} };
}

/** Cumulative CPU time of the whole machine, all cores (any unit, as long as both fields share it). */
export interface CpuTimes {
  idle: number;
  total: number;
}

export function machineCpuTimes(): CpuTimes {
  let idle = 0;
  let total = 0;
  for (const { times } of cpus()) {
    idle += times.idle;
    total += times.user + times.nice + times.sys + times.idle + times.irq;
  }
  return { idle, total };
}

export interface CpuAwareLimitOptions {
  max: number;
  min?: number;
  /** How often the idle share is read and the limit adjusted. Default 100 ms. */
  intervalMs?: number;
  /** Idle share under which the cores count as saturated. Default 0.1. */
  saturatedBelow?: number;
  /** Idle share over which the limit may grow. Default 0.15. */
  growAbove?: number;
  /** Event-loop utilisation over which this process counts as saturated. Default 0.9. */
  loopSaturatedAbove?: number;
  sample?: () => CpuTimes;
  /** This process's event-loop utilisation since the previous call (0–1). */
  loopUtilisation?: () => number;
  now?: () => number;
}

export class CpuAwareLimit implements DeliveryLimit {
  private limit: number;
  private readonly min: number;
  private readonly intervalMs: number;
  private readonly saturatedBelow: number;
  private readonly growAbove: number;
  private readonly sample: () => CpuTimes;
  private readonly loopUtilisation: () => number;
  private readonly loopSaturatedAbove: number;
  private readonly now: () => number;
  private last: CpuTimes;
  private lastAt: number;
  /** Whether all slots were in use at some point of the current interval. */
  private slotsWereFull = false;

  constructor(private readonly options: CpuAwareLimitOptions) {
    this.min = Math.max(1, options.min ?? 1);
    // Start at the maximum: an I/O-bound function needs no ramp-up, and a CPU-bound one is cut within a few intervals.
    this.limit = Math.max(this.min, options.max);
    this.intervalMs = options.intervalMs ?? 100;
    this.saturatedBelow = options.saturatedBelow ?? 0.05;
    this.growAbove = options.growAbove ?? 0.15;
    this.sample = options.sample ?? machineCpuTimes;
    this.loopUtilisation = options.loopUtilisation ?? eventLoopUtilisation();
    this.loopSaturatedAbove = options.loopSaturatedAbove ?? 0.9;
    this.now = options.now ?? Date.now;
    this.last = this.sample();
    this.lastAt = this.now();
  }

  current(): number {
    return this.limit;
  }

  observe(slotsFull: boolean): void {
    if (slotsFull) this.slotsWereFull = true;
    const now = this.now();
    if (now - this.lastAt < this.intervalMs) return;
    const s = this.sample();
    const elapsed = s.total - this.last.total;
    // The OS counts CPU time in clock ticks: wait for a difference to measure.
    if (elapsed <= 0) return;
    const idle = (s.idle - this.last.idle) / elapsed;
    const loop = this.loopUtilisation();
    this.last = s;
    this.lastAt = now;
    if (idle < this.saturatedBelow || loop > this.loopSaturatedAbove) this.limit = Math.max(this.min, Math.floor(this.limit * 0.7));
    else if (idle > this.growAbove && this.slotsWereFull) this.limit = Math.min(this.options.max, this.limit + 1);
    this.slotsWereFull = false;
  }
}

/** Event-loop utilisation since the previous call: the share of time this thread was busy rather than waiting for I/O. */
export function eventLoopUtilisation(): () => number {
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const delta = performance.eventLoopUtilization(now, last);
    last = now;
    return delta.utilization;
  };
}
