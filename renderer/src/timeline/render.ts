// Draws one frame of the timeline on a Canvas 2D context. Only what is inside
// the visible time range and the visible rows is touched (binary search over
// each lane's sorted starts, see model.ts); spans narrower than a pixel are
// merged per lane into one pixel column (errors kept visible on top); rects are
// batched per style and filled with one path each, so a frame costs a few
// thousand path ops and a dozen fills however many invocations it shows.
import { alpha, causeGlyph, glyphPath, isFilled, type Palette } from './palette.js';
import { firstReaching, LANE_H, upperBound, type StatePoint, type TimelineInvocation, type TimelineLane, type TimelineModel } from './model.js';
import { packColor, type ColumnStrip } from './strip.js';
import type { TimeView } from './view.js';

export const AXIS_H = 20;
/** Vertical layout inside a lane (LANE_H = 22). */
export const GLYPH_Y = 4;
export const BAR_Y = 7;
export const BAR_H = 10;
export const QUEUED_Y = 18;
export const QUEUED_H = 2;
const FROZEN_Y = 9;
const FROZEN_H = 6;
const IDLE_Y = 11.5;
const IDLE_H = 1;

export interface Selection {
  requestId?: string;
  envId?: string;
}

export interface FrameInput {
  ctx: CanvasRenderingContext2D;
  /** Plot size in CSS px (the context is already scaled for devicePixelRatio). */
  width: number;
  height: number;
  model: TimelineModel;
  view: TimeView;
  scrollTop: number;
  pal: Palette;
  patterns: { timeout: CanvasPattern | string };
  selection: Selection;
  now: number;
  /** Where merged pixel columns go when there is a canvas for them (the browser); else they are rects. */
  strip?: ColumnStrip;
}

export interface FrameOutput {
  /** Every invocation drawn, lane by lane top to bottom, in time order within a lane. */
  drawn: TimelineInvocation[];
  /** How many of them were merged into pixel columns (narrower than a pixel). */
  merged: number;
  /** Lanes with at least a pixel row on screen. */
  lanes: TimelineLane[];
  rects: number;
  /** Merged pixel columns drawn through the strip. */
  columns: number;
}

/** Fill styles in drawing order: later slots paint over earlier ones. */
enum S { Life, InitState, Idle, Frozen, Queued, Acquire, Thaw, Init, Invoke, Post, TimeoutBase, TimeoutHatch, Error, InProgress, Busy0, Busy1, Busy2, Busy3, MergedErr, Count }

/** Pixel columns of merged invocations are tinted by how busy the env was in them (share of the pixel's time). */
const BUSY_LEVELS = [S.Busy0, S.Busy1, S.Busy2, S.Busy3] as const;
const BUSY_ALPHA = [0.5, 0.65, 0.82, 1];
function busyLevel(share: number): number {
  return share >= 0.75 ? 3 : share >= 0.4 ? 2 : share >= 0.15 ? 1 : 0;
}

/** The merged columns' colours as ImageData pixels, per palette. */
const packed = new WeakMap<Palette, { busy: number[]; error: number }>();
function packedColors(p: Palette): { busy: number[]; error: number } {
  let c = packed.get(p);
  if (!c) packed.set(p, (c = { busy: BUSY_ALPHA.map((a) => packColor(a === 1 ? p.invoke : alpha(p.invoke, a))), error: packColor(p.error) }));
  return c;
}

class Batches {
  readonly rects: number[][] = Array.from({ length: S.Count }, () => []);
  /** Per style, the right edge and index of the lane's last rect: the next one within a pixel extends it. */
  private readonly lastEnd = new Float64Array(S.Count);
  private readonly lastIdx = new Int32Array(S.Count);
  total = 0;

  /** A new lane: nothing to extend. */
  resetColumns(): void {
    this.lastEnd.fill(-Infinity);
    this.lastIdx.fill(-1);
  }

  /**
   * Adds [x0, x1] × [y, y + h]. Level of detail: narrower than a pixel, it takes one whole pixel
   * column; touching the last rect of its style on this lane (a gap under half a pixel), it extends
   * that rect, so a zoomed-out lane costs a few rects per style, not one per span.
   */
  put(slot: S, x0: number, x1: number, y: number, h: number, width: number): void {
    if (x1 < -1 || x0 > width + 1) return;
    let a = Math.max(x0, -2);
    let b = Math.min(x1, width + 2);
    if (b - a < 1) {
      a = Math.floor(a);
      b = a + 1;
    }
    const r = this.rects[slot]!;
    const i = this.lastIdx[slot]!;
    if (i >= 0 && a <= this.lastEnd[slot]! + 0.5 && r[i + 1] === y && r[i + 3] === h) {
      if (b > this.lastEnd[slot]!) {
        r[i + 2] = b - r[i]!;
        this.lastEnd[slot] = b;
      }
      return;
    }
    this.lastIdx[slot] = r.length;
    this.lastEnd[slot] = b;
    r.push(a, y, b - a, h);
    this.total++;
  }

