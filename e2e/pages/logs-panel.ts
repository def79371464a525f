// The dock's Logs panel: the selected function's lines (virtualised: only the
// rows on screen are in the DOM), its filter and chips, follow mode, copy and
// download. Facts come from data attributes (data-line-id, data-request-id,
// data-env-id, data-stream, data-level, data-count, data-follow).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import type { LogLine, TelemetryEvent } from '../../main/contract/telemetry.js';
import { REPO } from '../harness.js';

export interface RowFacts {
  id: number;
  requestId: string;
  envId: string;
  stream: string;
  level: string;
  text: string;
}

// ---- the window as users get it ---------------------------------------------------------------

const ASSETS = join(REPO, 'dist', 'renderer', 'assets');

/** Is dist/renderer a development build (React's dev bundle, its JSX dev runtime)? */
export function rendererIsDevBuild(): boolean {
  if (!existsSync(ASSETS)) return false;
  return readdirSync(ASSETS).some((f) => /^index-.*\.js$/.test(f) && readFileSync(join(ASSETS, f), 'utf8').includes('jsxDEV'));
}

/**
 * Speed is measured on a production build. vitest sets NODE_ENV=test and scripts/build.mjs passes
 * the environment on to `vite build`, which then bundles React's development build (several times
 * slower per frame). For this spec's process: NODE_ENV=production (the harness's builds inherit
 * it), and dist/renderer rebuilt now if it is a development build.
 */
export async function ensureProductionRenderer(): Promise<void> {
  process.env.NODE_ENV = 'production';
  if (existsSync(ASSETS) && !rendererIsDevBuild()) return;
  process.stderr.write('[e2e] dist/renderer is a development build (NODE_ENV=test reached vite build): rebuilding it for production\n');
  await new Promise<void>((resolve, reject) => {
    const p = spawn(process.execPath, [join(REPO, 'scripts', 'build.mjs'), 'renderer', '--force'], { cwd: REPO, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, NODE_ENV: 'production' } });
    p.once('error', reject);
    p.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`E2E_BUILD: scripts/build.mjs renderer --force exited with ${code}`))));
  });
}

// ---- sample lines (speed spec, screenshots) ---------------------------------------------------

export const SAMPLE_ENVS = ['3f9a1c2b7d4e8f01', 'a81c44d09e2b3c77', '5be0f7a2c91d4e36', 'c04d9e1a7b3f2865'];

const hex = (n: number, w: number) => (n >>> 0).toString(16).padStart(w, '0').slice(-w);
const requestIdOf = (r: number) => `${hex(r * 2654435761, 8)}-${hex(r, 4)}-4${hex(r * 7, 3)}-8${hex(r * 13, 3)}-${hex(r * 40503, 6)}${hex(r, 6)}`;

/**
 * Lines as a Node function's invocations print them: START, the runtime's tab-separated lines,
 * a JSON log line, a line with ANSI colours, now and then a warning on stderr, END and REPORT.
 */
export function makeLines(count: number, functionName: string, firstId = 1, firstRequest = 0): LogLine[] {
  const out: LogLine[] = [];
  let id = firstId;
  let at = Date.parse('2026-12-01T09:30:00.000Z');
  for (let r = firstRequest; out.length < count; r++) {
    const envId = SAMPLE_ENVS[r % SAMPLE_ENVS.length]!;
    const requestId = requestIdOf(r);
    const push = (stream: LogLine['stream'], text: string, level?: string) => out.push({ id: id++, at: (at += 3), functionName, envId, requestId, stream, text, ...(level ? { level } : {}) });
    const iso = () => new Date(at).toISOString();
    push('platform', `START RequestId: ${requestId} Version: $LATEST`, 'INFO');
    for (let k = 0; k < 12; k++) push('stdout', `${iso()}\t${requestId}\tINFO\tprocessing order ${r}-${k}: 3 items, total 42.50 EUR`);
    push('stdout', JSON.stringify({ timestamp: iso(), level: 'INFO', requestId, message: 'order stored', orderId: `o-${r}`, items: 3, total: 42.5, tags: ['express', 'gift'] }), 'INFO');
    push('stdout', `${iso()}\t${requestId}\tINFO\t\u001b[32m✔\u001b[0m payment \u001b[1mauthorized\u001b[0m in \u001b[33m${(r % 90) + 10} ms\u001b[0m`);
    if (r % 3 === 0) push('stderr', `${iso()}\t${requestId}\tWARN\tinventory call slow (${200 + (r % 50)} ms), retrying`);
    push('platform', `END RequestId: ${requestId}`, 'INFO');
    push('platform', `REPORT RequestId: ${requestId}\tDuration: ${(12 + (r % 7)).toFixed(2)} ms\tBilled Duration: ${13 + (r % 7)} ms\tMemory Size: 128 MB\tMax Memory Used: 61 MB`, 'INFO');
  }
  out.length = count;
  return out;
}

