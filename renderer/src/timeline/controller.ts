// The canvas's imperative half: sizes the backing store for devicePixelRatio,
// redraws only when something changed and at most once per animation frame,
// keeps the time window following "now" (a timer paced to one pixel of time),
// and turns wheel, drag, click and keys into zoom, pan and selection. React
// (TimelinePanel) owns the DOM around it and hears back through `hooks`.
import { alpha, hatch, palette, type Palette } from './palette.js';
import { hitTest, type Hit } from './hit.js';
import { LANE_H, type TimelineInvocation, type TimelineLane, type TimelineModel } from './model.js';
import { AXIS_H, barStart, drawFrame, type FrameOutput, type Selection } from './render.js';
import { ColumnStrip } from './strip.js';
import { TimeView } from './view.js';
import type { ThemeName } from '../theme/tokens.js';

export interface ControllerHooks {
  /** The pointer moved onto something else (x, y relative to the canvas, CSS px). */
  hover(hit: Hit | undefined, x: number, y: number): void;
  selectInvocation(inv: TimelineInvocation): void;
  selectLane(lane: TimelineLane): void;
  /** Follow-live switched on or off (the toolbar shows it). */
  viewChanged(): void;
  frame(out: FrameOutput): void;
}

export interface FrameStats {
  frames: number;
  /** performance.now() at the end of the last frame drawn, and how long it took. */
  lastAt: number;
  lastMs: number;
  /** The model's version and size the last frame drew. */
  version: number;
  invocations: number;
  drawn: number;
  merged: number;
  lanes: number;
  rects: number;
  /** Merged pixel columns (invocations narrower than a pixel) drawn through the column strip. */
  columns: number;
  /** Draw times of the last frames (ms), newest last. */
  recent: number[];
}

const DRAG_THRESHOLD_PX = 3;
const WHEEL_ZOOM = 0.0015;
/** After an interaction, work that is not drawing (the hidden table) waits this long. */
export const SETTLE_MS = 350;

export class TimelineController {
  readonly view = new TimeView();
  selection: Selection = {};
  lastInteraction = 0;
  last: FrameOutput | undefined;
  readonly stats: FrameStats = { frames: 0, lastAt: 0, lastMs: 0, version: -1, invocations: 0, drawn: 0, merged: 0, lanes: 0, rects: 0, columns: 0, recent: [] };
  private canvas: HTMLCanvasElement | undefined;
  private scroller: HTMLElement | undefined;
  private ctx: CanvasRenderingContext2D | null = null;
  private strip: ColumnStrip | undefined;
  private pal: Palette;
  private patterns: { timeout: CanvasPattern | string } = { timeout: '' };
  private dpr = 1;
  private cssW = 0;
  private cssH = 0;
  private raf = 0;
  private liveTimer: ReturnType<typeof setTimeout> | undefined;
  private drag: { x: number; y: number; lastX: number; lastY: number; moved: boolean; id: number } | undefined;
  private readonly cleanups: (() => void)[] = [];
  private readonly offModel: () => void;

  constructor(readonly model: TimelineModel, private theme: ThemeName, private readonly hooks: ControllerHooks) {
    this.pal = palette(theme);
    this.offModel = model.onChange(() => this.invalidate());
  }

  attach(canvas: HTMLCanvasElement, scroller: HTMLElement): void {
    this.canvas = canvas;
    this.scroller = scroller;
    this.ctx = canvas.getContext('2d', { alpha: false });
    this.strip = new ColumnStrip(document.createElement('canvas'));
    const font = getComputedStyle(canvas).fontFamily;
    this.pal = palette(this.theme, font || undefined);
    this.patterns = { timeout: this.ctx ? hatch(this.ctx, alpha(this.pal.error, 0.9), window.devicePixelRatio || 1) : '' };
    const ro = new ResizeObserver(() => this.resize());
    ro.observe(canvas);
    this.cleanups.push(() => ro.disconnect());
    const on = <K extends keyof HTMLElementEventMap>(el: HTMLElement, type: K, fn: (e: HTMLElementEventMap[K]) => void, opts?: AddEventListenerOptions) => {
      el.addEventListener(type, fn as EventListener, opts);
      this.cleanups.push(() => el.removeEventListener(type, fn as EventListener, opts));
    };
    on(canvas, 'wheel', (e) => this.onWheel(e), { passive: false });
    on(canvas, 'pointerdown', (e) => this.onPointerDown(e));
    on(canvas, 'pointermove', (e) => this.onPointerMove(e));
    on(canvas, 'pointerup', (e) => this.onPointerUp(e));
    on(canvas, 'pointercancel', () => (this.drag = undefined));
    on(canvas, 'pointerleave', () => {
      if (!this.drag) this.hooks.hover(undefined, 0, 0);
    });
    on(canvas, 'keydown', (e) => this.onKey(e));
    on(scroller, 'scroll', () => this.invalidate(), { passive: true });
    this.resize();
  }

