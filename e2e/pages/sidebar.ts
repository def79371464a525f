// The sidebar's function list: one row per function, live (the functions
// stream), with its runtime, state and env counts as data attributes.
import type { Locator, Page } from 'playwright-core';
import { CreateFunctionDialog } from './create-dialog.js';

export interface FunctionRowInfo {
  name: string;
  runtime: string | null;
  state: string | null;
  warm: string | null;
  frozen: string | null;
  busy: string | null;
}

export class Sidebar {
  readonly list: Locator;

  constructor(private readonly page: Page) {
    this.list = page.getByTestId('function-list');
  }

  row(name: string): Locator {
    return this.list.locator(`[data-testid="function-row"][data-name="${name}"]`);
  }

  async names(): Promise<string[]> {
    const rows = this.list.getByTestId('function-row');
    return (await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-name') ?? ''))).filter(Boolean);
  }

  /** Waits for `name`'s row to appear (the list is live: no reload). */
  async waitFor(name: string, timeout = 30_000): Promise<Locator> {
    const row = this.row(name);
    await row.waitFor({ state: 'visible', timeout });
    return row;
  }

  async info(name: string): Promise<FunctionRowInfo> {
    const row = this.row(name);
    const a = (k: string) => row.getAttribute(k);
    return { name, runtime: await a('data-runtime'), state: await a('data-state'), warm: await a('data-warm'), frozen: await a('data-frozen'), busy: await a('data-busy') };
  }

  async select(name: string): Promise<void> {
    await (await this.waitFor(name)).click();
  }

  async newFunction(): Promise<CreateFunctionDialog> {
    await this.page.getByTestId('new-function').click();
    const dialog = new CreateFunctionDialog(this.page);
    await dialog.root.waitFor({ state: 'visible' });
    return dialog;
  }
}
