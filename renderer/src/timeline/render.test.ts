// The renderer against a context that records what it fills: culling to the
// visible range, level of detail (sub-pixel spans merged per pixel column,
// errors kept), colours from the theme's tokens, the selection outline.
import { describe, expect, it } from 'vitest';
import { tokens } from '../theme/tokens.js';
import { invocation, storyOne } from './fixtures.js';
import { hitTest } from './hit.js';
import { TimelineModel } from './model.js';
import { alpha, palette } from './palette.js';
import { AXIS_H, BAR_Y, drawFrame } from './render.js';
import { ColumnStrip, packColor } from './strip.js';
import { TimeView } from './view.js';

/** A strip canvas outside a browser: ImageData as plain bytes, and what was put. */
function fakeStripCanvas() {
  const c = {
    width: 0,
    height: 0,
    put: undefined as { data: Uint8ClampedArray; width: number } | undefined,
    getContext: () => ({
      createImageData: (w: number, h: number) => ({ data: new Uint8ClampedArray(w * h * 4), width: w, height: h }),
      putImageData: (img: { data: Uint8ClampedArray; width: number }) => (c.put = img),
    }),
  };
  return c;
}

interface Fill { style: unknown; rects: [number, number, number, number][] }

/** Just enough of CanvasRenderingContext2D: records rect paths per fill, and strokeRects. */
class RecordingContext {
  fillStyle: unknown = '';
  strokeStyle: unknown = '';
  lineWidth = 1;
  font = '';
  textBaseline = '';
  fills: Fill[] = [];
  strokeRects: [number, number, number, number][] = [];
  images: number[][] = [];
  imageSmoothingEnabled = true;
  texts: string[] = [];
  private path: [number, number, number, number][] = [];
  beginPath() { this.path = []; }
  rect(x: number, y: number, w: number, h: number) { this.path.push([x, y, w, h]); }
  fill() { this.fills.push({ style: this.fillStyle, rects: this.path }); }
  fillRect(x: number, y: number, w: number, h: number) { this.fills.push({ style: this.fillStyle, rects: [[x, y, w, h]] }); }
  strokeRect(x: number, y: number, w: number, h: number) { this.strokeRects.push([x, y, w, h]); }
  fillText(t: string) { this.texts.push(t); }
  moveTo() {}
  lineTo() {}
  arc() {}
  closePath() {}
  stroke() {}
  setTransform() {}
  drawImage(_src: unknown, ...args: number[]) { this.images.push(args); }
  rectsOf(style: string) { return this.fills.filter((f) => f.style === style).flatMap((f) => f.rects); }
}

function frame(model: TimelineModel, view: TimeView, opts: { height?: number; selection?: { requestId?: string; envId?: string }; theme?: 'light' | 'dark'; strip?: ColumnStrip } = {}) {
  const ctx = new RecordingContext();
  const pal = palette(opts.theme ?? 'light');
  const out = drawFrame({ ctx: ctx as unknown as CanvasRenderingContext2D, width: view.width, height: opts.height ?? 300, model, view, scrollTop: 0, pal, patterns: { timeout: 'hatch' }, selection: opts.selection ?? {}, now: 10_000, strip: opts.strip });
  return { ctx, out, pal };
}

function view(t0: number, msPerPx: number, width = 1000): TimeView {
  const v = new TimeView();
  Object.assign(v, { t0, msPerPx, width, follow: false, autoFit: false });
  return v;
}

