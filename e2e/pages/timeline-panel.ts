// The dock's Timeline panel: a canvas with one lane per env, read through its
// hidden table (what was drawn: lanes and invocations, data-* attributes), its
// lane labels, its toolbar and tooltip, and the test hook for frame stats and
// where a span was drawn (to check pixels against the table).
import type { Locator, Page } from 'playwright-core';
import type { TelemetryEvent } from '../../main/contract/telemetry.js';

export interface LaneFacts {
  envId: string;
  state: string;
  cause: string;
  frozenSpans: number;
  /** [from, to] of each frozen span (to: NaN while still frozen). */
  frozen: [number, number][];
  invocations: number;
}

export interface InvocationFacts {
  requestId: string;
  envId: string;
  status: string;
  cold: boolean | null;
  cause: string;
  spans: string[];
  text: string;
}

export interface TimelineStats {
  frames: number;
  lastAt: number;
  lastMs: number;
  version: number;
  invocations: number;
  drawn: number;
  merged: number;
  lanes: number;
  rects: number;
  recent: number[];
  follow: boolean;
  t0: number;
  t1: number;
  msPerPx: number;
  width: number;
}

export interface TimelineHook {
  stats(): TimelineStats;
  drawn(): string[];
  geometry(requestId: string): { name: string; x0: number; x1: number; y: number }[];
  laneY(envId: string): number | undefined;
  redraw(): void;
}

export type TimelineWindow = { __lwbTest?: { timeline?: TimelineHook; telemetry?: { inject(e: TelemetryEvent): void } } };

