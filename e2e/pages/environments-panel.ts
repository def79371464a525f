// The Environments panel (side bar) and the env inspector it opens in the right
// column: rows with their state, cold-start cause and use as data attributes;
// kill, kill all, pre-warm and force cold; the /tmp tree (links shown as links),
// a file's head and its download, and each invocation's /tmp changes.
import type { Locator, Page } from 'playwright-core';

export interface EnvRowInfo {
  envId: string;
  state: string | null;
  cause: string | null;
  invocations: number;
  network: string | null;
}

export interface TmpEntryInfo {
  path: string;
  type: string;
  size: number;
  /** A link's target as the browser shows it (text only: never followed). */
  target: string | null;
}

export interface TmpChangeInfo {
  requestId: string;
  entries: { kind: 'added' | 'modified' | 'removed'; path: string; size: number | null }[];
}

/**
 * Runs `action` and returns the text of the first toast that appeared after it. Toasts close
 * themselves after a few seconds, so an index counted before would drift: the ones already shown
 * are marked instead, and the answer is the first one without the mark.
 */
async function toastAfter(page: Page, action: () => Promise<void>, timeout: number): Promise<string> {
  await page.getByTestId('toast').evaluateAll((els) => els.forEach((e) => e.setAttribute('data-e2e-seen', '')));
  await action();
  const fresh = page.locator('[data-testid="toast"]:not([data-e2e-seen])').first();
  await fresh.waitFor({ state: 'visible', timeout });
  return fresh.innerText();
}

export class EnvironmentsPanel {
  readonly root: Locator;
  readonly inspector: EnvInspector;

  constructor(private readonly page: Page) {
    this.root = page.getByTestId('env-panel');
    this.inspector = new EnvInspector(page);
  }

  /** The activity bar's Environments item → the panel. */
  async open(): Promise<void> {
    if (!(await this.root.isVisible())) await this.page.getByTestId('activity-environments').click();
    await this.root.waitFor({ state: 'visible', timeout: 15_000 });
  }

  /** Only the selected function's envs, or every function's. */
  async scope(which: 'function' | 'all'): Promise<void> {
    await this.root.getByTestId(which === 'all' ? 'env-scope-all' : 'env-scope-function').click();
  }

  async showGone(show: boolean): Promise<void> {
    await this.root.getByTestId('env-show-gone').setChecked(show);
  }

  row(envId: string): Locator {
    return this.root.locator(`[data-testid="env-row"][data-env-id="${envId}"]`);
  }

  async rows(): Promise<EnvRowInfo[]> {
    return this.root.getByTestId('env-row').evaluateAll((els) =>
      els.map((e) => ({
        envId: e.getAttribute('data-env-id') ?? '',
        state: e.getAttribute('data-state'),
        cause: e.getAttribute('data-cause'),
        invocations: Number(e.getAttribute('data-invocations') ?? 'NaN'),
        network: e.getAttribute('data-network'),
      })),
    );
  }

  async info(envId: string): Promise<EnvRowInfo> {
    const all = await this.rows();
    const found = all.find((r) => r.envId === envId);
    if (!found) throw new Error(`E2E_ENV_ROW_MISSING: no row for env ${envId}; rows: ${JSON.stringify(all)}`);
    return found;
  }

  /** Waits until the rows satisfy `ok` (the table is live); returns them. */
  async waitForRows(ok: (rows: EnvRowInfo[]) => boolean, what: string, timeout = 30_000): Promise<EnvRowInfo[]> {
    const deadline = Date.now() + timeout;
    let last: EnvRowInfo[] = [];
    while (Date.now() < deadline) {
      last = await this.rows();
      if (ok(last)) return last;
      await this.page.waitForTimeout(100);
    }
    throw new Error(`E2E_ENV_ROWS: waited ${timeout} ms for ${what}; rows: ${JSON.stringify(last)}`);
  }

  /** Kills one env from its row; returns the toast's text (the result, or the error with its code). */
  async kill(envId: string): Promise<string> {
    const row = this.row(envId);
    await row.hover();
    return toastAfter(this.page, () => row.getByTestId('env-kill').click(), 30_000);
  }

  /** Kill all → confirm in the dialog; returns the toast's text. */
  async killAll(): Promise<string> {
    return toastAfter(
      this.page,
      async () => {
        await this.root.getByTestId('env-kill-all').click();
        await this.page.getByTestId('env-kill-all-confirm').click();
      },
      60_000,
    );
  }

  /** Pre-warm N; returns the toast's text once the engine answered (its envs may still be starting). */
  async prewarm(count: number): Promise<string> {
    await this.root.getByTestId('env-prewarm-count').fill(String(count));
    return toastAfter(this.page, () => this.root.getByTestId('env-prewarm').click(), 120_000);
  }

  /** Force cold's state as the switch shows it: 'true', 'false' or 'unknown'. */
  forceColdState(): Promise<string | null> {
    return this.root.getByTestId('env-force-cold').getAttribute('data-on');
  }

  /** Turns force cold on or off (workbench-wide) and waits for the switch to say so. */
  async setForceCold(on: boolean): Promise<void> {
    const sw = this.root.getByTestId('env-force-cold');
    if ((await sw.getAttribute('aria-checked')) !== String(on)) await sw.click();
    await this.page.waitForFunction((want) => document.querySelector('[data-testid="env-force-cold"]')?.getAttribute('aria-checked') === want, String(on), { timeout: 15_000 });
  }