  detach(): void {
    for (const c of this.cleanups.splice(0)) c();
    cancelAnimationFrame(this.raf);
    this.raf = 0;
    clearTimeout(this.liveTimer);
    this.offModel();
    this.canvas = undefined;
    this.scroller = undefined;
    this.ctx = null;
  }

  setTheme(theme: ThemeName): void {
    if (theme === this.theme) return;
    this.theme = theme;
    const font = this.canvas ? getComputedStyle(this.canvas).fontFamily : undefined;
    this.pal = palette(theme, font || undefined);
    if (this.ctx) this.patterns = { timeout: hatch(this.ctx, alpha(this.pal.error, 0.9), this.dpr) };
    this.invalidate();
  }

  setSelection(sel: Selection): void {
    if (sel.requestId === this.selection.requestId && sel.envId === this.selection.envId) return;
    this.selection = sel;
    this.invalidate();
  }

  /** Asks for a frame; however many times it is called before it, one frame draws. */
  invalidate = (): void => {
    if (this.raf || !this.ctx) return;
    this.raf = requestAnimationFrame(this.frame);
  };

  private frame = (): void => {
    this.raf = 0;
    this.draw();
    this.scheduleLive();
  };

  private resize(): void {
    const c = this.canvas;
    if (!c) return;
    const rect = c.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(0, Math.round(rect.width));
    const h = Math.max(0, Math.round(rect.height));
    if (w === this.cssW && h === this.cssH && dpr === this.dpr) return;
    const dprChanged = dpr !== this.dpr;
    this.cssW = w;
    this.cssH = h;
    this.dpr = dpr;
    c.width = Math.round(w * dpr);
    c.height = Math.round(h * dpr);
    if (dprChanged && this.ctx) this.patterns = { timeout: hatch(this.ctx, alpha(this.pal.error, 0.9), dpr) };
    // Keep the time under the middle where it was (the live edge follows itself).
    const mid = this.view.timeAt(this.view.width / 2);
    this.view.width = w;
    if (!this.view.follow) this.view.t0 = mid - (w / 2) * this.view.msPerPx;
    this.draw();
  }

  /** Draws now (the frame callback, a resize, or a test's explicit request). */
  draw(): void {
    const ctx = this.ctx;
    if (!ctx || this.cssW === 0 || this.cssH === 0) return;
    const t = performance.now();
    const now = Date.now();
    this.fitIfNew(now);
    this.view.track(now);
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    const out = drawFrame({
      ctx,
      width: this.cssW,
      height: this.cssH,
      model: this.model,
      view: this.view,
      scrollTop: this.scroller?.scrollTop ?? 0,
      pal: this.pal,
      patterns: this.patterns,
      selection: this.selection,
      now,
      strip: this.strip,
    });
    this.last = out;
    const end = performance.now();
    const s = this.stats;
    s.frames++;
    s.lastAt = end;
    s.lastMs = end - t;
    s.version = this.model.version;
    s.invocations = this.model.invocationCount;
    s.drawn = out.drawn.length;
    s.merged = out.merged;
    s.lanes = out.lanes.length;
    s.rects = out.rects;
    s.columns = out.columns;
    s.recent.push(s.lastMs);
    if (s.recent.length > 600) s.recent.splice(0, s.recent.length - 600);
    this.hooks.frame(out);
  }

  /** Auto-fit (until a gesture): the data from its first span to now, up to its last 30 minutes. */
  private fitIfNew(now: number): void {
    if (!this.view.autoFit || !this.view.follow) return;
    const b = this.model.bounds();
    if (!b) {
      // Nothing yet: a minute up to now, waiting for the first invocation.
      this.view.msPerPx = 60_000 / Math.max(this.cssW, 1);
      return;
    }
    if (now - b.max > 5 * 60_000) {
      // Only history from a while ago (a restart): show it where it is, not an empty "now".
      this.view.fit(Math.max(b.min, b.max - 30 * 60_000), b.max);
      this.view.follow = false;
      this.view.autoFit = false;
      this.hooks.viewChanged();
      return;
    }
    // At least 5 s wide: a first cold start is seen with room around it, not stretched edge to edge.
    this.view.fit(Math.min(Math.max(b.min, now - 30 * 60_000), now - 5_000), now);
  }

  /** Following, or something still running: redraw when "now" has moved a pixel. */
  private scheduleLive(): void {
    clearTimeout(this.liveTimer);
    this.liveTimer = undefined;
    if (!this.ctx) return;
    if (!this.view.follow && this.model.inProgressCount === 0) return;
    const ms = Math.min(1000, Math.max(16, this.view.msPerPx));
    this.liveTimer = setTimeout(this.invalidate, ms);
  }