  /** One fillStyle per style, then fillRect per rect: far cheaper to raster than one path of thousands of rects. */
  flush(ctx: CanvasRenderingContext2D, styles: (string | CanvasPattern)[]): void {
    for (let s = 0; s < S.Count; s++) {
      const r = this.rects[s]!;
      if (r.length === 0) continue;
      ctx.fillStyle = styles[s]!;
      for (let i = 0; i < r.length; i += 4) ctx.fillRect(r[i]!, r[i + 1]!, r[i + 2]!, r[i + 3]!);
      r.length = 0;
    }
  }
}

const batches = new Batches();
const NO_COL = -2147483648;

function stylesFor(p: Palette, timeout: CanvasPattern | string): (string | CanvasPattern)[] {
  const s: (string | CanvasPattern)[] = [];
  s[S.Life] = p.life;
  s[S.InitState] = p.initState;
  s[S.Idle] = p.idle;
  s[S.Frozen] = p.frozen;
  s[S.Queued] = p.queued;
  s[S.Acquire] = p.acquire;
  s[S.Thaw] = p.thaw;
  s[S.Init] = p.init;
  s[S.Invoke] = p.invoke;
  s[S.Post] = p.post;
  s[S.TimeoutBase] = p.timeoutBase;
  s[S.TimeoutHatch] = timeout;
  s[S.Error] = p.error;
  s[S.InProgress] = p.post;
  BUSY_LEVELS.forEach((slot, i) => (s[slot] = BUSY_ALPHA[i] === 1 ? p.invoke : alpha(p.invoke, BUSY_ALPHA[i]!)));
  s[S.MergedErr] = p.error;
  return s;
}

/** Where a cold start is marked on a lane, and why (undefined: the lane never started cold in view of its data). */
export function coldMark(lane: TimelineLane): { at: number; cause: string } | undefined {
  if (lane.kind !== 'env') return undefined;
  // An env record says when and why; without one, its first cold invocation does (its first few are enough to look at).
  const cold = lane.env && lane.cause ? undefined : lane.items.slice(0, 4).find((i) => i.record?.cold);
  const cause = lane.cause || cold?.record?.coldCause || '';
  if (lane.env) return { at: lane.createdAt, cause };
  if (!cold) return undefined;
  return { at: barStart(cold), cause };
}

/** The time an invocation's own bar starts (queued time is drawn apart, below it). */
export function barStart(inv: TimelineInvocation): number {
  for (const s of inv.spans) if (s.name !== 'queued') return s.start;
  return inv.record?.startedAt ?? inv.start;
}

