// Speed spec of the Timeline (issue 11): 10,000 invocations over 50 env lanes,
// injected into the window's telemetry feed, are drawn (the first frame with
// all of them) in ≤ 1 s; wheel zoom and drag pan over a few seconds keep every
// frame ≤ 50 ms (requestAnimationFrame gaps measured inside the page; p50, p99
// and max reported). Then story 1's shape on its own (one lane: INIT, two
// invokes, a frozen span between them): the hidden table says so, and the
// canvas's pixels where the table's spans are drawn have the theme's colours.
import { expect, it } from 'vitest';
import type { EnvRecord, EnvStateChange, InvocationRecord, SpanView, TelemetryEvent } from '../main/contract/telemetry.js';
import { tokens } from '../renderer/src/theme/tokens.js';
import { shootBothThemes } from './harness.js';
import { TimelinePanel, type LaneFacts, type TimelineWindow } from './pages/timeline-panel.js';
import { WorkbenchWindow } from './pages/window.js';
import { story } from './story.js';

const FN = 'speed';
const SMALL_FN = 'counter';
const REAL_FN = 'story';
const INVOCATIONS = 10_000;
const LANES = 50;
const RENDER_BOUND_MS = 1000;
const FRAME_BOUND_MS = 50;

const hex = (n: number, w: number) => (n >>> 0).toString(16).padStart(w, '0').slice(-w);
const requestIdOf = (r: number) => `${hex(r * 2654435761, 8)}-${hex(r, 4)}-4${hex(r * 7, 3)}-8${hex(r * 13, 3)}-${hex(r * 40503, 6)}${hex(r, 6)}`;
const envIdOf = (i: number) => hex(i * 2246822519 + 0x5a17, 8) + hex(i, 4);

let seq = 1;

function record(p: Partial<InvocationRecord> & { requestId: string; envId?: string; spans: SpanView[] }, fn: string): InvocationRecord {
  const start = Math.min(...p.spans.map((s) => s.start));
  const end = Math.max(...p.spans.map((s) => s.start + s.durationMs));
  const invoke = p.spans.find((s) => s.name === 'invoke');
  return {
    seq: seq++, functionName: fn, version: '$LATEST', source: 'sync', cold: false, startedAt: start, endedAt: end, queuedMs: 0,
    durationMs: invoke?.durationMs ?? 0, billedMs: Math.ceil(invoke?.durationMs ?? 0), memorySizeMb: 256, maxMemoryUsedMb: 71,
    architecture: 'x86_64', status: 'success', payloadBytes: 40, responseBytes: 120, ...p,
  };
}

function state(fn: string, version: string, envId: string, at: number, from: EnvStateChange['from'], to: EnvStateChange['to'], cause = 'invoke'): TelemetryEvent {
  return { type: 'envState', change: { seq: seq++, at, envId, functionName: fn, version, from, to, cause } };
}

function envRecord(fn: string, version: string, envId: string, createdAt: number, cause: string, invocations: number, last: number): TelemetryEvent {
  const r: EnvRecord = {
    envId, functionName: fn, version, cause, initializationType: cause === 'provisioned' ? 'provisioned-concurrency' : 'on-demand', createdAt, state: 'frozen',
    stateSince: last, invocations, lastUsedAt: last, memoryPeakMb: 74, memorySizeMb: 256, tmpSizeBytes: 512 << 20, tmpUsedBytes: 4096, network: 'none',
  };
  return { type: 'env', record: r };
}

/**
 * A busy ten minutes: 50 envs (a first invoke, then scale-out, pre-warmed and code-changed ones, one
 * after a timeout; ten of them on version 1), each serving 200 invocations, frozen between them; a few
 * errors, timeouts and queued invocations.
 */
