// "New function": name, a template per runtime, and the configuration Lambda
// takes at creation (handler, memory, timeout, ephemeral storage, env vars).
import type { Locator, Page } from 'playwright-core';
import type { RuntimeTemplateId } from '../../main/contract/results.js';

export interface NewFunction {
  name: string;
  template: RuntimeTemplateId;
  runtime?: string;
  handler?: string;
  memory?: number;
  timeout?: number;
  storage?: number;
  env?: Record<string, string>;
}

export class CreateFunctionDialog {
  readonly root: Locator;

  constructor(private readonly page: Page) {
    this.root = page.getByTestId('create-function-dialog');
  }

  private field(id: string): Locator {
    return this.root.getByTestId(id);
  }

  async fill(fn: NewFunction): Promise<void> {
    await this.field('create-name').fill(fn.name);
    // The template sets the runtime and handler it suggests; set those after it.
    await this.field('create-template').selectOption(fn.template);
    if (fn.runtime) await this.field('create-runtime').selectOption(fn.runtime);
    if (fn.handler) await this.field('create-handler').fill(fn.handler);
    if (fn.memory) await this.field('create-memory').fill(String(fn.memory));
    if (fn.timeout) await this.field('create-timeout').fill(String(fn.timeout));
    if (fn.storage) await this.field('create-storage').fill(String(fn.storage));
    if (fn.env) await this.field('create-env').fill(Object.entries(fn.env).map(([k, v]) => `${k}=${v}`).join('\n'));
  }

  /** The runtime the dialog will create with (after the template chose it). */
  runtime(): Promise<string> {
    return this.field('create-runtime').inputValue();
  }

  /** Runtime ids the runtime <select> offers for the chosen template. */
  async runtimes(): Promise<string[]> {
    return this.field('create-runtime').locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  }

  /** Submits and waits for the dialog to close; an error shown in it fails with its text. */
  async submit(timeout = 60_000): Promise<void> {
    await this.field('create-submit').click();
    const closed = this.root.waitFor({ state: 'hidden', timeout }).then(() => null);
    const failed = this.root.getByTestId('error-box').waitFor({ state: 'visible', timeout }).then(async () => this.root.getByTestId('error-box').innerText());
    const error = await Promise.race([closed, failed.catch(() => null)]);
    if (error) throw new Error(`E2E_CREATE_FAILED: the create dialog showed an error: ${error}`);
  }
}