export function drawFrame(f: FrameInput): FrameOutput {
  const { ctx, width, height, model, view, pal, now } = f;
  const out: FrameOutput = { drawn: [], merged: 0, lanes: [], rects: 0, columns: 0 };
  ctx.fillStyle = pal.plot;
  ctx.fillRect(0, 0, width, height);

  const ticks = view.ticks();
  // Grid first: spans paint over it.
  ctx.lineWidth = 1;
  for (const major of [false, true]) {
    ctx.strokeStyle = major ? pal.gridMajor : pal.grid;
    ctx.beginPath();
    for (const t of ticks) {
      if (t.major !== major) continue;
      const x = Math.round(view.x(t.at)) + 0.5;
      ctx.moveTo(x, AXIS_H);
      ctx.lineTo(x, height);
    }
    ctx.stroke();
  }

  const t0 = view.t0;
  const t1 = view.t1;
  const mpp = view.msPerPx;
  const x = (t: number) => (t - t0) / mpp;
  const rows = model.rows();
  const top = AXIS_H - f.scrollTop;
  const glyphs = new Map<string, number[]>();
  const laneLines: number[] = [];
  let selectedBox: [number, number, number, number] | undefined;
  batches.resetColumns();
  batches.total = 0;
  const strip = f.strip;
  const colors = packedColors(pal);
  const stripYs: number[] = [];
  strip?.begin(width, Math.ceil(height / LANE_H) + 2);
  /** A merged pixel column of the lane being drawn: into the strip, or a rect without one. */
  const column = (row: number, y: number, col: number, level: number | 'error') => {
    if (strip) strip.set(row, col, level === 'error' ? colors.error : colors.busy[level]!, level === 'error');
    else batches.put(level === 'error' ? S.MergedErr : BUSY_LEVELS[level]!, col, col + 1, y + BAR_Y, BAR_H, width);
  };

  // Rows are sorted by y: binary search the first one on screen.
  let r = upperBound(rows, f.scrollTop, (row) => row.y + row.h);
  for (; r < rows.length; r++) {
    const row = rows[r]!;
    const y = top + row.y;
    if (y >= height) break;
    if (row.kind === 'group') {
      ctx.fillStyle = pal.band;
      ctx.fillRect(0, y, width, row.h);
      continue;
    }
    const lane = row.lane;
    out.lanes.push(lane);
    const stripRow = stripYs.push(y + BAR_Y) - 1;
    laneLines.push(y + row.h - 0.5);
    if (f.selection.envId === lane.id) {
      ctx.fillStyle = pal.selectedLane;
      ctx.fillRect(0, y, width, row.h);
    }
    batches.resetColumns();
    const laneEnd = lane.endedAt ?? now;
    if (lane.kind === 'env') batches.put(S.Life, x(lane.createdAt), x(laneEnd), y + BAR_Y, BAR_H, width);
    drawStates(lane.states, laneEnd, t0, t1, x, y, width);

    const items = lane.items;
    let busyCol = NO_COL;
    let busyShare = 0;
    for (let i = firstReaching(lane, t0); i < items.length; i++) {
      const inv = items[i]!;
      if (inv.start >= t1) break;
      const end = Number.isFinite(inv.end) ? inv.end : Math.min(now, laneEnd < inv.start ? now : laneEnd);
      if (end < t0) continue;
      out.drawn.push(inv);
      const x0 = x(inv.start);
      const x1 = x(end);
      const rec = inv.record;
      if (x1 - x0 < 1) {
        out.merged++;
        // Merged into one pixel column per lane: how busy that column was sets its tint; errors show whatever else is there.
        const col = Math.floor(x0);
        if (rec !== undefined && rec.status !== 'success') column(stripRow, y, col, 'error');
        if (col === busyCol) busyShare += x1 - x0;
        else {
          if (busyCol !== NO_COL) column(stripRow, y, busyCol, busyLevel(busyShare));
          busyCol = col;
          busyShare = x1 - x0;
        }
      } else if (!rec) {
        batches.put(S.InProgress, x0, x1, y + BAR_Y, BAR_H, width);
      } else if (inv.spans.length === 0) {
        batches.put(invokeSlot(rec.status), x(rec.startedAt), x(rec.endedAt), y + BAR_Y, BAR_H, width);
      } else {
        for (const s of inv.spans) {
          const sx0 = x(s.start);
          const sx1 = x(s.start + s.durationMs);
          switch (s.name) {
            case 'queued': batches.put(S.Queued, sx0, sx1, y + QUEUED_Y, QUEUED_H, width); break;
            case 'acquire': batches.put(S.Acquire, sx0, sx1, y + BAR_Y + 2, BAR_H - 4, width); break;
            case 'thaw': batches.put(S.Thaw, sx0, sx1, y + BAR_Y + 2, BAR_H - 4, width); break;
            case 'init': batches.put(S.Init, sx0, sx1, y + BAR_Y, BAR_H, width); break;
            case 'invoke':
              if (rec.status === 'timeout') {
                batches.put(S.TimeoutBase, sx0, sx1, y + BAR_Y, BAR_H, width);
                batches.put(S.TimeoutHatch, sx0, sx1, y + BAR_Y, BAR_H, width);
              } else batches.put(invokeSlot(rec.status), sx0, sx1, y + BAR_Y, BAR_H, width);
              break;
            case 'postResponse': batches.put(S.Post, sx0, sx1, y + BAR_Y + 1, BAR_H - 2, width); break;
          }
        }
      }
      if (inv.requestId === f.selection.requestId) {
        const bx0 = x(barStart(inv));
        selectedBox = [bx0 - 1.5, y + BAR_Y - 1.5, Math.max(x1 - bx0, 1) + 3, BAR_H + 3];
      }
    }
    if (busyCol !== NO_COL) column(stripRow, y, busyCol, busyLevel(busyShare));
    const mark = coldMark(lane);
    if (mark && mark.at >= t0 - 10 * mpp && mark.at <= t1) {
      const g = causeGlyph(mark.cause);
      const key = `${g.shape}|${g.tone}`;
      let pts = glyphs.get(key);
      if (!pts) glyphs.set(key, (pts = []));
      pts.push(x(mark.at), y + GLYPH_Y);
    }
  }
  out.rects = batches.total;
  batches.flush(ctx, stylesFor(pal, f.patterns.timeout));
  if (strip) {
    strip.blit(ctx, stripYs, BAR_H);
    out.columns = strip.columns;
  }

  if (laneLines.length) {
    ctx.strokeStyle = pal.laneLine;
    ctx.beginPath();
    for (const ly of laneLines) {
      ctx.moveTo(0, ly);
      ctx.lineTo(width, ly);
    }
    ctx.stroke();
  }

  drawGlyphs(ctx, glyphs, pal);

  if (selectedBox) {
    ctx.strokeStyle = pal.outline;
    ctx.lineWidth = 1.5;
    ctx.strokeRect(...selectedBox);
    ctx.lineWidth = 1;
  }

  drawAxis(ctx, width, pal, ticks, view, now);

  function drawStates(states: StatePoint[], laneEnd: number, a: number, b: number, xf: (t: number) => number, y: number, w: number): void {
    let i = Math.max(0, upperBound(states, a, (p) => p.at) - 1);
    for (; i < states.length; i++) {
      const p = states[i]!;
      if (p.at > b) break;
      const next = states[i + 1]?.at ?? laneEnd;
      if (next < a) continue;
      if (p.state === 'frozen') batches.put(S.Frozen, xf(p.at), xf(next), y + FROZEN_Y, FROZEN_H, w);
      // Warm: the engine does not report idle<->invoking moves (each invocation record says when it
      // ran), so the warm line runs under the invoke bars and shows between them. A sub-pixel warm
      // moment between an invoke and a freeze says nothing at that zoom: left out.
      else if ((p.state === 'idle' || p.state === 'invoking') && (next - p.at) / mpp >= 1) batches.put(S.Idle, xf(p.at), xf(next), y + IDLE_Y, IDLE_H, w);
      else if (p.state === 'initializing') batches.put(S.InitState, xf(p.at), xf(next), y + BAR_Y, BAR_H, w);
    }
  }

  return out;
}

