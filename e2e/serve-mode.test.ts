// The UI in a real browser (Debian's Chromium driven by Playwright) through
// serve mode. Today the page is a placeholder; the UI issue grows this into
// user stories with page objects.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { startServer, type RunningServer } from '../test/helpers/server.js';

const CHROMIUM = '/usr/bin/chromium';
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  if (existsSync(CHROMIUM)) {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
  }
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe.skipIf(!existsSync(CHROMIUM))('serve mode in a browser', () => {
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