function busyTenMinutes(now: number): TelemetryEvent[] {
  const events: TelemetryEvent[] = [];
  const from = now - 600_000;
  const perLane = INVOCATIONS / LANES;
  let r = 0;
  for (let i = 0; i < LANES; i++) {
    const envId = envIdOf(i);
    const version = i >= 40 ? '1' : '$LATEST';
    const cause = i === 0 ? 'first-invoke' : i === 7 ? 'after-timeout' : i % 11 === 3 ? 'prewarm' : i % 13 === 5 ? 'after-code-change' : 'scale-out';
    const created = from + i * 1500;
    const init = 180 + ((i * 37) % 400);
    events.push(state(FN, version, envId, created, null, 'starting', cause), state(FN, version, envId, created + 40, 'starting', 'initializing'));
    const gap = (now - 2000 - (created + 40 + init)) / perLane;
    let t = created + 40 + init;
    let last = t;
    for (let k = 0; k < perLane; k++, r++) {
      const requestId = requestIdOf(r);
      const dur = 5 + ((r * 7919) % 115);
      const status: InvocationRecord['status'] = r % 211 === 0 ? 'timeout' : r % 97 === 0 ? 'error' : 'success';
      const spans: SpanView[] = [];
      const queued = r % 53 === 0 ? 30 + (r % 200) : 0;
      if (queued) spans.push({ name: 'queued', start: t - queued, durationMs: queued });
      if (k === 0) {
        spans.push({ name: 'acquire', start: created, durationMs: 40 }, { name: 'init', start: created + 40, durationMs: init });
        if (cause !== 'prewarm') events.push(state(FN, version, envId, t, 'initializing', 'invoking'));
      } else {
        spans.push({ name: 'thaw', start: t, durationMs: 0.8 });
        events.push(state(FN, version, envId, t, 'frozen', 'invoking', 'invoke'));
      }
      const invokeAt = t + (k === 0 ? 0 : 0.8);
      spans.push({ name: 'invoke', start: invokeAt, durationMs: dur }, { name: 'postResponse', start: invokeAt + dur, durationMs: 1.5 });
      const end = invokeAt + dur + 1.5;
      events.push({
        type: 'invocation',
        record: record({
          requestId, envId, version, spans, status, errorType: status === 'error' ? 'Error' : status === 'timeout' ? 'Sandbox.Timedout' : undefined,
          cold: k === 0 && cause !== 'prewarm', coldCause: k === 0 && cause !== 'prewarm' ? cause : undefined, initMs: k === 0 ? init : undefined, queuedMs: queued,
        }, FN),
      });
      events.push(state(FN, version, envId, end, 'invoking', 'idle', 'response'), state(FN, version, envId, end + 100, 'idle', 'frozen', 'idle'));
      last = end + 100;
      t += gap;
    }
    events.push(envRecord(FN, version, envId, created, cause, perLane, last));
  }
  return events;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const rgb = (hexColor: string): [number, number, number] => [1, 3, 5].map((i) => parseInt(hexColor.slice(i, i + 2), 16)) as [number, number, number];
/** `top` at `alpha` over `under`, as the canvas composites it. */
const over = (top: string, alpha: number, under: [number, number, number]): [number, number, number] => rgb(top).map((c, i) => c * alpha + under[i]! * (1 - alpha)) as [number, number, number];
const near = (a: [number, number, number], b: [number, number, number], tol = 8) => a.every((v, i) => Math.abs(v - b[i]!) <= tol);

story('Timeline speed: 10,000 invocations over 50 lanes render in ≤ 1 s, and pan and zoom with frames ≤ 50 ms', ({ wb, shotName }) => {
  let win: WorkbenchWindow;
  let tl: TimelinePanel;

  it('a function selected, the Timeline says what it will show while there is nothing yet', async () => {
    win = new WorkbenchWindow(wb().page);
    // Tall enough for all 50 lanes at once: the first frame must draw every one of the 10,000.
    await win.page.setViewportSize({ width: 1440, height: 1600 });
    await win.createFunction({ name: FN, template: 'nodejs-esm' });
    tl = new TimelinePanel(win.page);
    await tl.open();
    await tl.resizeDock(1240);
    await expect.poll(() => tl.root.getByTestId('timeline-empty').isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await tl.root.getByTestId('timeline-empty').innerText()).toMatch(/No invocations yet of speed/);
  });

  it(`draws ${INVOCATIONS.toLocaleString('en-US')} injected invocations over ${LANES} lanes (the first frame with all of them) in ≤ ${RENDER_BOUND_MS} ms`, async () => {
    const page = win.page;
    const events = busyTenMinutes(Date.now());
    // The events cross into the page first: only the feed, the model and the canvas are timed.
    await page.evaluate((e) => {
      (window as unknown as { __lwbPending: TelemetryEvent[] }).__lwbPending = e;
    }, events);
    const r = await page.evaluate(async (n) => {
      const w = window as unknown as TimelineWindow & { __lwbPending: TelemetryEvent[] };
      const hook = w.__lwbTest!.timeline!;
      const t0 = performance.now();
      for (const e of w.__lwbPending) w.__lwbTest!.telemetry!.inject(e);
      const injectedMs = performance.now() - t0;
      for (;;) {
        const s = hook.stats();
        if (s.invocations === n && s.drawn === n && s.lastAt > t0) {
          // The next frame callback runs after the one that drew them was presented.
          const shown = await new Promise<number>((res) => requestAnimationFrame(res));
          return { injectedMs, drawnMs: s.lastAt - t0, frameMs: s.lastMs, shownMs: shown - t0, lanes: s.lanes, merged: s.merged, rects: s.rects };
        }
        if (performance.now() - t0 > 15_000) throw new Error(`E2E_TIMELINE_NOT_DRAWN: after 15 s the timeline holds ${s.invocations} and drew ${s.drawn} of ${n}`);
        await new Promise((res) => requestAnimationFrame(res));
      }
    }, INVOCATIONS);
    process.stderr.write(
      `[timeline-speed] ${INVOCATIONS} invocations (${events.length} events): fed in ${r.injectedMs.toFixed(1)} ms, first frame with all of them drawn at ${r.drawnMs.toFixed(1)} ms ` +
        `(that frame: ${r.frameMs.toFixed(1)} ms, ${r.lanes} lanes on screen, ${r.merged} merged into pixel columns, ${r.rects} rects), presented by ${r.shownMs.toFixed(1)} ms (bound ${RENDER_BOUND_MS} ms)\n`,
    );
    expect(r.drawnMs).toBeLessThanOrEqual(RENDER_BOUND_MS);
    expect(r.shownMs).toBeLessThanOrEqual(RENDER_BOUND_MS);
    expect(r.lanes).toBe(LANES); // a tall dock: every lane on screen at once
    await expect.poll(() => tl.root.getAttribute('data-lanes')).toBe(String(LANES));
    await tl.waitForListed(INVOCATIONS);
    expect(await tl.table.getAttribute('data-listed')).toBe('500');
    await expect.poll(() => tl.canvas.getAttribute('aria-label')).toMatch(/10000 invocations shown/);
    await shootBothThemes(page, shotName('10k-fitted'));
  });

  it(`pans and zooms (wheel to the cursor, drag) with every frame ≤ ${FRAME_BOUND_MS} ms`, async () => {
    const page = win.page;
    const box = (await tl.canvas.boundingBox())!;
    const before = await tl.stats();
    // Frame gaps recorded inside the page while the pointer works the canvas from outside.
    await page.evaluate(() => {
      const w = window as unknown as { __lwbGaps: number[]; __lwbGapsOn: boolean; __lwbLong: number[]; __lwbTableRenders: number; __lwbObs: (PerformanceObserver | MutationObserver)[] };
      w.__lwbGaps = [];
      w.__lwbGapsOn = true;
      // For the report: long tasks, and how often the hidden table was re-listed during the gesture.
      w.__lwbLong = [];
      w.__lwbTableRenders = 0;
      const lt = new PerformanceObserver((l) => {
        for (const e of l.getEntries()) w.__lwbLong.push(e.duration);
      });
      lt.observe({ type: 'longtask' });
      const mo = new MutationObserver(() => w.__lwbTableRenders++);
      mo.observe(document.querySelector('[data-testid="timeline-table"]')!, { childList: true, subtree: true });
      w.__lwbObs = [lt, mo];
      // A timer heartbeat beside the frames: a slow frame with the timers stalled too means the whole
      // renderer process was off the CPU (a loaded machine), not that a frame's work was long.
      const beats: number[] = [];
      (w as unknown as { __lwbBeats: number[] }).__lwbBeats = beats;
      const beat = setInterval(() => {
        beats.push(performance.now());
        if (!w.__lwbGapsOn) clearInterval(beat);
      }, 5);
      let last = performance.now();
      const tick = (now: number) => {
        w.__lwbGaps.push(now - last);
        (w as unknown as { __lwbAt: number[] }).__lwbAt.push(now);
        last = now;
        if (w.__lwbGapsOn) requestAnimationFrame(tick);
      };
      (w as unknown as { __lwbAt: number[] }).__lwbAt = [];
      requestAnimationFrame((now) => {
        last = now;
        requestAnimationFrame(tick);
      });
    });
    const mouse = page.mouse;
    const started = Date.now();
    // Zoom in towards three points, out again, then drag across and back with the lanes moving too.
    for (const fx of [0.3, 0.7, 0.5]) {
      await mouse.move(box.x + box.width * fx, box.y + box.height * 0.5);
      for (let i = 0; i < 14; i++) {
        await mouse.wheel(0, -120);
        await page.waitForTimeout(16);
      }
      for (let i = 0; i < 12; i++) {
        await mouse.wheel(0, 120);
        await page.waitForTimeout(16);
      }
    }
    await mouse.move(box.x + box.width * 0.8, box.y + box.height * 0.6);
    await mouse.down();
    for (let i = 0; i < 40; i++) await mouse.move(box.x + box.width * (0.8 - i * 0.015), box.y + box.height * (0.6 - i * 0.006));
    for (let i = 0; i < 40; i++) await mouse.move(box.x + box.width * (0.2 + i * 0.015), box.y + box.height * (0.36 + i * 0.006));
    await mouse.up();
    const gestureMs = Date.now() - started;
    const { gaps, longTasks, tableRenders, slow } = await page.evaluate(() => {
      const w = window as unknown as { __lwbGaps: number[]; __lwbGapsOn: boolean; __lwbLong: number[]; __lwbTableRenders: number; __lwbObs: { disconnect(): void }[] };
      w.__lwbGapsOn = false;
      for (const o of w.__lwbObs) o.disconnect();
      const at = (w as unknown as { __lwbAt: number[] }).__lwbAt;
      const beats = (w as unknown as { __lwbBeats: number[] }).__lwbBeats;
      // Each slow frame with the longest timer silence inside it.
      const slow = w.__lwbGaps
        .map((gap, i) => ({ gap, end: at[i]! }))
        .filter((f) => f.gap > 33)
        .map((f) => {
          let silence = 0;
          for (let k = 1; k < beats.length; k++) if (beats[k]! > f.end - f.gap && beats[k - 1]! < f.end) silence = Math.max(silence, beats[k]! - beats[k - 1]!);
          return `${f.gap.toFixed(0)} ms (timers silent ${silence.toFixed(0)} ms)`;
        });
      return { gaps: w.__lwbGaps, longTasks: w.__lwbLong.sort((a, b) => b - a), tableRenders: w.__lwbTableRenders, slow };
    });
    const after = await tl.stats();
    const draws = after.recent.slice(-(after.frames - before.frames)).sort((a, b) => a - b);
    const sorted = [...gaps].sort((a, b) => a - b);
    const g = { frames: gaps.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1]! };
    process.stderr.write(
      `[timeline-speed] pan/zoom over ${gestureMs} ms: ${g.frames} frames, rAF gaps p50 ${g.p50.toFixed(1)} ms, p99 ${g.p99.toFixed(1)} ms, max ${g.max.toFixed(1)} ms (bound ${FRAME_BOUND_MS} ms); ` +
        `${after.frames - before.frames} timeline draws, draw time p50 ${percentile(draws, 50).toFixed(2)} ms, max ${draws[draws.length - 1]?.toFixed(2)} ms; ` +
        `long tasks: ${longTasks.length ? longTasks.slice(0, 5).map((d) => d.toFixed(0)).join(', ') + ' ms' : 'none'}; table re-listed ${tableRenders > 0 ? 'during' : 'not during'} the gesture; frames over 33 ms: ${slow.length ? slow.join(', ') : 'none'}\n`,
    );
    expect(after.frames - before.frames).toBeGreaterThan(30); // it did redraw while the pointer worked
    expect(after.follow).toBe(false); // a manual pan stops following live
    expect(await tl.following()).toBe(false);
    expect(g.frames).toBeGreaterThan(60);
    expect(g.max).toBeLessThanOrEqual(FRAME_BOUND_MS);
  });

  it('keys pan and zoom; the Live button follows now again', async () => {
    await tl.canvas.focus();
    const a = await tl.stats();
    await win.page.keyboard.press('+');
    await win.page.keyboard.press('ArrowLeft');
    const b = await tl.stats();
    expect(b.msPerPx).toBeLessThan(a.msPerPx);
    expect(b.t0).toBeLessThan(a.t0 + (a.t1 - a.t0) / 2);
    await win.page.getByTestId('timeline-follow').click();
    expect(await tl.following()).toBe(true);
    await expect.poll(async () => (await tl.stats()).t1).toBeGreaterThan(Date.now() - 1000);
    await win.page.getByTestId('timeline-zoom-in').click();
    expect((await tl.stats()).msPerPx).toBeLessThan(b.msPerPx);
  });

  it('story 1\'s shape: one lane with INIT, two invokes and a frozen span between them, as the table says and the pixels show', async () => {
    // Another function: the timeline follows the selection and starts empty for it.
    await win.createFunction({ name: SMALL_FN, template: 'nodejs-esm' });
    await expect.poll(() => tl.root.getAttribute('data-invocations')).toBe('0');
    const now = Date.now();
    const envId = 'c0ffee5e1f01';
    const t = now - 6000;
    const cold = record({
      requestId: '11111111-aaaa-4aaa-8aaa-000000000001', envId, cold: true, coldCause: 'first-invoke', initMs: 700, functionName: SMALL_FN,
      spans: [{ name: 'acquire', start: t, durationMs: 150 }, { name: 'init', start: t + 150, durationMs: 700 }, { name: 'invoke', start: t + 850, durationMs: 400 }, { name: 'postResponse', start: t + 1250, durationMs: 30 }],
    }, SMALL_FN);
    const warm = record({
      requestId: '22222222-bbbb-4bbb-8bbb-000000000002', envId, functionName: SMALL_FN,
      spans: [{ name: 'thaw', start: t + 3500, durationMs: 20 }, { name: 'invoke', start: t + 3520, durationMs: 450 }, { name: 'postResponse', start: t + 3970, durationMs: 30 }],
    }, SMALL_FN);
    const v = '$LATEST';
    await tl.inject([
      state(SMALL_FN, v, envId, t, null, 'starting', 'first-invoke'),
      state(SMALL_FN, v, envId, t + 150, 'starting', 'initializing'),
      state(SMALL_FN, v, envId, t + 850, 'initializing', 'invoking'),
      { type: 'invocation', record: cold },
      state(SMALL_FN, v, envId, t + 1280, 'invoking', 'idle', 'response'),
      state(SMALL_FN, v, envId, t + 1380, 'idle', 'frozen', 'idle'),
      state(SMALL_FN, v, envId, t + 3500, 'frozen', 'invoking'),
      { type: 'invocation', record: warm },
      state(SMALL_FN, v, envId, t + 4000, 'invoking', 'idle', 'response'),
      { type: 'env', record: { ...(envRecord(SMALL_FN, v, envId, t, 'first-invoke', 2, t + 4000) as { record: EnvRecord }).record, state: 'idle' } },
    ]);
    await tl.waitForListed(2);
    // Hold the window still (it follows now) while positions are read and pixels compared.
    await win.page.getByTestId('timeline-follow').click();
    expect(await tl.following()).toBe(false);

    const lanes = await tl.lanes();
    expect(lanes).toHaveLength(1);
    expect(lanes[0]).toMatchObject({ envId, state: 'idle', cause: 'first-invoke', frozenSpans: 1, invocations: 2 });
    const [frozenFrom, frozenTo] = lanes[0]!.frozen[0]!;
    const invs = await tl.invocations();
    expect(invs.map((i) => i.requestId)).toEqual([cold.requestId, warm.requestId]);
    expect(invs[0]).toMatchObject({ envId, status: 'success', cold: true, cause: 'first-invoke', spans: ['acquire', 'init', 'invoke', 'postResponse'] });
    expect(invs[1]).toMatchObject({ envId, status: 'success', cold: false, spans: ['thaw', 'invoke', 'postResponse'] });
    // The frozen span lies between the two invokes.
    expect(frozenFrom).toBeGreaterThanOrEqual(cold.endedAt);
    expect(frozenTo).toBeLessThanOrEqual(warm.spans.find((s) => s.name === 'invoke')!.start);
    expect(await tl.laneLabel(envId).innerText()).toMatch(/c0ffee5e[\s\S]*first invoke/);

    // What the table lists is what the canvas drew: the theme's colours where its spans are.
    const theme = (await win.page.getByTestId('app-root').getAttribute('data-theme')) as 'light' | 'dark';
    const k = tokens[theme];
    const plot = rgb(k.bg);
    const life = over(k.fgFaint, 0.12, plot);
    const mid = (g: { x0: number; x1: number; y: number }) => tl.pixel((g.x0 + g.x1) / 2, g.y);
    const coldGeo = await tl.geometry(cold.requestId);
    const warmGeo = await tl.geometry(warm.requestId);
    expect(near(await mid(coldGeo.find((s) => s.name === 'init')!), rgb(k.cold)), 'INIT is drawn in the cold colour').toBe(true);
    expect(near(await mid(coldGeo.find((s) => s.name === 'invoke')!), rgb(k.warm)), 'the first invoke is drawn in the warm colour').toBe(true);
    expect(near(await mid(warmGeo.find((s) => s.name === 'invoke')!), rgb(k.warm)), 'the second invoke is drawn in the warm colour').toBe(true);
    const y = warmGeo[0]!.y;
    const stats = await tl.stats();
    const frozenX = ((frozenFrom + frozenTo) / 2 - stats.t0) / stats.msPerPx;
    const frozenTint = over(k.frozen, theme === 'dark' ? 0.38 : 0.4, life);
    // Three samples: a grid line may cross one of them (the tint is translucent over it).
    const samples = [await tl.pixel(frozenX - 5, y), await tl.pixel(frozenX, y), await tl.pixel(frozenX + 5, y)];
    expect(samples.some((p) => near(p, frozenTint)), `the frozen span is drawn in the frozen tint ${frozenTint.map(Math.round)}: ${JSON.stringify(samples)}`).toBe(true);

    // Hover shows the invocation; a click selects it (outlined) and its env (the lane label).
    await tl.hover(warm.requestId);
    await expect.poll(() => tl.tooltip.isVisible()).toBe(true);
    const tip = await tl.tooltip.innerText();
    expect(tip).toContain(warm.requestId);
    expect(tip).toMatch(/warm/);
    expect(tip).toMatch(/71 of 256 MB/);
    await tl.click(warm.requestId);
    await expect.poll(() => tl.laneLabel(envId).getAttribute('aria-pressed')).toBe('true');
    const w2 = (await tl.geometry(warm.requestId)).find((s) => s.name === 'invoke')!;
    await expect.poll(async () => near(await tl.pixel((w2.x0 + w2.x1) / 2, w2.y - 6.5), rgb(k.focus), 24), { message: 'the selected invocation is outlined' }).toBe(true);
    await win.page.mouse.move(0, 0);
    await expect.poll(() => tl.tooltip.isVisible()).toBe(false);
    await shootBothThemes(win.page, shotName('story-1-shape'));
  });

  it('story 1 for real: two invokes of a new function → one lane, INIT, two invokes, frozen between; a pick in the history is outlined here', async () => {
    // Injected events leave the feed's resume point alone, so the engine's own frames arrive after them.
    await win.createFunction({ name: REAL_FN, template: 'nodejs-esm' });
    await tl.open();
    await expect.poll(() => tl.root.getAttribute('data-invocations')).toBe('0');
    await win.test.open();
    await win.test.setPayload({ order: 1 });
    const first = await (await win.test.invoke({ timeout: 120_000 })).facts();
    // The env freezes 100 ms after it goes idle: a second later it is frozen, and the next invoke thaws it.
    await win.page.waitForTimeout(1200);
    const second = await (await win.test.invoke()).facts();
    expect(first.cold).toBe(true);
    expect(second.envId).toBe(first.envId);
    await tl.waitForListed(2, 20_000);
    const lanes = await tl.lanes();
    expect(lanes.map((l) => l.envId)).toEqual([first.envId]);
    const invs = await tl.invocations();
    expect(invs.map((i) => i.requestId)).toEqual([first.requestId, second.requestId]);
    expect(invs[0]).toMatchObject({ cold: true, cause: 'first-invoke' });
    expect(invs[0]!.spans).toContain('init');
    expect(invs[0]!.spans).toContain('invoke');
    expect(invs[1]).toMatchObject({ cold: false });
    expect(invs[1]!.spans).toContain('invoke');
    const frozen = lanes[0]!.frozen;
    expect(frozen.length, `frozen spans of the real env: ${JSON.stringify(frozen)}`).toBeGreaterThanOrEqual(1);
    const secondStart = await win.page.evaluate((id) => (window as unknown as TimelineWindow).__lwbTest!.timeline!.geometry(id), second.requestId);
    expect(secondStart.length).toBeGreaterThan(0);
    // The first frozen span ends where the second invocation begins (its thaw).
    const [from, to] = frozen[0]!;
    expect(to).toBeGreaterThan(from);
    const stats = await tl.stats();
    const toX = (to - stats.t0) / stats.msPerPx;
    const invokeX = secondStart.find((sp) => sp.name === 'invoke')!.x0;
    expect(toX, 'the frozen span ends as the second invocation begins (thawed, then invoked)').toBeGreaterThan(Math.min(...secondStart.map((sp) => sp.x0)) - 3);
    expect(toX).toBeLessThan(invokeX + 3);

    // Picked in the inspector's history: the timeline outlines it (one selection for the window).
    await win.inspector.focusHistory(first.requestId);
    // Hold the window still (a pick on screen does not move it; following live does) to read pixels.
    if (await tl.following()) await win.page.getByTestId('timeline-follow').click();
    const theme = (await win.page.getByTestId('app-root').getAttribute('data-theme')) as 'light' | 'dark';
    const inv = (await tl.geometry(first.requestId)).find((sp) => sp.name === 'invoke')!;
    await expect.poll(async () => near(await tl.pixel((inv.x0 + inv.x1) / 2, inv.y - 6.5), rgb(tokens[theme].focus), 24), { message: 'the invocation picked in the history is outlined on the timeline' }).toBe(true);
    await shootBothThemes(win.page, shotName('story-1-real'));

    // Opened again (a reload): the same lane, invocations and frozen spans, read back from history.
    await win.page.reload();
    await win.page.getByTestId('app-root').waitFor({ state: 'visible', timeout: 60_000 });
    await tl.open();
    await tl.waitForListed(2, 20_000);
    // (Its state and later freezes may have moved on since: the env froze again after the second invoke.)
    const brief = (l: LaneFacts) => [l.envId, l.cause, l.invocations, l.frozen[0]];
    expect((await tl.lanes()).map(brief)).toEqual(lanes.map(brief));
    expect((await tl.invocations()).map((i) => [i.requestId, i.cold, i.spans.join(',')])).toEqual(invs.map((i) => [i.requestId, i.cold, i.spans.join(',')]));
  });
});
