// The Metrics dock tab: the totals strip (as data attributes), the range, and
// the charts (each a figure with what it drew as data attributes).
import type { Locator, Page } from 'playwright-core';

export type MetricsRange = '5m' | '15m' | '1h' | '24h' | 'all';

export interface MetricsTotals {
  invocations: number;
  errors: number;
  throttles: number;
  /** Percent, one decimal: 50 for one cold start in two invocations. */
  coldRate: number;
  coldStarts: number;
  costUsd: number;
}

export class MetricsPanel {
  readonly root: Locator;

  constructor(private readonly page: Page) {
    this.root = page.getByTestId('metrics-panel');
  }

  /** The dock's Metrics tab (opening the dock when it is hidden). */
  async open(): Promise<void> {
    const tab = this.page.getByTestId('dock-metrics');
    if (!(await tab.isVisible())) await this.page.keyboard.press(process.platform === 'darwin' ? 'Meta+j' : 'Control+j');
    await tab.click();
    await this.root.waitFor({ state: 'visible', timeout: 15_000 });
  }

  async setRange(range: MetricsRange): Promise<void> {
    await this.root.getByTestId('metrics-range').locator(`[data-range="${range}"]`).click();
    await this.page.waitForFunction((r) => document.querySelector('[data-testid="metrics-panel"]')?.getAttribute('data-range') === r, range);
  }

  async totals(): Promise<MetricsTotals | null> {
    const t = this.root.getByTestId('metrics-totals');
    if ((await t.count()) === 0) return null;
    return t.evaluate((el) => {
      const n = (k: string) => Number(el.getAttribute(`data-${k}`) ?? 'NaN');
      return { invocations: n('invocations'), errors: n('errors'), throttles: n('throttles'), coldRate: n('cold-rate'), coldStarts: n('cold-starts'), costUsd: n('cost') };
    });
  }

  /** Waits until the totals satisfy `ok` (the panel refreshes at most once a second while invocations land). */
  async waitForTotals(ok: (t: MetricsTotals) => boolean, what: string, timeout = 30_000): Promise<MetricsTotals> {
    const deadline = Date.now() + timeout;
    let last: MetricsTotals | null = null;
    while (Date.now() < deadline) {
      last = await this.totals();
      if (last && ok(last)) return last;
      await this.page.waitForTimeout(150);
    }
    const err = await this.root.getByTestId('error-box').allInnerTexts();
    throw new Error(`E2E_METRICS_TOTALS: waited ${timeout} ms for ${what}; totals: ${JSON.stringify(last)}${err.length ? `; errors: ${err.join(' | ')}` : ''}`);
  }

  /** One chart: invocations, duration, cold, concurrency, memory, billed, cost. */
  chart(id: string): Locator {
    return this.root.getByTestId(`metrics-chart-${id}`);
  }

  /** What a chart drew, from its data attributes (points, total, max, ...). */
  async chartFacts(id: string): Promise<Record<string, string>> {
    return this.chart(id).evaluate((el) => Object.fromEntries(Array.from(el.attributes).filter((a) => a.name.startsWith('data-') && a.name !== 'data-testid').map((a) => [a.name.slice(5), a.value])));
  }

  /** The pricing footnote (its date and source). */
  pricing(): Promise<string> {
    return this.root.getByTestId('metrics-pricing').innerText();
  }
}
