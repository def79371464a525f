// The Test tab: payload, invocation type and qualifier, Invoke, the event
// library, saved test events and the batch runner.
import type { Locator, Page } from 'playwright-core';
import { Inspector, type ResultCard } from './result-card.js';

const MOD = process.platform === 'darwin' ? 'Meta' : 'Control';

export interface BatchItem {
  envId: string | null;
  cold: string | null;
  status: string | null;
}

export class TestTab {
  readonly root: Locator;
  readonly inspector: Inspector;

  constructor(private readonly page: Page) {
    this.root = page.getByTestId('test-tab');
    this.inspector = new Inspector(page);
  }

  async open(): Promise<void> {
    await this.page.getByTestId('tab-test').click();
    await this.root.waitFor({ state: 'visible', timeout: 30_000 });
  }

  payloadEditor(): Locator {
    return this.root.getByTestId('payload-editor');
  }

  async setPayload(json: unknown | string): Promise<void> {
    await this.payloadEditor().fill(typeof json === 'string' ? json : JSON.stringify(json, null, 2));
  }

  payload(): Promise<string> {
    return this.payloadEditor().inputValue();
  }

  async setType(type: 'RequestResponse' | 'Event' | 'DryRun'): Promise<void> {
    await this.root.getByTestId('invocation-type').selectOption(type);
  }

  /**
   * Invokes (the Invoke button, or Ctrl/Cmd+Enter) and waits for the answer's card: a card whose
   * request id is new. Returns the card.
   */
  async invoke(opts: { via?: 'button' | 'shortcut'; timeout?: number } = {}): Promise<ResultCard> {
    const before = new Set([await this.inspector.currentRequestId(), ...(await this.inspector.historyIds())]);
    await this.startInvoke(opts.via);
    return this.inspector.waitForNewCard(before, opts.timeout);
  }

  /** Starts an invocation and returns without waiting for its answer (ids seen before, to wait later). */
  async startInvoke(via: 'button' | 'shortcut' = 'button'): Promise<Set<string | null>> {
    const before = new Set([await this.inspector.currentRequestId(), ...(await this.inspector.historyIds())]);
    if (via === 'shortcut') {
      await this.payloadEditor().focus();
      await this.page.keyboard.press(`${MOD}+Enter`);
    } else {
      await this.root.getByTestId('invoke-button').click();
    }
    return before;
  }

  // ---- event library ------------------------------------------------------------------------

  async openLibrary(): Promise<Locator> {
    await this.root.getByTestId('event-library').click();
    const panel = this.page.getByTestId('event-library-panel');
    await panel.waitFor({ state: 'visible', timeout: 30_000 });
    return panel;
  }

  /**
   * Library → source → template → parameters → preview (the panel stays open). `expectInPreview`:
   * text the rendered preview must contain (it renders from the parameters). Returns the preview.
   */
  async fillTemplate(source: string, type: string, params: Record<string, string> = {}, expectInPreview?: string): Promise<string> {
    const panel = await this.openLibrary();
    await panel.locator(`[data-testid="event-source"][data-source="${source}"]`).click();
    await panel.locator(`[data-testid="event-template"][data-source="${source}"][data-type="${type}"]`).click();
    for (const [name, value] of Object.entries(params)) {
      await panel.locator(`[data-testid="event-param"][data-name="${name}"]`).fill(value);
    }
    const preview = panel.getByTestId('event-preview');
    if (expectInPreview !== undefined) {
      await this.page.waitForFunction(
        (v) => {
          const p = document.querySelector('[data-testid="event-preview"]');
          return p?.getAttribute('data-pending') !== 'true' && (p?.textContent ?? '').includes(v);
        },
        expectInPreview,
        { timeout: 30_000 },
      );
    }
    return preview.innerText();
  }

  /** "Use" in the open library: the payload editor takes the rendered event. */
  async useShownTemplate(): Promise<void> {
    const panel = this.page.getByTestId('event-library-panel');
    await panel.getByTestId('event-use').click();
    await panel.waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
  }

  /** fillTemplate, then Use. Returns the preview text. */
  async useTemplate(source: string, type: string, params: Record<string, string> = {}, expectInPreview?: string): Promise<string> {
    const text = await this.fillTemplate(source, type, params, expectInPreview);
    await this.useShownTemplate();
    return text;
  }

  async templateSources(): Promise<string[]> {
    const panel = await this.openLibrary();
    return panel.getByTestId('event-source').evaluateAll((els) => els.map((e) => e.getAttribute('data-source') ?? ''));
  }

  // ---- saved events -------------------------------------------------------------------------

  async saveEventAs(name: string): Promise<void> {
    await this.root.getByTestId('save-event').click();
    await this.page.getByTestId('save-event-name').fill(name);
    await this.page.getByTestId('save-event-confirm').click();
    await this.page.waitForFunction(
      (n) => [...(document.querySelector('[data-testid="saved-events"]') as HTMLSelectElement | null)?.options ?? []].some((o) => o.value === n || o.textContent?.trim() === n),
      name,
      { timeout: 30_000 },
    );
  }

  async savedEventNames(): Promise<string[]> {
    return this.root.getByTestId('saved-events').locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
  }

  /** Chooses a saved event; the payload editor then shows it. */
  async chooseSavedEvent(name: string): Promise<void> {
    await this.root.getByTestId('saved-events').selectOption(name);
  }

  // ---- batch --------------------------------------------------------------------------------

  /** Runs N invocations at concurrency c and waits for all N results; returns them. */
  async runBatch(count: number, concurrency: number, timeout = 180_000): Promise<BatchItem[]> {
    await this.root.getByTestId('batch-count').fill(String(count));
    await this.root.getByTestId('batch-concurrency').fill(String(concurrency));
    await this.root.getByTestId('batch-run').click();
    await this.page.waitForFunction(
      (n) => [...document.querySelectorAll('[data-testid="batch-results"] [data-testid="batch-result"]')].filter((e) => e.getAttribute('data-status')).length >= n,
      count,
      { timeout },
    );
    return this.page.getByTestId('batch-results').getByTestId('batch-result').evaluateAll((els) =>
      els.map((e) => ({ envId: e.getAttribute('data-env-id'), cold: e.getAttribute('data-cold'), status: e.getAttribute('data-status') })),
    );
  }
}

/** How S3 writes a key into an event: URL-encoded, spaces as "+". */
export function encodeForS3(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');
}
