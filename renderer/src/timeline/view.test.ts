import { describe, expect, it } from 'vitest';
import { spanText, tickLabel, TimeView } from './view.js';

function view(t0: number, msPerPx: number, width = 1000): TimeView {
  const v = new TimeView();
  v.t0 = t0;
  v.msPerPx = msPerPx;
  v.width = width;
  v.follow = false;
  return v;
}

describe('time view', () => {
  it('zooms to the cursor: the time under it stays under it', () => {
    const v = view(10_000, 10);
    const before = v.timeAt(300);
    v.zoomAt(300, 0.5);
    expect(v.msPerPx).toBe(5);
    expect(v.timeAt(300)).toBeCloseTo(before, 9);
  });

  it('stops following on a pan, and on a zoom away from the live edge; a zoom at the live edge keeps following', () => {
    const v = view(0, 10);
    v.follow = true;
    v.zoomAt(960, 0.8);
    expect(v.follow).toBe(true);
    v.zoomAt(100, 0.8);
    expect(v.follow).toBe(false);
    v.follow = true;
    v.panPx(-5);
    expect(v.follow).toBe(false);
  });

  it('follows now at the live edge', () => {
    const v = view(0, 10);
    v.follow = true;
    expect(v.track(100_000)).toBe(true);
    expect(v.x(100_000)).toBeCloseTo(960, 6);
    v.follow = false;
    expect(v.track(200_000)).toBe(false);
  });

  it('hands the zoom to the user on the first gesture (auto-fit stops)', () => {
    for (const gesture of [(v: TimeView) => v.zoomAt(10, 0.9), (v: TimeView) => v.panPx(3), (v: TimeView) => v.reveal(1e9, 1e9 + 1)]) {
      const v = view(0, 10);
      expect(v.autoFit).toBe(true);
      gesture(v);
      expect(v.autoFit).toBe(false);
    }
  });

  it('clamps the zoom', () => {
    const v = view(0, 1);
    for (let i = 0; i < 100; i++) v.zoomAt(0, 0.5);
    expect(v.msPerPx).toBe(0.01);
    for (let i = 0; i < 100; i++) v.zoomAt(0, 2);
    expect(v.msPerPx).toBe(60_000);
  });

  it('reveals a span outside the window, and leaves the window alone when it is inside', () => {
    const v = view(0, 10); // 0 … 10 s
    expect(v.reveal(2000, 3000)).toBe(false);
    // Later than the window: it comes in just inside the right edge (the least movement).
    expect(v.reveal(50_000, 50_100)).toBe(true);
    expect(v.x(50_100)).toBeCloseTo(900, 6);
    // Earlier: just inside the left edge.
    expect(v.reveal(1_000, 1_200)).toBe(true);
    expect(v.x(1_000)).toBeCloseTo(100, 6);
    // Wider than the window: zoomed out to hold it.
    expect(v.reveal(0, 40_000)).toBe(true);
    expect(v.x(40_000) - v.x(0)).toBeLessThanOrEqual(800);
  });

  it('ticks at readable steps at least 90 px apart, labelled for their step', () => {
    const base = new Date(2026, 0, 5, 14, 5, 0, 0).getTime();
    const ms = view(base, 2).ticks(); // 2 ms/px: 200 ms steps
    expect(ms[1]!.at - ms[0]!.at).toBe(200);
    expect(ms[0]!.label).toBe('14:05:00');
    expect(ms[0]!.major).toBe(true);
    expect(ms[1]!.label).toBe('.200');
    const secs = view(base, 100).ticks(); // 100 ms/px: 10 s steps
    expect(secs[1]!.at - secs[0]!.at).toBe(10_000);
    expect(secs[1]!.label).toBe('14:05:10');
    const mins = view(base, 2000).ticks(); // 2 s/px: 5 min steps
    expect(mins[1]!.at - mins[0]!.at).toBe(300_000);
    expect(mins[0]!.label).toBe('14:05');
    for (const t of [ms, secs, mins]) for (let i = 1; i < t.length; i++) expect(t[i]!.at - t[i - 1]!.at).toBeGreaterThanOrEqual(90 * (t === ms ? 2 : t === secs ? 100 : 2000));
  });

  it('labels and durations read as people say them', () => {
    const at = new Date(2026, 0, 5, 9, 3, 7, 250).getTime();
    expect(tickLabel(at, 50)).toBe('.250');
    expect(tickLabel(at - 250, 50)).toBe('09:03:07');
    expect(tickLabel(at, 60_000)).toBe('09:03');
    expect(spanText(0.4)).toBe('400 µs');
    expect(spanText(12.44)).toBe('12.4 ms');
    expect(spanText(3200)).toBe('3.20 s');
    expect(spanText(245_000)).toBe('4 min 05 s');
  });
});