type InjectWindow = { __lwbTest?: { telemetry?: { inject(e: TelemetryEvent): void } } };

export class LogsPanel {
  readonly root: Locator;
  readonly scroller: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('logs-panel');
    this.scroller = page.getByTestId('logs-scroll');
  }

  /** The dock's Logs tab (opens the dock if it was hidden). */
  async open(): Promise<void> {
    if (!(await this.page.getByTestId('dock').isVisible())) await this.page.keyboard.press('Control+j');
    await this.page.getByTestId('dock-logs').click();
    await this.root.waitFor({ state: 'visible', timeout: 30_000 });
  }

  /** Drags the separator above the dock so the dock is about `height` px tall. */
  async resizeDock(height: number): Promise<void> {
    const sep = this.page.locator('.sep-h').first();
    const box = await sep.boundingBox();
    const dock = await this.page.getByTestId('dock').boundingBox();
    if (!box || !dock) throw new Error('E2E_LOGS_NO_DOCK: the dock or its separator is not on screen');
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    const target = dock.y + dock.height - height;
    await this.page.mouse.move(x, y);
    await this.page.mouse.down();
    await this.page.mouse.move(x, target, { steps: 8 });
    await this.page.mouse.up();
  }

  rows(): Locator {
    return this.root.getByTestId('log-row');
  }

  row(lineId: number): Locator {
    return this.root.locator(`[data-testid="log-row"][data-line-id="${lineId}"]`);
  }

  /** The rows in the DOM (on screen plus overscan), in order. */
  async rowFacts(): Promise<RowFacts[]> {
    return this.rows().evaluateAll((els) =>
      els
        .map((e) => ({
          id: Number(e.getAttribute('data-line-id')),
          requestId: e.getAttribute('data-request-id') ?? '',
          envId: e.getAttribute('data-env-id') ?? '',
          stream: e.getAttribute('data-stream') ?? '',
          level: e.getAttribute('data-level') ?? '',
          text: (e.querySelector('.lg-text') as HTMLElement | null)?.innerText ?? '',
        }))
        .sort((a, b) => a.id - b.id),
    );
  }

  /** Lines matching the panel's filter (all of them, not only the rendered rows). */
  async count(): Promise<number> {
    return Number(await this.page.getByTestId('logs-count').getAttribute('data-count'));
  }

  /** Lines the window keeps of the function (before the filter). */
  async total(): Promise<number> {
    return Number(await this.page.getByTestId('logs-count').getAttribute('data-total'));
  }

  /** The id of the newest line the panel lists (after its filter), or null when it lists none. */
  async lastLineId(): Promise<number | null> {
    const v = await this.root.getAttribute('data-last-id');
    return v ? Number(v) : null;
  }

  async following(): Promise<boolean> {
    return (await this.root.getAttribute('data-follow')) === 'true';
  }

  async filter(text: string): Promise<void> {
    await this.root.getByTestId('logs-filter').fill(text);
  }

  chip(id: string): Locator {
    return this.root.getByTestId(`logs-chip-${id}`);
  }

  /** Ids of the env chips, in order. */
  async envChips(): Promise<string[]> {
    return this.root.locator('[data-testid^="logs-chip-env-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.replace('logs-chip-env-', '')));
  }

  /** The id of the newest line whose row is on screen (inside the scroller's box), or null. */
  async lastVisibleLineId(): Promise<number | null> {
    return this.scroller.evaluate((el) => {
      const box = el.getBoundingClientRect();
      let last: number | null = null;
      for (const r of el.querySelectorAll('[data-testid="log-row"]')) {
        const b = r.getBoundingClientRect();
        if (b.bottom <= box.bottom + 1 && b.top >= box.top - 1) last = Math.max(last ?? -1, Number(r.getAttribute('data-line-id')));
      }
      return last;
    });
  }

  /** Scrolls the list up by `px` as a user's wheel would. */
  async scrollUp(px = 400): Promise<void> {
    const box = await this.scroller.boundingBox();
    if (!box) throw new Error('E2E_LOGS_NOT_SHOWN: the log list is not on screen');
    await this.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await this.page.mouse.wheel(0, -px);
  }

  /** Feeds `logs` events into the window's telemetry feed, as the engine would send them. */
  async inject(lines: LogLine[], batch = 1000): Promise<void> {
    await this.page.evaluate(
      ({ lines, batch }) => {
        const t = (window as unknown as InjectWindow).__lwbTest?.telemetry;
        if (!t) throw new Error('E2E_NO_INJECT: window.__lwbTest.telemetry.inject is missing (renderer/src/telemetry/feed.ts)');
        for (let i = 0; i < lines.length; i += batch) t.inject({ type: 'logs', lines: lines.slice(i, i + batch) });
      },
      { lines, batch },
    );
  }
}