  // ---- commands (toolbar, keys, other panels) ------------------------------------------------------

  setFollow(on: boolean): void {
    this.view.follow = on;
    this.hooks.viewChanged();
    this.invalidate();
  }

  zoom(factor: number, x = this.cssW * (this.view.follow ? 0.96 : 0.5)): void {
    this.interacted();
    const was = this.view.follow;
    this.view.zoomAt(x, factor);
    if (was !== this.view.follow) this.hooks.viewChanged();
    this.invalidate();
  }

  pan(dx: number): void {
    this.interacted();
    const was = this.view.follow;
    this.view.panPx(dx);
    if (was) this.hooks.viewChanged();
    this.invalidate();
  }

  scrollBy(dy: number): void {
    if (this.scroller) this.scroller.scrollTop += dy;
  }

  /** Brings an invocation into view (time and lane) when it is not already. */
  revealInvocation(inv: TimelineInvocation): void {
    const end = Number.isFinite(inv.end) ? inv.end : Date.now();
    const was = this.view.follow;
    if (this.view.reveal(barStart(inv), end) && was) this.hooks.viewChanged();
    this.revealLane(inv.laneId);
    this.invalidate();
  }

  revealLane(laneId: string): void {
    const sc = this.scroller;
    if (!sc) return;
    const row = this.model.rows().find((r) => r.kind === 'lane' && r.lane.id === laneId);
    if (!row) return;
    const visible = sc.clientHeight - AXIS_H;
    if (row.y < sc.scrollTop || row.y + row.h > sc.scrollTop + visible) sc.scrollTop = Math.max(0, row.y - Math.max(0, (visible - LANE_H) / 2));
  }

  private interacted(): void {
    this.lastInteraction = performance.now();
  }

  // ---- input -------------------------------------------------------------------------------------

  private local(e: MouseEvent): { x: number; y: number } {
    const r = this.canvas!.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }

  private onWheel(e: WheelEvent): void {
    e.preventDefault();
    const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? this.cssW : 1;
    const dx = e.deltaX * unit;
    const dy = e.deltaY * unit;
    if (Math.abs(dx) > Math.abs(dy)) this.pan(dx);
    else if (e.shiftKey) this.pan(dy);
    else if (e.altKey) this.scrollBy(dy);
    else this.zoom(Math.exp(dy * WHEEL_ZOOM), this.local(e).x);
  }

  private onPointerDown(e: PointerEvent): void {
    if (e.button !== 0) return;
    this.canvas!.focus({ preventScroll: true });
    this.canvas!.setPointerCapture(e.pointerId);
    this.drag = { x: e.clientX, y: e.clientY, lastX: e.clientX, lastY: e.clientY, moved: false, id: e.pointerId };
  }

  private onPointerMove(e: PointerEvent): void {
    const d = this.drag;
    if (d && d.id === e.pointerId) {
      if (!d.moved && Math.hypot(e.clientX - d.x, e.clientY - d.y) < DRAG_THRESHOLD_PX) return;
      if (!d.moved) this.hooks.hover(undefined, 0, 0);
      d.moved = true;
      const dx = e.clientX - d.lastX;
      const dy = e.clientY - d.lastY;
      d.lastX = e.clientX;
      d.lastY = e.clientY;
      this.pan(-dx);
      if (dy) this.scrollBy(-dy);
      return;
    }
    const p = this.local(e);
    this.hooks.hover(hitTest(this.model, this.view, this.scroller?.scrollTop ?? 0, p.x, p.y), p.x, p.y);
  }

  private onPointerUp(e: PointerEvent): void {
    const d = this.drag;
    this.drag = undefined;
    if (!d || d.id !== e.pointerId) return;
    if (this.canvas?.hasPointerCapture(e.pointerId)) this.canvas.releasePointerCapture(e.pointerId);
    if (d.moved) return;
    const p = this.local(e);
    const hit = hitTest(this.model, this.view, this.scroller?.scrollTop ?? 0, p.x, p.y);
    if (hit.inv) this.hooks.selectInvocation(hit.inv);
    else if (hit.lane) this.hooks.selectLane(hit.lane);
  }

  private onKey(e: KeyboardEvent): void {
    const step = this.cssW * (e.shiftKey ? 0.5 : 0.1);
    switch (e.key) {
      case 'ArrowLeft': this.pan(-step); break;
      case 'ArrowRight': this.pan(step); break;
      case 'ArrowUp': this.scrollBy(-LANE_H); break;
      case 'ArrowDown': this.scrollBy(LANE_H); break;
      case '+': case '=': this.zoom(0.8); break;
      case '-': case '_': this.zoom(1.25); break;
      case 'End': case 'f': this.setFollow(true); break;
      default: return;
    }
    e.preventDefault();
  }
}
