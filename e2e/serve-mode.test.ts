// The UI in a real browser (Debian's Chromium driven by Playwright) through
// serve mode. Today the page is a placeholder; the UI issue grows this into
// user stories with page objects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { hasChromium, launchChromium } from '../test/helpers/browser.js';
import { startServer, type RunningServer } from '../test/helpers/server.js';

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  if (hasChromium) browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe.skipIf(!hasChromium)('serve mode in a browser', () => {
  it('serves the workbench page on the same address as the Lambda API', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Lambda Workbench');
    await expect(page.locator('code').first().textContent()).resolves.toContain(`aws lambda list-functions`);
    expect(errors).toEqual([]);
  });
});
