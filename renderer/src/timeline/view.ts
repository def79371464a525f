// The visible time window: where x = 0 is (t0), how many milliseconds a pixel
// holds, and whether it follows "now". Zoom keeps the time under the cursor
// where it is; any manual pan or zoom away from the live edge stops following.
// Ticks for the axis come in steps people read (1/2/5 ms … 1/2/5/10/15/30 s,
// minutes, hours) at least MIN_TICK_PX apart.

export const MIN_MS_PER_PX = 0.01; // 10 µs per pixel: sub-millisecond spans are still wide enough to hover
export const MAX_MS_PER_PX = 60_000; // a minute per pixel: a thousand pixels hold most of a day
/** The live edge sits this fraction of the width before the right border, so new spans are seen arriving. */
const LIVE_MARGIN = 0.04;
const MIN_TICK_PX = 90;

const STEPS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500,
  1_000, 2_000, 5_000, 10_000, 15_000, 30_000,
  60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000,
  3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000,
];

export interface Tick {
  at: number;
  label: string;
  /** A whole second, minute or hour among finer ticks: drawn a little stronger. */
  major: boolean;
}

export class TimeView {
  t0 = 0;
  msPerPx = 100;
  /** Plot width in CSS px. */
  width = 0;
  follow = true;
  /**
   * Until the user zooms or pans, a following window fits the data (from its first span to now), so
   * a new function's first envs stay whole on screen as they grow; any gesture hands the zoom over.
   */
  autoFit = true;

  get t1(): number {
    return this.t0 + this.width * this.msPerPx;
  }

  x(t: number): number {
    return (t - this.t0) / this.msPerPx;
  }

  timeAt(x: number): number {
    return this.t0 + x * this.msPerPx;
  }

  /** Following: puts "now" at the live edge. Returns whether t0 moved. */
  track(now: number): boolean {
    if (!this.follow) return false;
    const t0 = now - this.width * this.msPerPx * (1 - LIVE_MARGIN);
    if (t0 === this.t0) return false;
    this.t0 = t0;
    return true;
  }

  /** Shows [from, to] whole (with the live margin when following). */
  fit(from: number, to: number): void {
    const span = Math.max(to - from, 50);
    const w = Math.max(this.width, 1);
    // Room on both sides (the live edge's margin on the right): the first span is not on the border.
    this.msPerPx = clamp((span * 1.12) / w, MIN_MS_PER_PX, MAX_MS_PER_PX);
    this.t0 = from - span * 0.06;
  }

  /** factor < 1 zooms in, keeping the time at x where it is. */
  zoomAt(x: number, factor: number): void {
    const t = this.timeAt(x);
    this.msPerPx = clamp(this.msPerPx * factor, MIN_MS_PER_PX, MAX_MS_PER_PX);
    this.t0 = t - x * this.msPerPx;
    this.autoFit = false;
    // Zooming around the live edge keeps following; zooming elsewhere is looking at the past.
    if (this.follow && Math.abs(x - this.width * (1 - LIVE_MARGIN)) > this.width * 0.1) this.follow = false;
  }

  /** Moves the window by dx pixels (dx > 0: later times come into view). */
  panPx(dx: number): void {
    if (dx === 0) return;
    this.t0 += dx * this.msPerPx;
    this.follow = false;
    this.autoFit = false;
  }

  /**
   * Brings [from, to] into view with the least movement (just inside the nearer edge), zooming out
   * only when it is wider than most of the window. Returns whether the window moved.
   */
  reveal(from: number, to: number): boolean {
    const w = this.width * this.msPerPx;
    const pad = w * 0.03;
    if (from >= this.t0 + pad && to <= this.t1 - pad) return false;
    if (to - from > w * 0.8) this.msPerPx = clamp(((to - from) * 1.25) / Math.max(this.width, 1), MIN_MS_PER_PX, MAX_MS_PER_PX);
    const span = this.width * this.msPerPx;
    const margin = span * 0.1;
    this.t0 = from < this.t0 + pad ? from - margin : to + margin - span;
    this.follow = false;
    this.autoFit = false;
    return true;
  }

  ticks(): Tick[] {
    const minStep = MIN_TICK_PX * this.msPerPx;
    const step = STEPS.find((s) => s >= minStep) ?? STEPS[STEPS.length - 1]!;
    const offset = new Date(this.t0).getTimezoneOffset() * 60_000;
    // Steps of an hour or more align to local midnight; finer steps to the epoch (same thing locally for them).
    const align = step >= 3_600_000 ? -offset : 0;
    const first = Math.ceil((this.t0 - align) / step) * step + align;
    const out: Tick[] = [];
    for (let at = first; at <= this.t1 && out.length < 200; at += step) out.push({ at, label: tickLabel(at, step), major: isMajor(at, step) });
    return out;
  }
}

function isMajor(at: number, step: number): boolean {
  if (step < 1000) return at % 1000 === 0;
  if (step < 60_000) return at % 60_000 === 0;
  if (step < 3_600_000) return new Date(at).getMinutes() === 0;
  return new Date(at).getHours() === 0;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** 14:05 for minute steps, 14:05:30 for second steps, .250 between whole seconds for millisecond steps. */
export function tickLabel(at: number, step: number): string {
  const d = new Date(at);
  const hm = `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
  if (step >= 60_000) return hm;
  const hms = `${hm}:${pad2(d.getSeconds())}`;
  if (step >= 1000) return hms;
  const msPart = ((at % 1000) + 1000) % 1000;
  if (msPart === 0) return hms;
  return `.${String(Math.round(msPart)).padStart(3, '0')}`;
}

/** A duration for the summary and tooltips: 850 µs, 12.4 ms, 3.20 s, 4 min 05 s. */
export function spanText(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const m = Math.floor(ms / 60_000);
  if (m < 60) return `${m} min ${pad2(Math.round((ms % 60_000) / 1000))} s`;
  return `${Math.floor(m / 60)} h ${pad2(m % 60)} min`;
}

export function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
