// The Configuration tab: memory, timeout, storage, handler, env vars; publish
// a version, point an alias; delete with confirmation.
import type { Locator, Page } from 'playwright-core';

export interface ConfigValues {
  memory?: number;
  timeout?: number;
  storage?: number;
  handler?: string;
  env?: Record<string, string>;
}

export class ConfigTab {
  readonly form: Locator;

  constructor(private readonly page: Page) {
    this.form = page.getByTestId('config-form');
  }

  async open(): Promise<void> {
    await this.page.getByTestId('tab-config').click();
    await this.form.waitFor({ state: 'visible', timeout: 30_000 });
  }

  async values(): Promise<Required<Omit<ConfigValues, 'env'>> & { env: string }> {
    const v = (id: string) => this.form.getByTestId(id).inputValue();
    return { memory: Number(await v('config-memory')), timeout: Number(await v('config-timeout')), storage: Number(await v('config-storage')), handler: await v('config-handler'), env: await v('config-env') };
  }

  async save(values: ConfigValues): Promise<void> {
    const f = (id: string) => this.form.getByTestId(id);
    if (values.memory !== undefined) await f('config-memory').fill(String(values.memory));
    if (values.timeout !== undefined) await f('config-timeout').fill(String(values.timeout));
    if (values.storage !== undefined) await f('config-storage').fill(String(values.storage));
    if (values.handler !== undefined) await f('config-handler').fill(values.handler);
    if (values.env !== undefined) await f('config-env').fill(Object.entries(values.env).map(([k, v]) => `${k}=${v}`).join('\n'));
    await f('config-save').click();
  }

  async publishVersion(): Promise<void> {
    await this.page.getByTestId('publish-version').click();
  }

  async putAlias(name: string, version: string): Promise<void> {
    await this.page.getByTestId('alias-name').fill(name);
    const v = this.page.getByTestId('alias-version');
    if ((await v.evaluate((e) => e.tagName)) === 'SELECT') await v.selectOption(version);
    else await v.fill(version);
    await this.page.getByTestId('alias-save').click();
  }

  async deleteFunction(): Promise<void> {
    await this.page.getByTestId('delete-function').click();
    await this.page.getByTestId('confirm-delete').click();
  }
}