describe('timeline renderer', () => {
  it('story 1: INIT in the cold colour, two invokes in the warm colour, the frozen span between, in both themes', () => {
    const m = new TimelineModel();
    const s = storyOne();
    m.upsertEnv(s.env);
    for (const c of s.states) m.addStateChange(c);
    m.addInvocation(s.cold);
    m.addInvocation(s.warm);
    for (const theme of ['light', 'dark'] as const) {
      const { ctx, out, pal } = frame(m, view(0, 10), { theme }); // 0 … 10 s at 10 ms/px
      expect(out.drawn.map((i) => i.requestId)).toEqual(['r1', 'r2']);
      expect(out.lanes.map((l) => l.id)).toEqual(['e1']);
      const laneTop = AXIS_H + 18; // below its version's header row
      expect(ctx.rectsOf(tokens[theme].cold)).toEqual([[105, laneTop + BAR_Y, 25, 10]]); // INIT 1050–1300 ms
      const invokes = ctx.rectsOf(tokens[theme].warm);
      expect(invokes).toHaveLength(2);
      expect(invokes[0]![0]).toBe(130);
      expect(invokes[1]![0]).toBeCloseTo(500.2, 6);
      const frozen = ctx.rectsOf(pal.frozen);
      expect(frozen).toHaveLength(1);
      expect(frozen[0]![0]).toBe(150);
      expect(frozen[0]![0] + frozen[0]![2]).toBe(500);
    }
  });

  it('culls to the visible time range', () => {
    const m = new TimelineModel();
    for (let i = 0; i < 1000; i++) m.addInvocation(invocation({ requestId: `r${i}`, spans: [{ name: 'invoke', start: i * 100, durationMs: 50 }] }));
    const { out } = frame(m, view(20_000, 1, 1000)); // 20 s … 21 s
    expect(out.drawn.map((i) => i.requestId)).toEqual(Array.from({ length: 10 }, (_, k) => `r${200 + k}`));
  });

  it('merges spans narrower than a pixel into one column per pixel, and keeps errors visible', () => {
    const m = new TimelineModel();
    // 10,000 invocations of 0.5 ms every ms over 10 s, on a 100 px wide view: 100 ms per pixel.
    for (let i = 0; i < 10_000; i++) {
      m.addInvocation(invocation({ requestId: `r${i}`, status: i === 5555 ? 'error' : 'success', spans: [{ name: 'invoke', start: i, durationMs: 0.5 }] }));
    }
    const { ctx, out } = frame(m, view(0, 100, 100));
    expect(out.drawn).toHaveLength(10_000);
    expect(out.merged).toBe(10_000);
    // Every pixel column is half busy: one run across the lane in the half-busy tint, not 10,000 rects (nor 100).
    expect(ctx.rectsOf(alpha(tokens.light.warm, 0.82))).toEqual([[0, AXIS_H + 18 + BAR_Y, 100, 10]]);
    expect(ctx.rectsOf(tokens.light.error)).toEqual([[55, AXIS_H + 18 + BAR_Y, 1, 10]]);
    // Zoomed in, the same spans are drawn one by one.
    // Sparse: one pixel column per invocation, each its own rect, in the faintest busy tint (5 ms of 100).
    const sparse = new TimelineModel();
    for (let i = 0; i < 50; i++) sparse.addInvocation(invocation({ requestId: `s${i}`, spans: [{ name: 'invoke', start: i * 1000, durationMs: 5 }] }));
    const cols = frame(sparse, view(0, 100, 500)).ctx.rectsOf(alpha(tokens.light.warm, 0.5));
    expect(cols.map((r) => [r[0], r[2]])).toEqual(Array.from({ length: 50 }, (_, i) => [i * 10, 1]));
    // Busy: ten invocations filling a pixel's 100 ms in full colour.
    const busy = new TimelineModel();
    for (let i = 0; i < 10; i++) busy.addInvocation(invocation({ requestId: `b${i}`, spans: [{ name: 'invoke', start: 200 + i * 10, durationMs: 9 }] }));
    expect(frame(busy, view(0, 100, 500)).ctx.rectsOf(tokens.light.warm)).toEqual([[2, AXIS_H + 18 + BAR_Y, 1, 10]]);
    const near = frame(m, view(1000, 0.01, 1000)); // 1000 … 1010 ms
    expect(near.out.merged).toBe(0);
    expect(near.out.drawn).toHaveLength(10);
  });

  it('puts merged columns through one image row per lane, busy tint and errors as the rects would be', () => {
    const m = new TimelineModel();
    for (let i = 0; i < 10_000; i++) m.addInvocation(invocation({ requestId: `r${i}`, status: i === 5555 ? 'error' : 'success', spans: [{ name: 'invoke', start: i, durationMs: 0.5 }] }));
    m.addInvocation(invocation({ requestId: 'other', envId: 'e2', spans: [{ name: 'invoke', start: 3000, durationMs: 1 }] }));
    const canvas = fakeStripCanvas();
    const strip = new ColumnStrip(canvas as unknown as HTMLCanvasElement);
    const { ctx, out } = frame(m, view(0, 100, 100), { strip });
    expect(out.merged).toBe(10_001);
    expect(out.columns).toBe(101);
    expect(ctx.rectsOf(alpha(tokens.light.warm, 0.82))).toEqual([]); // not as rects
    // One drawImage per lane with columns: source row → the lane's bar, stretched to its height.
    const [first, second] = out.lanes.map((l) => l.id);
    expect([first, second].sort()).toEqual(['e1', 'e2']);
    expect(ctx.images).toHaveLength(2);
    expect(ctx.images[0]).toEqual([0, 0, 100, 1, 0, AXIS_H + 18 + BAR_Y, 100, 10]);
    const px = new Uint32Array(canvas.put!.data.buffer);
    const row = out.lanes.findIndex((l) => l.id === 'e1');
    expect(px[row * 100 + 10]).toBe(packColor(alpha(tokens.light.warm, 0.82)));
    expect(px[row * 100 + 55]).toBe(packColor(tokens.light.error));
    expect(packColor('rgba(255, 0, 16, 0.5)')).toBe(((128 << 24) | (16 << 16) | 255) >>> 0);
  });

  it('outlines the selected invocation and tints the selected env\'s lane', () => {
    const m = new TimelineModel();
    const s = storyOne();
    m.addInvocation(s.cold);
    m.addInvocation(s.warm);
    const { ctx, pal } = frame(m, view(0, 10), { selection: { requestId: 'r2', envId: 'e1' } });
    expect(ctx.strokeRects).toHaveLength(1);
    expect(ctx.strokeRects[0]![0]).toBeCloseTo(500 - 1.5, 6);
    expect(ctx.rectsOf(pal.selectedLane)).toHaveLength(1);
  });

  it('draws timeouts hatched and in-progress invocations growing to now', () => {
    const m = new TimelineModel();
    m.addInvocation(invocation({ requestId: 't', status: 'timeout', spans: [{ name: 'invoke', start: 1000, durationMs: 3000 }] }));
    m.startInvocation('p', 'e1', 'counter', '$LATEST', 8000);
    const { ctx, pal } = frame(m, view(0, 10));
    expect(ctx.rectsOf('hatch')).toEqual([[100, AXIS_H + 18 + BAR_Y, 300, 10]]);
    expect(ctx.rectsOf(pal.post).some((r) => r[0] === 800 && r[2] === 200)).toBe(true); // 8 s … now (10 s)
  });

  it('hit-tests the bar under the pointer, not the queued time drawn below the invocation before it', () => {
    const m = new TimelineModel();
    m.addInvocation(invocation({ requestId: 'a', spans: [{ name: 'invoke', start: 1000, durationMs: 500 }] }));
    m.addInvocation(invocation({ requestId: 'b', queuedMs: 400, spans: [{ name: 'queued', start: 1100, durationMs: 400 }, { name: 'invoke', start: 1500, durationMs: 100 }] }));
    const v = view(0, 10);
    const y = AXIS_H + 18 + BAR_Y + 5;
    expect(hitTest(m, v, 0, 120, y).inv?.requestId).toBe('a'); // 1200 ms: a runs, b is queued
    expect(hitTest(m, v, 0, 155, y).inv?.requestId).toBe('b');
    expect(hitTest(m, v, 0, 162, y).inv?.requestId).toBe('b'); // 20 ms after b ended: within the 3 px slop
    expect(hitTest(m, v, 0, 170, y).inv).toBeUndefined(); // 100 ms after: not
    expect(hitTest(m, v, 0, 400, y).inv).toBeUndefined();
    expect(hitTest(m, v, 0, 400, y).lane?.id).toBe('e1');
    expect(hitTest(m, v, 0, 400, AXIS_H + 2).row?.kind).toBe('group');
  });
});
