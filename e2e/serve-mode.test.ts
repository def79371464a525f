// Serve mode in a real browser (Debian's Chromium driven by Playwright): the
// address `lwb serve` prints opens the window on the same port as the Lambda
// API, the token leaves the address bar, and the page runs with no console
// error and no CSP violation. The user stories are in e2e/story-*.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { hasChromium, launchChromium } from '../test/helpers/browser.js';
import { removeDir, startServer, type RunningServer } from '../test/helpers/server.js';
import { ensureRendererBuilt } from './harness.js';

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  ensureRendererBuilt();
  server = await startServer();
  if (hasChromium) browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (server) removeDir(server.dataDir);
});

describe.skipIf(!hasChromium)('serve mode in a browser', () => {
  it('opens the window from the printed address, on the Lambda API\'s port, with no console error', async () => {
    const address = server.output().match(/^Workbench UI: (\S+)$/m)?.[1];
    expect(address, server.output()).toMatch(new RegExp(`^${server.url.replace(/\./g, '\\.')}/\\?token=[A-Za-z0-9_-]{43}$`));
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
    // CSP violations reach the page as events before any console line: record them from the start.
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
    });
    await page.goto(address!);
    expect(page.url()).toBe(`${server.url}/`);
    await page.getByTestId('app-root').waitFor({ state: 'visible', timeout: 60_000 });
    await expect(page.title()).resolves.toBe('Lambda Workbench');
    // The window reached main over its WebSocket: the status bar shows the connection.
    await page.getByTestId('status-connection').waitFor({ state: 'visible', timeout: 30_000 });
    await page.waitForTimeout(1000);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a browser without the address gets the page that says where to find it', async () => {
    const page = await browser.newPage();
    const res = await page.goto(`${server.url}/`);
    expect(res?.status()).toBe(401);
    await expect(page.locator('body').textContent()).resolves.toContain('Workbench UI: http://127.0.0.1:<port>/?token=');
    await page.close();
  });
});
