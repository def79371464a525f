// The status bar: Docker, runtime images, API endpoint, auth mode, connection.
import type { Locator, Page } from 'playwright-core';

export class StatusBar {
  readonly root: Locator;

  constructor(private readonly page: Page) {
    this.root = page.getByTestId('status-bar');
  }

  async texts(): Promise<Record<'docker' | 'images' | 'api' | 'auth' | 'connection', string>> {
    const t = (id: string) => this.root.getByTestId(id).innerText();
    return { docker: await t('status-docker'), images: await t('status-images'), api: await t('status-api'), auth: await t('status-auth'), connection: await t('status-connection') };
  }

  item(id: 'status-docker' | 'status-images' | 'status-api' | 'status-auth' | 'status-connection'): Locator {
    return this.root.getByTestId(id);
  }
}
