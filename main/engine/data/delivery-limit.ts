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
import { openSync, readSync } from 'node:fs';
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

/**
 * Read on every interval while deliveries run. os.cpus() opens and reads /proc/stat and /proc/cpuinfo
 * each time (measured 0.05–0.08 ms a call, more with many cores); the first line of /proc/stat through
 * a descriptor kept open costs 6 µs. Elsewhere, os.cpus().
 */
export function machineCpuTimes(): CpuTimes {
  return procStatCpuTimes() ?? osCpuTimes();
}

let procStat: number | null | undefined;
const statBuffer = Buffer.alloc(256);

/** The `cpu` line of /proc/stat (USER_HZ ticks): iowait counts as idle, guest time is already in user. */
function procStatCpuTimes(): CpuTimes | undefined {
  if (procStat === undefined) {
    try {
      procStat = process.platform === 'linux' ? openSync('/proc/stat', 'r') : null;
    } catch {
      procStat = null;
    }
  }
  if (procStat === null) return undefined;
  try {
    // A read from offset 0 makes the kernel write the file afresh.
    const n = readSync(procStat, statBuffer, 0, statBuffer.length, 0);
    const line = statBuffer.toString('latin1', 0, n).split('\n', 1)[0]!;
    const f = line.split(/\s+/).slice(1, 9).map(Number);
    if (!line.startsWith('cpu ') || f.length < 5 || f.some((x) => !Number.isFinite(x))) throw new Error('unexpected /proc/stat');
    const [user, nice, system, idle, iowait, irq = 0, softirq = 0, steal = 0] = f as number[];
    return { idle: idle! + iowait!, total: user! + nice! + system! + idle! + iowait! + irq + softirq + steal };
  } catch {
    procStat = null;
    return undefined;
  }
}

function osCpuTimes(): CpuTimes {
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