export class TimelinePanel {
  readonly root: Locator;
  readonly canvas: Locator;
  readonly table: Locator;
  readonly tooltip: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('timeline-panel');
    this.canvas = page.getByTestId('timeline-canvas');
    this.table = page.getByTestId('timeline-table');
    this.tooltip = page.getByTestId('timeline-tooltip');
  }

  /** The dock's Timeline tab (opens the dock if it was hidden); waits for the canvas's first frame. */
  async open(): Promise<void> {
    if (!(await this.page.getByTestId('dock').isVisible())) await this.page.keyboard.press('Control+j');
    await this.page.getByTestId('dock-timeline').click();
    await this.root.waitFor({ state: 'visible', timeout: 30_000 });
    await this.page.waitForFunction(() => ((window as unknown as TimelineWindow).__lwbTest?.timeline?.stats().frames ?? 0) > 0, undefined, { timeout: 30_000 });
  }

  /** Drags the separator above the dock so the dock is about `height` px tall. */
  async resizeDock(height: number): Promise<void> {
    const sep = this.page.locator('.sep-h').first();
    const box = await sep.boundingBox();
    const dock = await this.page.getByTestId('dock').boundingBox();
    if (!box || !dock) throw new Error('E2E_TIMELINE_NO_DOCK: the dock or its separator is not on screen');
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    await this.page.mouse.move(x, y);
    await this.page.mouse.down();
    await this.page.mouse.move(x, dock.y + dock.height - height, { steps: 8 });
    await this.page.mouse.up();
  }

  /** Feeds events as if the engine sent them (the window's one telemetry feed). */
  async inject(events: TelemetryEvent[]): Promise<void> {
    await this.page.evaluate((evs) => {
      const t = (window as unknown as TimelineWindow).__lwbTest?.telemetry;
      if (!t) throw new Error('E2E_NO_INJECT: window.__lwbTest.telemetry is missing (renderer/src/telemetry/feed.ts)');
      for (const e of evs) t.inject(e);
    }, events);
  }

  stats(): Promise<TimelineStats> {
    return this.page.evaluate(() => (window as unknown as TimelineWindow).__lwbTest!.timeline!.stats());
  }

  geometry(requestId: string): Promise<{ name: string; x0: number; x1: number; y: number }[]> {
    return this.page.evaluate((id) => (window as unknown as TimelineWindow).__lwbTest!.timeline!.geometry(id), requestId);
  }

  laneY(envId: string): Promise<number | undefined> {
    return this.page.evaluate((id) => (window as unknown as TimelineWindow).__lwbTest!.timeline!.laneY(id), envId);
  }

  /** Waits until the hidden table lists `n` invocations (it re-lists when the view settles). */
  async waitForListed(n: number, timeout = 10_000): Promise<void> {
    await this.page.waitForFunction((k) => document.querySelector('[data-testid="timeline-table"]')?.getAttribute('data-drawn') === String(k), n, { timeout });
  }

  async lanes(): Promise<LaneFacts[]> {
    return this.table.locator('tr[data-kind="lane"]').evaluateAll((rows) =>
      rows.map((r) => ({
        envId: r.getAttribute('data-env-id') ?? '',
        state: r.getAttribute('data-state') ?? '',
        cause: r.getAttribute('data-cause') ?? '',
        frozenSpans: Number(r.getAttribute('data-frozen-spans')),
        frozen: (r.getAttribute('data-frozen') ?? '')
          .split(';')
          .filter(Boolean)
          .map((s) => s.split('-').map((v) => (v === '' ? Number.NaN : Number(v))) as [number, number]),
        invocations: Number(r.getAttribute('data-invocations')),
      })),
    );
  }

  async invocations(): Promise<InvocationFacts[]> {
    return this.table.locator('tr[data-kind="invocation"]').evaluateAll((rows) =>
      rows.map((r) => ({
        requestId: r.getAttribute('data-request-id') ?? '',
        envId: r.getAttribute('data-env-id') ?? '',
        status: r.getAttribute('data-status') ?? '',
        cold: r.getAttribute('data-cold') === '' ? null : r.getAttribute('data-cold') === 'true',
        cause: r.getAttribute('data-cause') ?? '',
        spans: (r.getAttribute('data-spans') ?? '').split(',').filter(Boolean),
        text: (r as HTMLElement).textContent ?? '',
      })),
    );
  }

  /** Each drawn invocation's start and end (epoch ms; end NaN while it runs), by request id. */
  async times(): Promise<Record<string, { start: number; end: number }>> {
    return this.table.locator('tr[data-kind="invocation"]').evaluateAll((rows) =>
      Object.fromEntries(rows.map((r) => [r.getAttribute('data-request-id') ?? '', { start: Number(r.getAttribute('data-start')), end: r.getAttribute('data-end') ? Number(r.getAttribute('data-end')) : Number.NaN }])),
    );
  }

  laneLabel(envId: string): Locator {
    return this.root.locator(`[data-testid="timeline-lane-label"][data-env-id="${envId}"]`);
  }

  async following(): Promise<boolean> {
    return (await this.page.getByTestId('timeline-follow').getAttribute('aria-pressed')) === 'true';
  }

  /** The page coordinates of a point on the canvas (CSS px relative to it). */
  async at(x: number, y: number): Promise<{ x: number; y: number }> {
    const b = await this.canvas.boundingBox();
    if (!b) throw new Error('E2E_TIMELINE_NO_CANVAS: the timeline canvas is not on screen');
    return { x: b.x + x, y: b.y + y };
  }

  /** Moves the pointer onto the middle of an invocation's span (`name`: invoke by default). */
  async hover(requestId: string, name = 'invoke'): Promise<void> {
    const span = (await this.geometry(requestId)).find((s) => s.name === name);
    if (!span) throw new Error(`E2E_TIMELINE_NOT_DRAWN: ${requestId} has no ${name} span on screen`);
    const p = await this.at((span.x0 + span.x1) / 2, span.y);
    await this.page.mouse.move(p.x, p.y);
  }

  async click(requestId: string): Promise<void> {
    await this.hover(requestId);
    await this.page.mouse.down();
    await this.page.mouse.up();
  }

  /** The canvas pixel (r, g, b) at a point in CSS px, read in the page. */
  async pixel(x: number, y: number): Promise<[number, number, number]> {
    return this.canvas.evaluate((c, p) => {
      const canvas = c as HTMLCanvasElement;
      const dpr = canvas.width / canvas.getBoundingClientRect().width;
      const d = canvas.getContext('2d')!.getImageData(Math.floor(p.x * dpr), Math.floor(p.y * dpr), 1, 1).data;
      return [d[0]!, d[1]!, d[2]!] as [number, number, number];
    }, { x, y });
  }
}
