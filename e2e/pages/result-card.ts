// The Inspector's result card: what Lambda answered and which env served it,
// cold or warm and why. Values come from data attributes (for comparisons) and
// from the visible text (what a user reads).
import type { Locator, Page } from 'playwright-core';

export interface CardFacts {
  requestId: string;
  envId: string | null;
  cold: boolean | null;
  coldCause: string | null;
  status: string | null;
  functionError: string | null;
}

export class ResultCard {
  constructor(readonly root: Locator) {}

  private attr(name: string): Promise<string | null> {
    return this.root.getAttribute(name);
  }

  async facts(): Promise<CardFacts> {
    const cold = await this.attr('data-cold');
    return {
      requestId: (await this.attr('data-request-id')) ?? '',
      envId: await this.attr('data-env-id'),
      cold: cold === null ? null : cold === 'true',
      coldCause: await this.attr('data-cold-cause'),
      status: await this.attr('data-status'),
      functionError: await this.attr('data-function-error'),
    };
  }

  /** The visible text of one part of the card (result-response, result-badge, ...). */
  text(part: string): Promise<string> {
    return this.root.getByTestId(part).innerText();
  }

  part(part: string): Locator {
    return this.root.getByTestId(part);
  }

  /** The response as JSON (the card pretty-prints it). */
  async response(): Promise<unknown> {
    const t = await this.text('result-response');
    try {
      return JSON.parse(t);
    } catch {
      throw new Error(`E2E_RESPONSE_NOT_JSON: result-response shows ${JSON.stringify(t.slice(0, 500))}`);
    }
  }

  async logs(): Promise<string> {
    return this.text('result-logs');
  }
}

export class Inspector {
  readonly root: Locator;

  constructor(private readonly page: Page) {
    this.root = page.getByTestId('inspector');
  }

  /** The card the Inspector shows now (one focused invocation for the whole window). */
  card(): ResultCard {
    return new ResultCard(this.root.getByTestId('result-card').first());
  }

  async currentRequestId(): Promise<string | null> {
    const c = this.root.getByTestId('result-card');
    if ((await c.count()) === 0) return null;
    return c.first().getAttribute('data-request-id');
  }

  /** Waits for a card whose request id is none of `seen` (the answer to a new invocation). */
  async waitForNewCard(seen: Iterable<string | null>, timeout = 120_000): Promise<ResultCard> {
    const ids = [...seen].filter((s): s is string => Boolean(s));
    const not = ids.map((id) => `:not([data-request-id="${id}"])`).join('');
    const loc = this.root.locator(`[data-testid="result-card"][data-request-id]${not}`).first();
    await this.page.waitForFunction(
      ({ ids }) => {
        const c = document.querySelector('[data-testid="inspector"] [data-testid="result-card"][data-request-id]');
        const id = c?.getAttribute('data-request-id');
        return Boolean(id) && !ids.includes(id!) && c!.getAttribute('data-status') !== null;
      },
      { ids },
      { timeout },
    );
    return new ResultCard(loc);
  }

  historyItems(): Locator {
    return this.page.getByTestId('history').getByTestId('history-item');
  }

  async historyIds(): Promise<string[]> {
    return this.historyItems().evaluateAll((els) => els.map((e) => e.getAttribute('data-request-id') ?? ''));
  }

  /** Clicks a history item and waits for the card to show that request again. */
  async focusHistory(requestId: string): Promise<ResultCard> {
    await this.page.locator(`[data-testid="history-item"][data-request-id="${requestId}"]`).click();
    const loc = this.root.locator(`[data-testid="result-card"][data-request-id="${requestId}"]`);
    await loc.waitFor({ state: 'visible', timeout: 10_000 });
    return new ResultCard(loc);
  }
}