function invokeSlot(status: string): S {
  return status === 'success' ? S.Invoke : status === 'timeout' ? S.TimeoutHatch : S.Error;
}

function drawGlyphs(ctx: CanvasRenderingContext2D, glyphs: Map<string, number[]>, pal: Palette): void {
  for (const [key, pts] of glyphs) {
    const [shape, tone] = key.split('|') as [Parameters<typeof glyphPath>[1], string];
    const color = tone === 'error' ? pal.error : pal.cold;
    ctx.beginPath();
    let lastX = -Infinity;
    for (let i = 0; i < pts.length; i += 2) {
      const gx = pts[i]!;
      // Marks closer than a few pixels on one row say nothing more: one is enough.
      if (Math.abs(gx - lastX) < 3 && pts[i + 1] === pts[i - 1]) continue;
      lastX = gx;
      glyphPath(ctx, shape, gx, pts[i + 1]!, 3.2);
    }
    if (isFilled(shape)) {
      ctx.fillStyle = color;
      ctx.fill();
    } else {
      ctx.strokeStyle = color;
      ctx.lineWidth = 1.4;
      ctx.stroke();
      ctx.lineWidth = 1;
    }
  }
}

function drawAxis(ctx: CanvasRenderingContext2D, width: number, pal: Palette, ticks: ReturnType<TimeView['ticks']>, view: TimeView, now: number): void {
  ctx.fillStyle = pal.band;
  ctx.fillRect(0, 0, width, AXIS_H);
  ctx.strokeStyle = pal.gridMajor;
  ctx.beginPath();
  ctx.moveTo(0, AXIS_H - 0.5);
  ctx.lineTo(width, AXIS_H - 0.5);
  for (const t of ticks) {
    const tx = Math.round(view.x(t.at)) + 0.5;
    ctx.moveTo(tx, AXIS_H - (t.major ? 6 : 4));
    ctx.lineTo(tx, AXIS_H);
  }
  ctx.stroke();
  ctx.font = pal.font;
  ctx.textBaseline = 'middle';
  ctx.fillStyle = pal.axisText;
  for (const t of ticks) ctx.fillText(t.label, Math.round(view.x(t.at)) + 4, AXIS_H / 2 - 1);
  const nx = view.x(now);
  if (nx >= 0 && nx <= width) {
    ctx.fillStyle = pal.now;
    ctx.beginPath();
    ctx.moveTo(nx - 4, AXIS_H - 6);
    ctx.lineTo(nx + 4, AXIS_H - 6);
    ctx.lineTo(nx, AXIS_H - 1);
    ctx.closePath();
    ctx.fill();
  }
}