  /** Clicks the env's row: the inspector shows it. */
  async inspect(envId: string): Promise<EnvInspector> {
    await this.row(envId).click();
    await this.inspector.root.and(this.page.locator(`[data-env-id="${envId}"]`)).waitFor({ state: 'visible', timeout: 15_000 });
    return this.inspector;
  }

  /** The row the whole window has focused (selected here or anywhere else). */
  async focusedEnvId(): Promise<string | null> {
    const r = this.root.locator('[data-testid="env-row"][aria-selected="true"]');
    return (await r.count()) ? r.first().getAttribute('data-env-id') : null;
  }
}

export class EnvInspector {
  readonly root: Locator;

  constructor(private readonly page: Page) {
    this.root = page.getByTestId('env-inspector');
  }

  /** The inspector's Environment tab (it opens on its own when an env is picked). */
  async show(): Promise<void> {
    await this.page.getByTestId('inspector-tab-env').click();
    await this.root.waitFor({ state: 'visible', timeout: 15_000 });
  }

  envId(): Promise<string | null> {
    return this.root.getAttribute('data-env-id');
  }

  async tmpEntries(): Promise<TmpEntryInfo[]> {
    return this.root.getByTestId('tmp-entry').evaluateAll((els) =>
      els.map((e) => ({ path: e.getAttribute('data-path') ?? '', type: e.getAttribute('data-type') ?? '', size: Number(e.getAttribute('data-size') ?? 'NaN'), target: e.getAttribute('data-target') })),
    );
  }

  /** Waits for an entry of /tmp (the tree is re-read after each invocation). */
  async waitForTmpEntry(path: string, ok: (e: TmpEntryInfo) => boolean = () => true, timeout = 30_000): Promise<TmpEntryInfo> {
    const deadline = Date.now() + timeout;
    let last: TmpEntryInfo[] = [];
    while (Date.now() < deadline) {
      last = await this.tmpEntries();
      const e = last.find((x) => x.path === path);
      if (e && ok(e)) return e;
      await this.page.waitForTimeout(100);
    }
    throw new Error(`E2E_TMP_ENTRY: /tmp/${path} did not show within ${timeout} ms; entries: ${JSON.stringify(last)}; ${await this.errors()}`);
  }

  entry(path: string): Locator {
    return this.root.locator(`[data-testid="tmp-entry"][data-path="${path}"]`);
  }

  /** Clicks a file: returns its head as shown (text, or a hex dump for binary). */
  async openFile(path: string): Promise<{ kind: string | null; text: string }> {
    await this.entry(path).click();
    const head = this.root.locator('[data-testid="tmp-file"]').filter({ has: this.page.getByTestId('tmp-file-head') });
    await head.waitFor({ state: 'visible', timeout: 15_000 });
    const pre = this.root.getByTestId('tmp-file-head');
    return { kind: await pre.getAttribute('data-kind'), text: await pre.innerText() };
  }

  /** The open file's Download → the bytes the browser saved. */
  async download(): Promise<Buffer> {
    const [dl] = await Promise.all([this.page.waitForEvent('download', { timeout: 30_000 }), this.root.getByTestId('tmp-download').click()]);
    const stream = await dl.createReadStream();
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }

  async changes(): Promise<TmpChangeInfo[]> {
    return this.root.getByTestId('tmp-change').evaluateAll((els) =>
      els.map((c) => ({
        requestId: c.getAttribute('data-request-id') ?? '',
        entries: Array.from(c.querySelectorAll('[data-testid="tmp-change-entry"]')).map((e) => ({
          kind: e.getAttribute('data-kind') as 'added' | 'modified' | 'removed',
          path: e.getAttribute('data-path') ?? '',
          size: e.getAttribute('data-size') === null ? null : Number(e.getAttribute('data-size')),
        })),
      })),
    );
  }

  /** Waits for an invocation's change set to show; returns it. */
  async waitForChange(requestId: string, timeout = 30_000): Promise<TmpChangeInfo> {
    const deadline = Date.now() + timeout;
    let last: TmpChangeInfo[] = [];
    while (Date.now() < deadline) {
      last = await this.changes();
      const c = last.find((x) => x.requestId === requestId);
      if (c) return c;
      await this.page.waitForTimeout(100);
    }
    throw new Error(`E2E_TMP_CHANGE: invocation ${requestId}'s /tmp changes did not show within ${timeout} ms; shown: ${JSON.stringify(last)}; ${await this.errors()}`);
  }

  /** The change set highlighted as the focused invocation's. */
  async focusedChange(): Promise<string | null> {
    const c = this.root.locator('[data-testid="tmp-change"][aria-current="true"]');
    return (await c.count()) ? c.first().getAttribute('data-request-id') : null;
  }

  /** Errors the inspector shows (code and message), for a failing wait's message. */
  async errors(): Promise<string> {
    const boxes = await this.root.getByTestId('error-box').allInnerTexts();
    return boxes.length ? `errors shown: ${boxes.join(' | ')}` : 'no error shown';
  }
}
